import { CoderInvalidInputError } from "./errors/base.js";

/** Coder's rule for user, template and workspace names (codersdk.NameValid). */
const NAME = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
const RESERVED = new Set(["new", "create"]);

/**
 * Checks a workspace or template name the way coderd does (1–32 letters, digits and single inner hyphens; not
 * `new` or `create`), so a bad name fails before anything is uploaded or created.
 *
 * @returns undefined when valid, else the reason.
 */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > 32) return `it is ${name.length} characters long; the limit is 32`;
  if (RESERVED.has(name.toLowerCase())) return `"${name}" is reserved`;
  if (!NAME.test(name)) {
    return "use letters, digits and single hyphens between them (no underscores, dots, spaces, or leading, trailing or double hyphens)";
  }
  return undefined;
}

/** Throws {@link CoderInvalidInputError} unless `name` is a valid Coder name. `kind` names it in the message. */
export function assertValidName(kind: "workspace" | "template", name: string): void {
  const problem = nameProblem(name);
  if (problem) throw new CoderInvalidInputError(`The ${kind} name "${name}" is invalid: ${problem}.`);
}
