import { CoderInvalidInputError } from "./errors/base.js";

/** Coder's rule for user, template and workspace names (codersdk.NameValid). */
const NAME = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

/** The longest user, template or workspace name coderd accepts (codersdk.NameValid). */
export const NAME_MAX_LENGTH = 32;

/** Names coderd refuses: they clash with the dashboard's routes (`/templates/new`, `/groups/create`). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["new", "create"]);

/** The template `up` and `upMany` use when none is named: the one this repository ships in `template/`. */
export const DEFAULT_TEMPLATE = "spt-flow";

/**
 * Checks a workspace or template name the way coderd does (1–32 letters, digits and single inner hyphens; not
 * `new` or `create`), so a bad name fails before anything is uploaded or created.
 *
 * @returns undefined when valid, else the reason.
 */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > NAME_MAX_LENGTH) {
    return `it is ${name.length} characters long; the limit is ${NAME_MAX_LENGTH}`;
  }
  // coderd compares exactly (`str == "new" || str == "create"`): `New` is a valid name.
  if (RESERVED_NAMES.has(name)) return `"${name}" is reserved`;
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
