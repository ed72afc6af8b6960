import { describe, expect, it } from "vitest";
import { MissingTemplateVariablesError } from "../../src/errors/flows.js";
import { pushTemplate } from "../../src/flows/push.js";
import { minimalTemplate, templateFolder, useLoopbackFake } from "./helpers.js";

describe("push rules the coder CLI follows", () => {
  const launch = useLoopbackFake();

  it("makes a new version for unchanged files when the message or the tags change", async () => {
    // A job tagged pool=gpu waits for a daemon that carries the tag, as on a real Coder.
    const { fake, client } = await launch({ taggedProvisioners: [{ pool: "gpu" }] });
    const dir = templateFolder({ "main.tf": minimalTemplate() });
    await pushTemplate(client, { name: "t", dir, message: "first" });
    const same = await pushTemplate(client, { name: "t", dir, message: "first" });
    expect(same.unchanged).toBe(true);
    const message = await pushTemplate(client, { name: "t", dir, message: "second" });
    expect(message.unchanged).toBe(false);
    expect(message.version.message).toBe("second");
    const tagged = await pushTemplate(client, { name: "t", dir, message: "second", tags: { pool: "gpu" } });
    expect(tagged.unchanged).toBe(false);
    expect(tagged.version.job.tags).toMatchObject({ pool: "gpu" });
    const again = await pushTemplate(client, { name: "t", dir, message: "second", tags: { pool: "gpu" } });
    expect(again.unchanged).toBe(true);
    expect(fake.state.templateVersions.size).toBe(3);
  });

  it("counts a variable given as an empty value as missing, as coder does", async () => {
    const { client } = await launch();
    const dir = templateFolder({ "main.tf": minimalTemplate('variable "zone" {\n  type = string\n}') });
    const failure = await pushTemplate(client, { name: "v", dir, variables: { zone: "" } }).catch((e) => e);
    expect(failure).toBeInstanceOf(MissingTemplateVariablesError);
    expect(failure.variables.map((v: { name: string }) => v.name)).toEqual(["zone"]);
  });

  it("counts a tfvars value as supplied: only the variables still without a value are listed", async () => {
    const { client } = await launch();
    const dir = templateFolder({
      "main.tf": minimalTemplate(
        'variable "zone" {\n  type = string\n}\nvariable "region" {\n  type = string\n}',
      ),
      "terraform.tfvars": 'zone = "eu"\n',
    });
    const failure = await pushTemplate(client, { name: "w", dir }).catch((e) => e);
    expect(failure).toBeInstanceOf(MissingTemplateVariablesError);
    expect(failure.variables.map((v: { name: string }) => v.name)).toEqual(["region"]);
  });
});
