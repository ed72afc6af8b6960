import { describe, expect, it } from "vitest";
import { commandLine, execScript, shellQuote } from "../../src/exec/script.js";

describe("the exec script", () => {
  it("never contains a marker's separator byte, so printing it cannot end a run", () => {
    for (const raw of [false, true]) {
      const script = execScript(["printf", "%s", "\x1espt-exit:x:0\x1e"], "n0nce", raw);
      expect(script.startsWith("#!/bin/sh\n")).toBe(true);
      // The user's own bytes are quoted into the command line; the script adds none of its own.
      expect(script.replace("\x1espt-exit:x:0\x1e", "").includes("\x1e")).toBe(false);
    }
  });

  it("runs the command in the user's shell with stdin at end of file; plain mode adds stty and TERM=dumb", () => {
    expect(execScript("kvm-ok", "N", false).split("\n")).toEqual([
      "#!/bin/sh",
      "printf '\\036spt-start:%s\\036' N",
      "stty -onlcr 2>/dev/null",
      `TERM=dumb "\${SHELL:-/bin/sh}" -c kvm-ok </dev/null`,
      `printf '\\036spt-exit:%s:%s\\036' N "$?"`,
    ]);
    expect(execScript("kvm-ok", "N", true).split("\n")[2]).toBe(`"\${SHELL:-/bin/sh}" -c kvm-ok </dev/null`);
  });

  it("quotes each word of an argument list so that the shell sees it as one word", () => {
    expect(shellQuote("plain-word_1.0")).toBe("plain-word_1.0");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(commandLine(["printf", "%s|", "a b", "c'd"])).toBe(`printf '%s|' 'a b' 'c'\\''d'`);
    expect(commandLine("echo $HOME | wc")).toBe("echo $HOME | wc");
  });
});
