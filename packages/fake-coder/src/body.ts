/**
 * Request body decoding with `httpapi.Read`'s behaviour: a 4 MiB limit, Go's JSON decode errors (type mismatches,
 * UUID text errors), unknown fields ignored, then struct-tag validation collected per field.
 */
import { ApiError, type Validation } from "./http.js";
import { uuidParseError } from "./ids.js";

/** The Go types the fake's request structs use. */
export type FieldType = "string" | "uuid" | "bool" | "int" | "map" | "pairs" | "object";

const GO_TYPES: Record<FieldType, string> = {
  string: "string",
  uuid: "uuid.UUID",
  bool: "bool",
  int: "int64",
  map: "map[string]string",
  pairs: "[]codersdk.WorkspaceBuildParameter",
  object: "struct",
};

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

function mismatch(struct: string, field: string, value: unknown, type: FieldType): ApiError {
  return new ApiError(
    400,
    "Request body must be valid JSON.",
    `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type ${GO_TYPES[type]}`,
  );
}

function checkField(struct: string, field: string, value: unknown, type: FieldType): void {
  if (value === null) return; // null is a no-op for non-pointer Go fields
  switch (type) {
    case "string":
      if (typeof value !== "string") throw mismatch(struct, field, value, type);
      return;
    case "uuid": {
      if (typeof value !== "string") throw mismatch(struct, field, value, type);
      // google/uuid's UnmarshalText error surfaces as the detail, e.g. "invalid UUID length: 0" for "".
      const problem = uuidParseError(value);
      if (problem) throw new ApiError(400, "Request body must be valid JSON.", problem);
      return;
    }
    case "bool":
      if (typeof value !== "boolean") throw mismatch(struct, field, value, type);
      return;
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) throw mismatch(struct, field, value, type);
      return;
    case "map":
      if (
        jsonKind(value) !== "object" ||
        !Object.values(value as object).every((v) => typeof v === "string")
      ) {
        throw mismatch(struct, field, value, type);
      }
      return;
    case "pairs":
      if (!Array.isArray(value)) throw mismatch(struct, field, value, type);
      for (const item of value) {
        if (jsonKind(item) !== "object") throw mismatch(struct, field, item, type);
        for (const key of ["name", "value"]) {
          const v = (item as Record<string, unknown>)[key];
          if (v !== undefined && v !== null && typeof v !== "string") {
            throw mismatch(struct, `${field}.${key}`, v, "string");
          }
        }
      }
      return;
    case "object":
      if (jsonKind(value) !== "object") throw mismatch(struct, field, value, type);
      return;
  }
}

/**
 * Reads and type-checks a JSON body against a Go struct's field list; unknown fields are ignored. Like
 * `httpapi.Read`, it sets no size limit (a real Coder f524e00d read a 5 MiB body).
 */
export async function readBody<T>(
  request: Request,
  struct: string,
  fields: Record<string, FieldType>,
): Promise<T> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    const detail = bytes.byteLength === 0 ? "EOF" : `invalid character in JSON: ${(err as Error).message}`;
    throw new ApiError(400, "Request body must be valid JSON.", detail);
  }
  if (jsonKind(value) !== "object") {
    throw new ApiError(
      400,
      "Request body must be valid JSON.",
      `json: cannot unmarshal ${jsonKind(value)} into Go value of type codersdk.${struct}`,
    );
  }
  const body = value as Record<string, unknown>;
  for (const [field, type] of Object.entries(fields)) {
    if (field in body) checkField(struct, field, body[field], type);
  }
  return body as T;
}

/** A struct-tag failure as go-playground/validator words it through `httpapi.Read`. */
export function tagFailure(field: string, tag: string, value: unknown): Validation {
  return { field, detail: `Validation failed for tag "${tag}" with value: "${value ?? ""}"` };
}

/** Throws the 400 "Validation failed." when any tag failed. */
export function throwIfInvalid(validations: Validation[]): void {
  if (validations.length > 0) throw new ApiError(400, "Validation failed.", undefined, validations);
}
