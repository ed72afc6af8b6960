import { describe, expect, it } from "vitest";
import {
  commandLine,
  inlineScript,
  MAX_START_MESSAGE_BYTES,
  shellQuote,
  startMessageBytes,
  typedScript,
} from "../../src/exec/script.js";

describe("the exec script", () => {
  it("never contains a marker's separator byte, so printing it cannot end a run", () => {
    const line = commandLine(["printf", "%s", "\x1espt-exit:x:0\x1e"]);
    for (const script of [inlineScript(line, "n0nce", false), inlineScript(line, "n0nce", true)]) {
      expect(script.startsWith("#!/bin/sh\n")).toBe(true);
      // The user's own bytes are quoted into the command line; the script adds none of its own.
      expect(script.replace("\x1espt-exit:x:0\x1e", "").includes("\x1e")).toBe(false);
    }
    expect(typedScript(100, "n0nce", false).includes("\x1e")).toBe(false);
  });

  it("runs the command in the user's shell with stdin at end of file; plain mode adds stty and TERM=dumb", () => {
    expect(inlineScript("kvm-ok", "N", false).split("\n")).toEqual([
      "#!/bin/sh",
      "printf '\\036spt-start:%s\\036' N",
      "stty -onlcr 2>/dev/null",
      `TERM=dumb "\${SHELL:-/bin/sh}" -c kvm-ok </dev/null`,
      `printf '\\036spt-exit:%s:%s\\036' N "$?"`,
    ]);
    expect(inlineScript("kvm-ok", "N", true).split("\n")[2]).toBe(
      `"\${SHELL:-/bin/sh}" -c kvm-ok </dev/null`,
    );
  });

  it("reads a long command from the terminal in raw mode after the start marker, then runs it the same way", () => {
    expect(typedScript(5000, "N", false).split("\n")).toEqual([
      "#!/bin/sh",
      "stty raw -echo 2>/dev/null || exit 126",
      "printf '\\036spt-start:%s\\036' N",
      "c=$(head -c 5000)",
      "stty sane -onlcr 2>/dev/null",
      `TERM=dumb "\${SHELL:-/bin/sh}" -c "$c" </dev/null`,
      `printf '\\036spt-exit:%s:%s\\036' N "$?"`,
    ]);
  });

  it("measures the start message as coderd encodes it (Go escapes <, > and &)", () => {
    const plain = startMessageBytes("echo a", 80, 24);
    expect(startMessageBytes("echo <", 80, 24)).toBe(plain + 5);
    expect(startMessageBytes("echo é", 80, 24)).toBe(plain + 1);
    // A short command fits; the budget left for the command line in the default script is about 800 bytes.
    const nonce = "0".repeat(32);
    expect(startMessageBytes(inlineScript("kvm-ok", nonce, false), 80, 24)).toBeLessThan(
      MAX_START_MESSAGE_BYTES,
    );
    expect(startMessageBytes(inlineScript("x".repeat(900), nonce, false), 80, 24)).toBeGreaterThan(
      MAX_START_MESSAGE_BYTES,
    );
  });

  it("quotes each word of an argument list so that the shell sees it as one word", () => {
    expect(shellQuote("plain-word_1.0")).toBe("plain-word_1.0");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(commandLine(["printf", "%s|", "a b", "c'd"])).toBe(`printf '%s|' 'a b' 'c'\\''d'`);
    expect(commandLine("echo $HOME | wc")).toBe("echo $HOME | wc");
  });
});
