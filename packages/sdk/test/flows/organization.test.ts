import { describe, expect, it } from "vitest";
import { OrganizationRequiredError } from "../../src/errors/lifecycle.js";
import { resolveOrganization } from "../../src/flows/organization.js";
import { useLoopbackFake } from "./helpers.js";

describe("organization when none is named", () => {
  const launch = useLoopbackFake();

  it("uses the only organization the user belongs to", async () => {
    const h = await launch({
      organizations: ["other"],
      users: [{ username: "bob", organizations: ["other"] }],
    });
    const { createCoderClient } = await import("../../src/coder-client.js");
    const bob = createCoderClient({ url: h.fake.url, token: h.fake.state.tokenOf("bob") });
    // Not the default organization: bob is only in "other", and the coder CLI picks that one.
    expect((await resolveOrganization(bob, undefined)).name).toBe("other");
  });

  it("stops with the list when there are several, and takes an explicit one", async () => {
    const h = await launch({ organizations: ["other"] });
    const error = await resolveOrganization(h.client, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrganizationRequiredError);
    expect((error as OrganizationRequiredError).organizations.map((o) => o.name).sort()).toEqual([
      "coder",
      "other",
    ]);
    expect((error as Error).message).toContain("coder, other");
    expect((await resolveOrganization(h.client, "other")).name).toBe("other");
  });
});
