import { nameProblem } from "@spt-coder/sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toCoderName, workspaceNameFromRepo } from "../src/names.js";

const VALID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

describe("workspaceNameFromRepo", () => {
  it.each([
    ["https://github.com/org/repo", "repo"],
    ["https://github.com/org/repo.git", "repo"],
    ["https://github.com/org/repo/", "repo"],
    ["git@github.com:org/My_Repo.git", "my-repo"],
    ["org/turbo-flow-claude", "turbo-flow-claude"],
    ["https://gitlab.com/group/sub/Some.Project?ref=main#readme", "some-project"],
    ["https://github.com/org/--weird__name--", "weird-name"],
    ["https://github.com/org/new", "new-ws"],
    ["https://github.com/org/Create.git", "create-ws"],
  ])("%s → %s", (url, name) => {
    expect(workspaceNameFromRepo(url)).toBe(name);
  });

  it("caps the name at 32 characters without a trailing hyphen", () => {
    const name = workspaceNameFromRepo(`https://github.com/org/${"a".repeat(31)}-bbbb`);
    expect(name).toBe("a".repeat(31));
    expect(name?.length).toBeLessThanOrEqual(32);
  });

  it("gives up when nothing usable is left", () => {
    expect(workspaceNameFromRepo("https://github.com/")).toBeUndefined();
    expect(workspaceNameFromRepo("https://github.com/org/___")).toBeUndefined();
  });
});

describe("toCoderName", () => {
  it("always yields a valid Coder name or nothing", () => {
    for (const input of ["Hello World", "ÄÖÜ-ß", "x".repeat(100), "--a--b--", "日本語", "a_b.c d", "NEW"]) {
      const name = toCoderName(input);
      if (name === undefined) continue;
      expect(name).toMatch(VALID);
      expect(name.length).toBeLessThanOrEqual(32);
      expect(["new", "create"]).not.toContain(name);
    }
  });

  it("yields only names the SDK's own check (coderd's rule) accepts, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (text) => {
        const name = toCoderName(text);
        if (name !== undefined) expect(nameProblem(name)).toBeUndefined();
      }),
    );
  });

  it("keeps letters that lose their accents", () => {
    expect(toCoderName("Café Crème")).toBe("cafe-creme");
  });
});
