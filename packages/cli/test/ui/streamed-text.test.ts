import { describe, expect, it } from "vitest";
import { StreamedText } from "../../src/ui/streamed-text.js";
import { terminalText } from "../../src/ui/terminal-text.js";

/** What the sanitiser prints for `pieces` written one by one through a StreamedText. */
function printed(pieces: string[], sgr = true): string {
  const text = new StreamedText();
  return [...pieces.map((p) => text.push(p)), text.end()].map((p) => terminalText(p, { sgr })).join("");
}

describe("StreamedText", () => {
  it("judges a CRLF or a CSI sequence split between pieces as a whole", () => {
    const whole = "a\r\nb\u001b[2Jc\u001b[31md\u001b[0m\n";
    for (let at = 1; at < whole.length; at++) {
      const split = printed([whole.slice(0, at), whole.slice(at)], false);
      expect({ at, split }).toEqual({ at, split: terminalText(whole, { sgr: false }) });
    }
  });

  it("holds back nothing else, and gives back an unfinished tail at the end", () => {
    const text = new StreamedText();
    expect(text.push("progress 10%")).toBe("progress 10%");
    expect(text.push("\r")).toBe("");
    expect(text.push("x\u001b[3")).toBe("\rx");
    expect(text.end()).toBe("\u001b[3");
    // A run after ESC longer than any CSI sequence is not held.
    expect(text.push(`\u001b[${"1;".repeat(20)}`)).toBe(`\u001b[${"1;".repeat(20)}`);
  });
});
