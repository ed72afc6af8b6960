/**
 * Writes whole lines to stderr, with an optional animated status line under them (a spinner). The spinner only
 * exists on a terminal: captured output (CI logs, pipes) gets the lines and nothing else, no `\r` tricks.
 */
export interface LineSink {
  /** Prints one line (without its newline), above the status line if there is one. */
  line(text: string): void;
  /**
   * Shows `text` (what is being waited for) after a spinner, with the time spent on it once that passes a
   * second, or hides the spinner when `undefined`. No-op without a terminal. The time counts from when the text
   * last changed, or `wait` when given: a wait whose text tells its progress is still one wait.
   */
  status(text: string | undefined, wait?: string): void;
  /** Stops the spinner and clears its line. */
  close(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CLEAR_LINE = "\r\u001b[2K";

/**
 * Creates a {@link LineSink} over `write`. `tty` enables the spinner; `intervalMs` is the frame rate. `control`
 * writes the spinner's own clear-line sequence past the output sanitiser (src/output.ts); default `write`.
 */
export function createLineSink(
  write: (text: string) => void,
  opts: { tty: boolean; intervalMs?: number; now?: () => number; control?: (sequence: string) => void },
): LineSink {
  const now = opts.now ?? Date.now;
  const control = opts.control ?? write;
  let text: string | undefined;
  let waitKey: string | undefined;
  let since = 0;
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = () => {
    if (text === undefined) return;
    const seconds = Math.floor((now() - since) / 1000);
    const elapsed =
      seconds >= 1
        ? ` (${seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`})`
        : "";
    control(CLEAR_LINE);
    write(`${FRAMES[frame % FRAMES.length]} ${text}${elapsed}`);
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (text !== undefined) control(CLEAR_LINE);
    text = undefined;
    waitKey = undefined;
  };
  return {
    line(line) {
      if (text !== undefined) control(CLEAR_LINE);
      write(`${line}\n`);
      draw();
    },
    status(next, wait = next) {
      if (!opts.tty) return;
      if (next === undefined) return stop();
      if (wait !== waitKey) since = now();
      text = next;
      waitKey = wait;
      draw();
      if (!timer) {
        timer = setInterval(() => {
          frame++;
          draw();
        }, opts.intervalMs ?? 80);
        timer.unref?.(); // a spinner must never keep the process alive
      }
    },
    close: stop,
  };
}
