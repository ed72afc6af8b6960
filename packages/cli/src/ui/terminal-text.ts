/**
 * The one sanitiser for what the CLI prints. Text from a server or a template author (error messages, names, build
 * logs, job errors, app URLs, prompts) is data: it must never reach a terminal as a control sequence that sets the
 * clipboard (OSC 52), the title (OSC 0), a hyperlink (OSC 8), clears the screen (CSI 2J) or rewrites a line (a
 * bare carriage return). Every write to stdout and stderr goes through {@link terminalText} (src/output.ts); our
 * own cursor controls (the spinner, the fleet block) take a separate, unfiltered path and never carry text.
 *
 * Plain SGR colours (Terraform colours its log lines) pass only where colour is on (a terminal); elsewhere they
 * are dropped, as `terraform -no-color` would print. Every other control character is shown as its JSON escape
 * (`\u001b`, `\u009b`): readable, and inside `-o json` output the very escape JSON uses, so the document still
 * parses to exactly what the server sent (JSON.stringify escapes C0 itself, but leaves DEL and C1 raw).
 */

/** SGR parameters that only colour or weigh text: reset, bold, dim, italic, underline, the 16 colours. */
const PLAIN_SGR = new Set([0, 1, 2, 3, 4, 22, 23, 24, 39, 49]);
for (const [from, to] of [
  [30, 37],
  [40, 47],
  [90, 97],
  [100, 107],
] as const) {
  for (let n = from; n <= to; n++) PLAIN_SGR.add(n);
}

// A CSI sequence (ESC [ parameters intermediates final), or any other single control character: C0 but tab and
// newline, DEL and C1. A CR before a newline is only a Windows line end.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /\u001b\[([0-?]*)([ -/]*)([@-~])|\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the fast path's test for the same characters
const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Options of {@link terminalText}. */
export interface TerminalTextOptions {
  /** Keep plain SGR colour sequences (colour is on for the stream); otherwise every SGR is dropped. */
  sgr: boolean;
}

/**
 * `text` with every control sequence neutralised: plain SGR kept (with `sgr`) or dropped, `\r\n` made `\n`, every
 * other control character replaced by its `\uXXXX` escape. When kept colours leave a style open at the end, a
 * reset follows, so a server's colour never bleeds into what we print next.
 */
export function terminalText(text: string, options: TerminalTextOptions): string {
  if (!ANY_CONTROL.test(text)) return text;
  const style = new OpenStyle();
  const out = text.replace(CONTROL, (match, params?: string, intermediates?: string, final?: string) => {
    if (final === undefined) return match === "\r\n" ? "\n" : shown(match);
    if (final !== "m" || intermediates !== "" || !/^[0-9;]*$/.test(params ?? "")) {
      return `${shown("\u001b")}[${params}${intermediates}${final}`;
    }
    const codes = (params ?? "").split(";").map((p) => (p === "" ? 0 : Number(p)));
    if (!options.sgr || !codes.every((code) => PLAIN_SGR.has(code))) return "";
    style.apply(codes);
    return match;
  });
  return style.open ? `${out}\u001b[0m` : out;
}

function shown(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Which SGR attributes are switched on after the sequences seen so far. */
class OpenStyle {
  private readonly on = new Set<string>();
  get open(): boolean {
    return this.on.size > 0;
  }
  apply(codes: number[]): void {
    for (const code of codes) {
      if (code === 0) this.on.clear();
      else if (code === 1 || code === 2) this.on.add("weight");
      else if (code === 22) this.on.delete("weight");
      else if (code === 3) this.on.add("italic");
      else if (code === 23) this.on.delete("italic");
      else if (code === 4) this.on.add("underline");
      else if (code === 24) this.on.delete("underline");
      else if (code === 39) this.on.delete("foreground");
      else if (code === 49) this.on.delete("background");
      else if (code < 40 || (code >= 90 && code < 100)) this.on.add("foreground");
      else this.on.add("background");
    }
  }
}
