import { startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, MissingTemplateVariablesError, pushTemplate } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";
import { K8S_TEMPLATE_DIR } from "./helpers/kubernetes-template.js";

describe("the fake Coder imports template-kubernetes/", () => {
  it("yields the five seed parameters and the pod's size, all defaulted, once namespace has a value", async () => {
    const fake = await startFakeCoder({ stepDelayMs: 0 });
    try {
      const client = createCoderClient({ url: fake.url, token: fake.token });
      const { version } = await pushTemplate(client, {
        name: "spt-flow-kubernetes",
        dir: K8S_TEMPLATE_DIR,
        variables: { namespace: "coder-workspaces" },
      });
      expect(version.job.status).not.toBe("failed");
      const params = await client.templateVersions.richParameters(version.id);
      const shape = Object.fromEntries(
        params.map((p) => [p.name, { type: p.type, default: p.default_value, mutable: p.mutable }]),
      );
      expect(shape).toEqual({
        enable_nested_virt: { type: "bool", default: "true", mutable: true },
        workspace_image: { type: "string", default: "ubuntu:22.04", mutable: true },
        repo_url: {
          type: "string",
          default: "https://github.com/marcuspat/turbo-flow-claude",
          mutable: false,
        },
        setup_script: { type: "string", default: "devpods/setup.sh", mutable: true },
        install_wasm_tools: { type: "bool", default: "true", mutable: true },
        cpu: { type: "number", default: "4", mutable: true },
        memory: { type: "number", default: "8", mutable: true },
        home_disk_size: { type: "number", default: "30", mutable: false },
      });
      expect(params.map((p) => p.name).slice(0, 5)).toEqual([
        "enable_nested_virt",
        "workspace_image",
        "repo_url",
        "setup_script",
        "install_wasm_tools",
      ]);
      expect(params.every((p) => !p.required)).toBe(true);
      expect(params.find((p) => p.name === "cpu")?.options.map((o) => o.value)).toEqual([
        "2",
        "4",
        "8",
        "16",
      ]);
      expect(params.find((p) => p.name === "home_disk_size")).toMatchObject({
        validation_min: 10,
        validation_max: 1000,
      });
      const variables = await client.templateVersions.variables(version.id);
      expect(variables.filter((v) => v.required).map((v) => [v.name, v.value])).toEqual([
        ["namespace", "coder-workspaces"],
      ]);
      expect(variables.find((v) => v.name === "kvm_device_resource")?.default_value).toBe(
        "devices.kubevirt.io/kvm",
      );
    } finally {
      await fake.close();
    }
  });

  it("refuses the push without a namespace, naming the variable", async () => {
    const fake = await startFakeCoder({ stepDelayMs: 0 });
    try {
      const client = createCoderClient({ url: fake.url, token: fake.token });
      const push = pushTemplate(client, { name: "spt-flow-kubernetes", dir: K8S_TEMPLATE_DIR });
      await expect(push).rejects.toBeInstanceOf(MissingTemplateVariablesError);
      await expect(push).rejects.toMatchObject({
        variables: [expect.objectContaining({ name: "namespace" })],
      });
    } finally {
      await fake.close();
    }
  });
});
