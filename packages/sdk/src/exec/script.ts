/**
 * The script `exec` hands the agent. coderd sends no exit status over the terminal, so the script prints it: a
 * start marker, the command, then an exit marker with `$?`, each framed by the ASCII record separator (0x1E) and
 * a per-call random nonce. The script text itself never contains a marker: the separator is written `\036` for
 * printf and the nonce is a separate argument, so a command that prints its own command line (`ps`, `set -x`,
 * `/proc/$PPID/cmdline`) cannot end the run with a status of its choosing.
 */

/** The record separator that frames a marker. */
export const MARKER_SEPARATOR = 0x1e;

/**
 * The largest start message (2-byte length + JSON) the agent reliably reads: it reads it with one `Read` after the
 * length, so a message longer than one TCP segment over the tailnet (MTU 1280) may arrive cut, and the session
 * ends without a word. Measured on a real agent: 1155 bytes 8 of 8, 1205 bytes 4 of 8, 3155 bytes 3 of 8.
 */
export const MAX_START_MESSAGE_BYTES = 1100;

/** The start marker's bytes: the script runs, and what follows is the command's. */
export function startMarker(nonce: string): string {
  return `\x1espt-start:${nonce}\x1e`;
}

/** What the exit marker begins with; the status (1 to 3 digits) and a separator follow. */
export function exitMarkerPrefix(nonce: string): string {
  return `\x1espt-exit:${nonce}:`;
}

/** Quotes one word for a POSIX shell: inside single quotes everything is literal except the quote itself. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line the user's shell runs: a string as it is (shell syntax allowed), an argument list with every
 * word quoted, so that each arrives as one argument, as `docker exec` passes them.
 */
export function commandLine(command: string | readonly string[]): string {
  return typeof command === "string" ? command : command.map(shellQuote).join(" ");
}

const START = (nonce: string) => `printf '\\036spt-start:%s\\036' ${nonce}`;
const EXIT = (nonce: string) => `printf '\\036spt-exit:%s:%s\\036' ${nonce} "$?"`;
/** Unless raw: no LF → CRLF, and programs asked for plain text (the output is captured, not shown). */
const PLAIN = "TERM=dumb ";

/**
 * The script with the command line in it. It starts with `#!/bin/sh` because the agent runs a script that begins
 * with a shebang with that interpreter (`agentssh.CreateCommand`) instead of the user's login shell, which may not
 * be POSIX (fish); the command itself runs in the user's shell (`$SHELL -c`, as coderd would run it), so an
 * `exit 3` in it ends that shell, not the script. Its stdin is /dev/null: nothing is typed into the terminal.
 */
export function inlineScript(line: string, nonce: string, raw: boolean): string {
  const run = `"\${SHELL:-/bin/sh}" -c ${shellQuote(line)} </dev/null`;
  return [
    "#!/bin/sh",
    START(nonce),
    ...(raw ? [run] : ["stty -onlcr 2>/dev/null", PLAIN + run]),
    EXIT(nonce),
  ].join("\n");
}

/**
 * The script for a command line too long for the start message: it puts the terminal in raw mode (no echo, no
 * line editing, Ctrl-C is data), prints the start marker, reads the command line's `bytes` from the terminal,
 * where the client types it once it sees the marker, then restores the terminal and runs it as
 * {@link inlineScript} does. Without `stty` it exits 126 before the start marker.
 */
export function typedScript(bytes: number, nonce: string, raw: boolean): string {
  return [
    "#!/bin/sh",
    "stty raw -echo 2>/dev/null || exit 126",
    START(nonce),
    `c=$(head -c ${bytes})`,
    raw ? "stty sane 2>/dev/null" : "stty sane -onlcr 2>/dev/null",
    `${raw ? "" : PLAIN}"\${SHELL:-/bin/sh}" -c "$c" </dev/null`,
    EXIT(nonce),
  ].join("\n");
}

/**
 * The size of the agent's start message for `script`, as coderd encodes it (Go's JSON, which writes `<`, `>`,
 * `&` as `\u003c`, and U+2028/9 escaped), with a 16-bit length before it.
 */
export function startMessageBytes(script: string, width: number, height: number): number {
  const fields = {
    ID: "00000000-0000-0000-0000-000000000000",
    Height: height,
    Width: width,
    Command: script,
  };
  const json = JSON.stringify({ ...fields, Container: "", ContainerUser: "", BackendType: "buffered" });
  const goExtra =
    5 * (script.match(/[<>&]/g)?.length ?? 0) + 3 * (script.match(/[\u2028\u2029]/g)?.length ?? 0);
  return 2 + Buffer.byteLength(json) + goExtra;
}
