/**
 * Text that arrives in pieces (a command's output, frame by frame), cut where the sanitiser (terminal-text.ts) can
 * judge each piece alone: a trailing CR (perhaps the first half of a CRLF) or an unfinished CSI sequence (perhaps a
 * colour) waits for the next piece, so that a sequence split between two frames is judged as a whole.
 */
export class StreamedText {
  private held = "";

  /** The part of everything so far that can be printed now. */
  push(text: string): string {
    const all = this.held + text;
    const cut = unfinishedTail(all);
    this.held = all.slice(cut);
    return all.slice(0, cut);
  }

  /** What was held back, at the end. */
  end(): string {
    const rest = this.held;
    this.held = "";
    return rest;
  }
}

/** A CSI sequence is short; a longer run after ESC is not one, and is printed (escaped) as it is. */
const LONGEST_SEQUENCE = 32;

function unfinishedTail(text: string): number {
  if (text.endsWith("\r")) return text.length - 1;
  const esc = text.lastIndexOf("\u001b");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence's start is what is looked for
  if (esc >= text.length - LONGEST_SEQUENCE && /^\u001b(\[[0-?]*[ -/]*)?$/.test(text.slice(esc))) return esc;
  return text.length;
}
