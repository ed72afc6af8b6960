import { fileURLToPath } from "node:url";
import { startFakeCoder } from "@spt-coder/fake-coder";
import { createCoderClient, pushTemplate } from "@spt-coder/sdk";
import { describe, expect, it } from "vitest";

const TEMPLATE_DIR = fileURLToPath(new URL("../../template", import.meta.url));

describe("the fake Coder imports template/", () => {
  it("yields the five rich parameters with their names, types and defaults", async () => {
    const fake = await startFakeCoder({ stepDelayMs: 0 });
    try {
      const client = createCoderClient({ url: fake.url, token: fake.token });
      const { version } = await pushTemplate(client, { name: "spt-flow", dir: TEMPLATE_DIR });
      expect(version.job.status).not.toBe("failed");
      const params = await client.templateVersions.richParameters(version.id);
      const shape = Object.fromEntries(
        params.map((p) => [p.name, { type: p.type, default: p.default_value }]),
      );
      expect(shape).toEqual({
        enable_nested_virt: { type: "bool", default: "true" },
        workspace_image: { type: "string", default: "ubuntu:22.04" },
        repo_url: { type: "string", default: "https://github.com/marcuspat/turbo-flow-claude" },
        setup_script: { type: "string", default: "devpods/setup.sh" },
        install_wasm_tools: { type: "bool", default: "true" },
      });
      expect(params.every((p) => !p.required)).toBe(true);
      const variables = await client.templateVersions.variables(version.id);
      expect(variables.filter((v) => v.required)).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  // A Docker host that cannot pull (the real run's engine had no registry) needs an image of its own among the
  // options: Coder refuses a workspace_image outside them.
  it("offers the admin's extra_workspace_images as workspace_image options, spaces or commas between them", async () => {
    const fake = await startFakeCoder({ stepDelayMs: 0 });
    try {
      const client = createCoderClient({ url: fake.url, token: fake.token });
      const { version } = await pushTemplate(client, {
        name: "spt-flow",
        dir: TEMPLATE_DIR,
        variables: { extra_workspace_images: "spt-lab/bookworm-ws:latest, registry.example.com/flow:1" },
      });
      expect(version.job.status).not.toBe("failed");
      // Rendered for the owner, as coder create and spt-coder up do (the template uses dynamic parameters).
      const me = await client.users.me();
      const rendered = await client.templateVersions.evaluateDynamicParameters(version.id, {
        id: 0,
        inputs: {},
        owner_id: me.id,
      });
      const image = rendered.parameters!.find((p) => p.name === "workspace_image")!;
      expect((image.options ?? []).map((o) => o.value?.value)).toEqual([
        "ubuntu:22.04",
        "ubuntu:24.04",
        "debian:12",
        "spt-lab/bookworm-ws:latest",
        "registry.example.com/flow:1",
      ]);
    } finally {
      await fake.close();
    }
  });
});
