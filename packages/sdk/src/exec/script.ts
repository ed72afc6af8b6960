/**
 * The script `exec` hands the agent. coderd sends no exit status over the terminal, so the script prints it: a
 * start marker, the command, then an exit marker with `$?`, each framed by the ASCII record separator (0x1E) and
 * a per-call random nonce. The script text itself never contains a marker: the separator is written `\036` for
 * printf and the nonce is a separate argument, so a command that prints its own command line (`ps`, `set -x`,
 * `/proc/$PPID/cmdline`) cannot end the run with a status of its choosing.
 */

/** The record separator that frames a marker. */
export const MARKER_SEPARATOR = 0x1e;

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

/**
 * The script for the agent. It starts with `#!/bin/sh` because the agent runs a script that begins with a
 * shebang with that interpreter (`agentssh.CreateCommand`) instead of the user's login shell, which may not be
 * POSIX (fish); the user's command itself runs in their shell (`$SHELL -c`, as coderd would run it), so an
 * `exit 3` in it ends that shell, not the script. Its stdin is /dev/null: nothing is typed into the terminal.
 * Unless `raw`, the terminal stops turning LF into CRLF (`stty -onlcr`) and `TERM=dumb` asks programs for plain
 * text, since the output is captured rather than shown on a terminal.
 */
export function execScript(command: string | readonly string[], nonce: string, raw: boolean): string {
  const run = `"\${SHELL:-/bin/sh}" -c ${shellQuote(commandLine(command))} </dev/null`;
  return [
    "#!/bin/sh",
    `printf '\\036spt-start:%s\\036' ${nonce}`,
    ...(raw ? [run] : ["stty -onlcr 2>/dev/null", `TERM=dumb ${run}`]),
    `printf '\\036spt-exit:%s:%s\\036' ${nonce} "$?"`,
  ].join("\n");
}
