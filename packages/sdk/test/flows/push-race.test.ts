// A push that finds, at its template create, that another push made the template meanwhile (the lookup said it
// was missing): it uses that template when it was built from the same files, whoever uploaded them, and fails
// with Coder's conflict when the files differ.
import { describe, expect, it } from "vitest";
import { createCoderClient } from "../../src/coder-client.js";
import { CoderConflictError } from "../../src/errors/base.js";
import { pushIntoOrganization, pushTemplate } from "../../src/flows/push.js";
import { minimalTemplate, templateFolder, useLoopbackFake } from "./helpers.js";

const same = templateFolder({ "main.tf": minimalTemplate() });
const other = templateFolder({ "main.tf": minimalTemplate('locals {\n  other = "yes"\n}\n') });

describe("a template made meanwhile by another push", () => {
  const launch = useLoopbackFake();

  it("is used when another user pushed the same files (a different file id, the same bytes)", async () => {
    const { fake, client } = await launch({ users: [{ username: "alice", roles: ["owner"] }] });
    const alice = createCoderClient({ url: fake.url, token: fake.state.tokenOf("alice") });
    const theirs = await pushTemplate(alice, { name: "shared", dir: same });
    const org = await client.organizations.getDefault();
    // This push looked before alice's existed: it goes on as for a missing template.
    const ours = await pushIntoOrganization(client, org, undefined, { name: "shared", dir: same });
    expect(ours).toMatchObject({ created: false, unchanged: true });
    expect(ours.template.id).toBe(theirs.template.id);
    expect(ours.version.id).toBe(theirs.version.id);
    // Coder de-duplicates files per uploader, so the same bytes have two file ids here: the bytes decided.
    expect(fake.state.files.size).toBe(2);
    expect(fake.state.templates.size).toBe(1);
  });

  it("fails with Coder's conflict when it was made from other files", async () => {
    const { fake, client } = await launch();
    await pushTemplate(client, { name: "shared", dir: other });
    const org = await client.organizations.getDefault();
    const failure = await pushIntoOrganization(client, org, undefined, { name: "shared", dir: same }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(CoderConflictError);
    expect(fake.state.templates.size).toBe(1);
  });
});

describe("a version create whose answer is lost after Coder made the version", () => {
  const launch = useLoopbackFake();

  it("finds the version of an existing template by its name instead of making a second one", async () => {
    const { fake, client } = await launch();
    await pushTemplate(client, { name: "kept", dir: other });
    fake.faults.dropConnection({
      method: "POST",
      path: "/api/v2/organizations/*/templateversions",
      when: "mid-response",
    });
    const pushed = await pushTemplate(client, { name: "kept", dir: same });
    expect(pushed).toMatchObject({ created: false, unchanged: false });
    expect(pushed.version.name).toMatch(/^spt-[0-9a-z]+-[0-9a-f]{12}$/);
    expect(fake.state.templateVersions.size).toBe(2);
    expect(pushed.template.active_version_id).toBe(pushed.version.id);
  });
});
