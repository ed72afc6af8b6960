import { describe, expect, it } from "vitest";
import { CoderInvalidInputError } from "../src/errors/base.js";
import { assertValidName, NAME_MAX_LENGTH, nameProblem, RESERVED_NAMES } from "../src/names.js";

describe("nameProblem (codersdk.NameValid)", () => {
  it.each(["a", "dev", "my-workspace-2", "A1-b2", "New", "CREATE", "x".repeat(NAME_MAX_LENGTH)])(
    "accepts %s",
    (name) => {
      expect(nameProblem(name)).toBeUndefined();
    },
  );

  it.each([
    ["", "it is empty"],
    ["x".repeat(NAME_MAX_LENGTH + 1), "it is 33 characters long; the limit is 32"],
    ["new", '"new" is reserved'],
    ["create", '"create" is reserved'],
  ])("refuses %j: %s", (name, reason) => {
    expect(nameProblem(name)).toBe(reason);
  });

  it.each(["-dev", "dev-", "a--b", "a_b", "a.b", "a b", "café"])("refuses %j for its characters", (name) => {
    expect(nameProblem(name)).toMatch(/^use letters, digits and single hyphens/);
  });

  it("keeps Coder's limit and reserved words", () => {
    expect(NAME_MAX_LENGTH).toBe(32);
    expect([...RESERVED_NAMES].sort()).toEqual(["create", "new"]);
  });

  it("assertValidName names the kind and the reason in a CoderInvalidInputError", () => {
    expect(() => assertValidName("template", "a_b")).toThrow(CoderInvalidInputError);
    expect(() => assertValidName("workspace", "new")).toThrow(
      'The workspace name "new" is invalid: "new" is reserved.',
    );
  });
});
