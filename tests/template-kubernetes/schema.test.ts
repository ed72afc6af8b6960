import { parse } from "@cdktn/hcl2json";
import { beforeAll, describe, expect, it } from "vitest";
import { at, block, type HclObject } from "../template/helpers/template.js";
import { loadKubernetesTemplate } from "./helpers/kubernetes-template.js";
import {
  type KubernetesSchema,
  loadKubernetesSchema,
  resourceProblems,
  schemaProblems,
} from "./helpers/provider-schema.js";

let schema: KubernetesSchema;
beforeAll(() => {
  schema = loadKubernetesSchema();
});

async function kubernetesResources(): Promise<[string, string, HclObject][]> {
  const resources = at(await loadKubernetesTemplate(), "resource") as Record<
    string,
    Record<string, HclObject[]>
  >;
  return Object.entries(resources)
    .filter(([type]) => type.startsWith("kubernetes_"))
    .flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, [body]]): [string, string, HclObject] => [type, name, body!]),
    );
}

describe("template-kubernetes against the hashicorp/kubernetes schema (@cdktf/provider-kubernetes)", () => {
  it("is the schema of a 2.x provider inside the template's version range", () => {
    expect(schema.providerVersion).toMatch(/^2\.\d+\.\d+$/);
    expect(Number(schema.providerVersion.split(".")[1])).toBeGreaterThanOrEqual(23);
  });

  it("uses the claim and the Deployment, each a known resource", async () => {
    const types = (await kubernetesResources()).map(([type]) => type).sort();
    expect(types).toEqual(["kubernetes_deployment_v1", "kubernetes_persistent_volume_claim_v1"]);
    for (const type of types) expect(schema.resource(type), type).toBeDefined();
  });

  it("writes only attributes and blocks the schema has, in the right form, with every required one", async () => {
    const problems = (await kubernetesResources()).flatMap(([type, name, body]) =>
      resourceProblems(schema, type, body, `${type}.${name}`),
    );
    expect(problems).toEqual([]);
  });

  it("configures the provider with its own attributes only", async () => {
    const provider = block(await loadKubernetesTemplate(), "provider", "kubernetes");
    expect(
      schemaProblems(schema, schema.provider(), provider, "provider.kubernetes", new Set(["alias"])),
    ).toEqual([]);
  });
});

describe("the schema check itself", () => {
  async function problemsOf(hcl: string): Promise<string[]> {
    const doc = (await parse("bad.tf", hcl)) as { resource: Record<string, Record<string, HclObject[]>> };
    return Object.entries(doc.resource).flatMap(([type, byName]) =>
      Object.entries(byName).flatMap(([name, [body]]) =>
        resourceProblems(schema, type, body!, `${type}.${name}`),
      ),
    );
  }

  it("reports a misspelt attribute, a block written as an attribute and a missing required name", async () => {
    const problems = await problemsOf(`
      resource "kubernetes_deployment_v1" "w" {
        wait_for_rollouts = false
        metadata { name = "x" }
        spec {
          selector = {}
          template {
            metadata {}
            spec {
              container { image = "ubuntu:22.04" }
            }
          }
        }
      }`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kubernetes_deployment_v1\.w\.wait_for_rollouts: not an attribute or block/),
        expect.stringMatching(/\.spec\[0\]\.selector: a block, written as an attribute/),
        expect.stringMatching(/\.container\[0\]\.name: required, missing/),
      ]),
    );
    expect(problems).toHaveLength(3);
  });

  it("reports an attribute written as a block, a doubled single block, and bad dynamic content", async () => {
    const problems = await problemsOf(`
      resource "kubernetes_persistent_volume_claim_v1" "h" {
        metadata { name = "h" }
        spec {
          access_modes = ["ReadWriteOnce"]
          resources {
            requests { storage = "1Gi" }
          }
        }
        spec {
          access_modes = ["ReadWriteOnce"]
        }
        dynamic "timeouts" {
          for_each = [1]
          content { creates = "1m" }
        }
        resource_version = "1"
      }
      resource "kubernetes_pod_deluxe" "p" {}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\.resources\[0\]\.requests: an attribute, written as a block/),
        expect.stringMatching(/\.h\.spec: at most one block, found 2/),
        expect.stringMatching(/dynamic\.timeouts\[0\]\.content\.creates: not an attribute or block/),
        expect.stringMatching(/\.h\.resource_version: not an attribute or block/),
        expect.stringMatching(/^kubernetes_pod_deluxe\.p: kubernetes_pod_deluxe is not a resource/),
      ]),
    );
  });
});
