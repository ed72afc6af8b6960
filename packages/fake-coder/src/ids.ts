import { randomInt, randomUUID } from "node:crypto";

/** The nil UUID: what coderd sends as `template_id` for a version that belongs to no template yet. */
export const NIL_UUID = "00000000-0000-0000-0000-000000000000";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A fresh random UUID (v4). */
export function newId(): string {
  return randomUUID();
}

/** `cryptorand.String(n)`: n random letters and digits. */
export function randomString(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** A session token in Coder's format: a 10-character id, a hyphen, a 22-character secret. */
export function newSessionToken(): string {
  return `${randomString(10)}-${randomString(22)}`;
}

/** Go marshals `time.Time` as RFC 3339; JavaScript's ISO form is a valid instance of it. */
export function nowIso(): string {
  return new Date().toISOString();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical 36-character UUID (what google/uuid accepts in path parameters and most bodies). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/**
 * google/uuid's parse error text for a string that is not a UUID (it also accepts the 32-hex, braced and `urn:uuid:`
 * forms; the fake only names the length and format errors).
 */
export function uuidParseError(value: string): string | undefined {
  if (isUuid(value)) return undefined;
  if (![32, 36, 38, 45].includes(value.length)) return `invalid UUID length: ${value.length}`;
  return "invalid UUID format";
}
