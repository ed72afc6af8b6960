import { describe, expect, it } from "vitest";
import { TERMINAL_ATTACKS as ATTACKS, strayControls } from "../../../../tests/robustness/hostile-servers.js";
import { createColors } from "../../src/ui/colors.js";
import { renderJson } from "../../src/ui/table.js";
import { terminalText } from "../../src/ui/terminal-text.js";

/** No control character but tab and newline, and SGR only if `sgr`. */
function expectInert(text: string, sgr = false): void {
  expect(strayControls(text, sgr)).toEqual([]);
}

describe("terminalText", () => {
  it.each(Object.entries(ATTACKS))("neutralises %s, on a terminal or not", (_name, attack) => {
    for (const sgr of [false, true]) {
      const text = terminalText(`name ${attack} end`, { sgr });
      expectInert(text, sgr);
      expect(text).toMatch(/^name .* end/s);
    }
  });

  it("shows each neutralised character as its JSON escape, so the attempt stays visible", () => {
    expect(terminalText("a\u001b]0;t\u0007b", { sgr: true })).toBe("a\\u001b]0;t\\u0007b");
    expect(terminalText("\u009b2J", { sgr: false })).toBe("\\u009b2J");
    expect(terminalText("ok\rERROR", { sgr: false })).toBe("ok\\u000dERROR");
    expect(terminalText("x\u001b[2Jy", { sgr: true })).toBe("x\\u001b[2Jy");
  });

  it("keeps tabs, newlines, Windows line ends (as newlines) and every printable character", () => {
    const text = "a\tb\nc\r\nd é ✔ ⧗ 日本";
    expect(terminalText(text, { sgr: false })).toBe("a\tb\nc\nd é ✔ ⧗ 日本");
  });

  it("passes Terraform's plain colours only where colour is on, and drops them elsewhere", () => {
    const line = "\u001b[0m\u001b[1m\u001b[32mApply complete!\u001b[0m";
    expect(terminalText(line, { sgr: true })).toBe(line);
    expect(terminalText(line, { sgr: false })).toBe("Apply complete!");
    // Not plain: 256 colours, conceal, blink are dropped even on a terminal.
    expect(terminalText("\u001b[38;5;196mred\u001b[5mblink\u001b[8mhid", { sgr: true })).toBe("redblinkhid");
  });

  it("keeps our own colours, and never adds to them", () => {
    const colors = createColors(true);
    const ours = `${colors.red(colors.bold("error: x"))} ${colors.dim("[1.2s]")} ${colors.cyan("==>")}`;
    expect(terminalText(ours, { sgr: true })).toBe(ours);
  });

  it("closes a colour a server left open, so it does not bleed into what follows", () => {
    expect(terminalText("\u001b[31mred", { sgr: true })).toBe("\u001b[31mred\u001b[0m");
    expect(terminalText("\u001b[31m\u001b[1mx\u001b[22m", { sgr: true })).toBe(
      "\u001b[31m\u001b[1mx\u001b[22m\u001b[0m",
    );
    expect(terminalText("\u001b[31mx\u001b[m", { sgr: true })).toBe("\u001b[31mx\u001b[m");
  });

  it("leaves -o json exact: the document parses back to the very strings the server sent", () => {
    const value = { name: Object.values(ATTACKS).join(" "), del: "\u007f", c1: "\u0085\u009b\u009d" };
    const printed = terminalText(renderJson(value), { sgr: true });
    expectInert(printed);
    expect(JSON.parse(printed)).toEqual(value);
  });
});
