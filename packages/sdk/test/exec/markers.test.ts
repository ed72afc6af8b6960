import { describe, expect, it } from "vitest";
import { MarkerScanner } from "../../src/exec/markers.js";
import { inlineScript, typedScript } from "../../src/exec/script.js";

const NONCE = "0123456789abcdef0123456789abcdef";
const START = `\x1espt-start:${NONCE}\x1e`;
const exit = (code: number | string, nonce = NONCE) => `\x1espt-exit:${nonce}:${code}\x1e`;

/** Feeds `text` to a scanner in pieces of `size` bytes; returns the output and the scanner. */
function scan(text: string, size = text.length) {
  const scanner = new MarkerScanner(NONCE);
  const bytes = Buffer.from(text, "latin1");
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(scanner.push(bytes.subarray(at, at + size)));
  out.push(scanner.flush());
  return { output: Buffer.concat(out).toString("latin1"), scanner };
}

describe("MarkerScanner", () => {
  it("removes the markers and reads the status, whatever the frame boundaries", () => {
    const stream = `${START}hello\nworld\n${exit(42)}`;
    for (let size = 1; size <= stream.length; size++) {
      const { output, scanner } = scan(stream, size);
      expect({ size, output, started: scanner.started, code: scanner.exitCode }).toEqual({
        size,
        output: "hello\nworld\n",
        started: true,
        code: 42,
      });
    }
  });

  it("ignores everything after the exit marker (a background process still writing)", () => {
    expect(scan(`${START}a${exit(0)}late output`).output).toBe("a");
  });

  it("passes other nonces, malformed markers and stray separators on as output", () => {
    const other = "ffffffffffffffffffffffffffffffff";
    const noise = [
      exit(0, other),
      `\x1espt-exit:${NONCE}:\x1e`, // no digits
      `\x1espt-exit:${NONCE}:1000\x1e`, // four digits
      `\x1espt-exit:${NONCE}:256\x1e`, // not a status
      `\x1espt-exit:${NONCE}:1x\x1e`,
      "\x1e\x1e plain \x1e",
    ].join("");
    for (const size of [1, 3, noise.length]) {
      const { output, scanner } = scan(`${START}${noise}${exit(9)}`, size);
      expect(output).toBe(noise);
      expect(scanner.exitCode).toBe(9);
    }
  });

  it("gives back a partial marker that never completed when the stream ends", () => {
    const { output, scanner } = scan(`${START}out\x1espt-exit:${NONCE}:1`);
    expect(output).toBe(`out\x1espt-exit:${NONCE}:1`);
    expect(scanner.exitCode).toBeUndefined();
  });

  it("is not ended by the script printing itself, as ps, set -x or /proc/PID/cmdline would show it", () => {
    for (const script of [inlineScript("echo hi", NONCE, false), typedScript(7, NONCE, true)]) {
      const traced = script
        .split("\n")
        .map((line: string) => `+ ${line}\n`)
        .join("");
      const { output, scanner } = scan(`${START}${script}\n${traced}${exit(3)}`);
      expect(output).toBe(`${script}\n${traced}`);
      expect(scanner.exitCode).toBe(3);
    }
  });
});
