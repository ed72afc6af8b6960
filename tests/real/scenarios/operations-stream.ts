// Following a build's logs through cut connections: the SDK reconnects with after=<last id>, and every line
// arrives once, in order, none lost.
import { createCoderClient, followJobLogs, type ProvisionerJobLog } from "@spt-coder/sdk";
import { expect } from "vitest";
import { startCutProxy } from "./cut-proxy.js";
import { push } from "./operations-steps.js";
import type { Scenario } from "./scenario.js";
import { deleteTemplate, deleteWorkspace } from "./steps.js";

// A start-only step that writes a line every 0.2 s: a log that keeps coming while it is followed.
const CHATTY_STEP = `
resource "terraform_data" "chatty" {
  count = data.coder_workspace.me.start_count
  provisioner "local-exec" {
    command = "for i in $(seq 1 20); do echo chatty line $i; sleep 0.2; done"
  }
}
`;

const CUT_AFTER_FRAMES = 6;
const CUTS = 2;

export const streamScenarios: Scenario[] = [
  {
    name: "logs-reconnect",
    key: "logs",
    title: "a build's logs followed through two cut connections arrive once each, in order, none lost",
    budgetMs: 180_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      const pushed = await push(ctx, template, ctx.templateDir("logs", CHATTY_STEP));
      const proxy = await startCutProxy(ctx.client.url, CUT_AFTER_FRAMES, CUTS);
      try {
        const workspace = await ctx.client.workspaces.create("me", {
          name: ws,
          template_id: pushed.template.id,
        });
        const build = workspace.latest_build;
        const client = createCoderClient({ url: proxy.url, token: ctx.token });
        const followed: ProvisionerJobLog[] = [];
        const stream = followJobLogs(client, { job: { kind: "workspace-build", id: build.id } });
        for await (const log of stream) followed.push(log);
        expect(stream.job?.status).toBe("succeeded");
        expect(proxy.cut).toBe(CUTS);
        // The first socket asked for the whole log; each reconnect resumed further on.
        const afters = proxy.upgrades.map((path) =>
          Number(new URL(path, "http://proxy.invalid").searchParams.get("after")),
        );
        expect(afters.length).toBeGreaterThan(CUTS);
        expect(afters[0]).toBe(0);
        for (let i = 1; i < afters.length; i++) expect(afters[i]).toBeGreaterThan(afters[i - 1] as number);
        const all = await ctx.client.builds.logs(build.id);
        expect(followed.map((l) => l.id)).toEqual(all.map((l) => l.id));
        expect(followed.map((l) => l.output)).toEqual(all.map((l) => l.output));
      } finally {
        await proxy.close();
      }
      await deleteWorkspace(ctx, ws);
      await deleteTemplate(ctx, template);
    },
  },
];
