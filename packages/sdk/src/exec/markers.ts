import { exitMarkerPrefix, MARKER_SEPARATOR, startMarker } from "./script.js";

type Match = { kind: "start"; length: number } | { kind: "exit"; length: number; code: number };

/**
 * Finds the script's markers in the terminal's bytes and passes everything else on as output. A marker may be
 * split across frames: bytes that could still become one are held back until the next frame decides. Only the
 * markers of this call's nonce count; anything else (another nonce, a malformed marker) is output.
 */
export class MarkerScanner {
  /** The start marker was seen: the agent ran the script. */
  started = false;
  /** The command's exit status, once the exit marker was seen; nothing after it is output. */
  exitCode: number | undefined;
  private held: Uint8Array = new Uint8Array(0);
  private readonly start: Uint8Array;
  private readonly exitPrefix: Uint8Array;

  constructor(nonce: string) {
    this.start = Buffer.from(startMarker(nonce), "latin1");
    this.exitPrefix = Buffer.from(exitMarkerPrefix(nonce), "latin1");
  }

  /** Takes the next bytes from the terminal and returns those that are output. */
  push(chunk: Uint8Array): Uint8Array {
    if (this.exitCode !== undefined) return new Uint8Array(0);
    const bytes = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = new Uint8Array(0);
    const out: Uint8Array[] = [];
    let from = 0;
    for (;;) {
      const at = bytes.indexOf(MARKER_SEPARATOR, from);
      if (at < 0) {
        out.push(bytes.subarray(from));
        break;
      }
      out.push(bytes.subarray(from, at));
      const match = this.matchAt(bytes, at);
      if (match === "partial") {
        this.held = bytes.slice(at);
        break;
      }
      if (match === "none") {
        out.push(bytes.subarray(at, at + 1));
        from = at + 1;
        continue;
      }
      from = at + match.length;
      if (match.kind === "start") this.started = true;
      else {
        this.exitCode = match.code;
        break;
      }
    }
    return Buffer.concat(out);
  }

  /** At the end of the stream: bytes held back as a possible marker were output after all. */
  flush(): Uint8Array {
    const held = this.held;
    this.held = new Uint8Array(0);
    return held;
  }

  private matchAt(bytes: Uint8Array, at: number): Match | "partial" | "none" {
    const start = compare(bytes, at, this.start);
    if (start === "match") return { kind: "start", length: this.start.length };
    const prefix = compare(bytes, at, this.exitPrefix);
    if (prefix === "none") return start === "partial" ? "partial" : "none";
    if (prefix === "partial") return "partial";
    // The status: one to three digits, then the separator.
    let digits = "";
    for (let i = at + this.exitPrefix.length; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (byte === MARKER_SEPARATOR && digits.length > 0) {
        const code = Number(digits);
        return code <= 255 ? { kind: "exit", length: i + 1 - at, code } : "none";
      }
      if (byte < 0x30 || byte > 0x39 || digits.length === 3) return "none";
      digits += String.fromCharCode(byte);
    }
    return "partial";
  }
}

/** Whether `pattern` stands at `at` in full, in part (the bytes end first), or not at all. */
function compare(bytes: Uint8Array, at: number, pattern: Uint8Array): "match" | "partial" | "none" {
  for (let i = 0; i < pattern.length; i++) {
    if (at + i >= bytes.length) return "partial";
    if (bytes[at + i] !== pattern[i]) return "none";
  }
  return "match";
}
