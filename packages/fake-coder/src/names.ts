/**
 * Coder's name rules (`codersdk/name.go`), implemented here on their own: the fake shares no logic with the SDK.
 */

const NAME_RE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
const VERSION_NAME_RE = /^[a-zA-Z0-9]+(?:[_.-]{1}[a-zA-Z0-9]+)*$/;
const RESERVED = new Set(["new", "create"]);

/**
 * `codersdk.NameValid`, used for workspace, template, user and organization names: 1–32 characters, letters,
 * digits and single inner hyphens, `new`/`create` reserved. Returns the reason, or undefined when valid.
 */
export function nameInvalidReason(name: string): string | undefined {
  if (name.length > 32) return "must be <= 32 characters";
  if (name.length < 1) return "must be >= 1 character";
  if (!NAME_RE.test(name)) return "must be alphanumeric with hyphens";
  if (RESERVED.has(name)) return "cannot use reserved name";
  return undefined;
}

/** `codersdk.TemplateVersionNameValid`: at most 64 characters; `_`, `.` and `-` allowed between alphanumerics. */
export function versionNameInvalidReason(name: string): string | undefined {
  if (name.length > 64) return "must be <= 64 characters";
  if (!VERSION_NAME_RE.test(name)) return "must be alphanumeric with underscores and dots";
  return undefined;
}

/** `codersdk.DisplayNameValid` for template display names: at most 64 characters, no outer whitespace. */
export function displayNameInvalidReason(name: string): string | undefined {
  if (name.length === 0) return undefined;
  if (name.length > 64) return "must be <= 64 characters";
  if (name.trim() !== name) return "must not have leading or trailing whitespace";
  return undefined;
}

const ADJECTIVES = [
  "amazing",
  "brave",
  "calm",
  "eager",
  "fancy",
  "gentle",
  "happy",
  "jolly",
  "kind",
  "lucid",
];
const NOUNS = [
  "babbage",
  "curie",
  "darwin",
  "euler",
  "fermat",
  "gauss",
  "hopper",
  "lovelace",
  "noether",
  "turing",
];

/**
 * Coder invents `adjective_name` style version names (namesgenerator) when none is given; a digit is appended on
 * collision. The fake appends one right away so collisions stay rare.
 */
export function generateVersionName(random: () => number = Math.random): string {
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] ?? list[0];
  return `${pick(ADJECTIVES)}_${pick(NOUNS)}${Math.floor(random() * 10)}`;
}
