import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { InterruptedError } from "../errors.js";

/** Options of a text prompt. */
export interface PromptOptions {
  /** Shown in brackets and returned on empty input. */
  default?: string;
  /** Echo `*` instead of the typed characters (tokens). */
  secret?: boolean;
}

/** Asks one question on a terminal and resolves with the answer (trimmed). */
export type PromptFn = (question: string, options?: PromptOptions) => Promise<string>;
/** Asks a yes/no question; anything but `y`/`yes` is no, empty input is `defaultYes`. */
export type ConfirmFn = (question: string, defaultYes: boolean) => Promise<boolean>;

/**
 * Ctrl-C or end of input while a prompt waits: an interruption like Ctrl-C during a flow (exit 130, "Interrupted.").
 */
export class PromptCanceledError extends InterruptedError {
  override name = "PromptCanceledError";
}

/**
 * A prompt over node:readline. The question goes to `output` (stderr: stdout carries data only). Secret input is
 * masked by muting readline's echo and printing one `*` per character.
 */
export function createPrompt(input: Readable, output: Writable): PromptFn {
  return (question, options = {}) =>
    new Promise<string>((resolve, reject) => {
      const suffix = options.default !== undefined ? ` (default: ${options.default})` : "";
      let muted = false;
      const masked = Object.create(output) as Writable;
      masked.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (muted && typeof chunk === "string" && !chunk.includes("\n")) {
          return (output.write as (c: string, ...r: unknown[]) => boolean)("*".repeat(chunk.length), ...rest);
        }
        return (output.write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
      }) as Writable["write"];
      const rl = createInterface({ input, output: options.secret ? masked : output, terminal: true });
      let answered = false;
      rl.on("SIGINT", () => {
        rl.close();
      });
      rl.on("close", () => {
        if (!answered) {
          output.write("\n");
          reject(new PromptCanceledError());
        }
      });
      rl.question(`${question}${suffix} `, (answer) => {
        answered = true;
        rl.close();
        const value = answer.trim();
        resolve(value === "" && options.default !== undefined ? options.default : value);
      });
      muted = options.secret === true;
    });
}

/** A yes/no prompt on top of a {@link PromptFn}, shown as `(yes/no)` like Coder's. */
export function createConfirm(prompt: PromptFn): ConfirmFn {
  return async (question, defaultYes) => {
    const answer = (await prompt(`${question} (${defaultYes ? "YES/no" : "yes/NO"})`)).toLowerCase();
    if (answer === "") return defaultYes;
    return answer === "y" || answer === "yes";
  };
}
