// Canceling provisioner jobs: a template import that no provisioner can take (pending), an import whose version
// create answer an abort cut off, and a workspace build while it runs (its log shows a slow step under way). Each
// cancel follows an event, never a timer.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCoderClient, packTemplate, pushTemplate, TemplateImportCanceledError } from "@spt-coder/sdk";
import { expect } from "vitest";
import { onLogLine, push } from "./operations-steps.js";
import type { Scenario } from "./scenario.js";
import { call, deleteTemplate, deleteWorkspace } from "./steps.js";

// A start-only step that runs for a minute: a build is surely running while it does.
const SLOW_STEP = `
resource "terraform_data" "slow" {
  count = data.coder_workspace.me.start_count
  provisioner "local-exec" {
    command = "sleep 60"
  }
}
`;

export const cancelScenarios: Scenario[] = [
  {
    name: "cancel-import",
    key: "cimp",
    title: "a template import no provisioner matches stays pending; canceled, it ends at once",
    budgetMs: 120_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const dir = ctx.templateDir("cimp");
      const pushed = await push(ctx, template, dir);
      const packed = await packTemplate(dir);
      const file = await ctx.client.files.upload(packed.bytes);
      const org = ctx.owner.organization_ids[0] as string;
      // A tag no provisioner daemon carries: the job waits in the queue until it is canceled.
      const version = await ctx.client.templateVersions.create(org, {
        storage_method: "file",
        provisioner: "terraform",
        file_id: file.id,
        template_id: pushed.template.id,
        tags: { spt_real: "no-such-daemon" },
        user_variable_values: [{ name: "agent_binary", value: ctx.agentBinary }],
      });
      expect(version.job.status).toBe("pending");
      expect(version.matched_provisioners?.count).toBe(0);
      await ctx.client.templateVersions.cancel(version.id);
      const canceled = await ctx.client.templateVersions.get(version.id);
      expect(canceled.job.status).toBe("canceled");
      expect(canceled.job.completed_at).toBeTruthy();
      const again = await call(ctx, "PATCH", `/api/v2/templateversions/${version.id}/cancel`);
      expect([again.status, again.body?.message]).toEqual([400, "Job has already completed!"]);
      // The template keeps its active version.
      const tpl = await ctx.client.templates.get(pushed.template.id);
      expect(tpl.active_version_id).toBe(pushed.version.id);
      await deleteTemplate(ctx, template);
    },
  },
  {
    name: "push-interrupted",
    key: "pint",
    title:
      "a push aborted while its version create is answered: the version is found by name, its import canceled",
    budgetMs: 120_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const dir = ctx.templateDir("pint");
      const first = await push(ctx, template, dir);
      writeFileSync(join(dir, "extra.tf"), 'locals {\n  note = "changed"\n}\n');
      // The server makes the version and queues its import; the abort comes as its answer arrives, so the
      // client never reads it (as a Ctrl-C would while the request is in flight).
      const controller = new AbortController();
      const cutting: typeof fetch = async (input, init) => {
        // The SDK's transport always passes a Request (its body is read by the fetch, so it is looked at first).
        const create =
          input instanceof Request && input.method === "POST" && input.url.endsWith("/templateversions");
        const answer = await fetch(input, init);
        if (create) {
          controller.abort();
          throw new DOMException("The operation was aborted.", "AbortError");
        }
        return answer;
      };
      const client = createCoderClient({ url: ctx.client.url, token: ctx.token, fetch: cutting });
      const failure = await pushTemplate(client, {
        name: template,
        dir,
        variables: { agent_binary: ctx.agentBinary },
        signal: controller.signal,
      }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TemplateImportCanceledError);
      const version = (failure as TemplateImportCanceledError).version;
      const left = await ctx.client.templateVersions.get(version.id);
      expect(left.job.status).toMatch(/^cancel/);
      const tpl = await ctx.client.templates.get(first.template.id);
      expect(tpl.active_version_id).toBe(first.version.id);
      await deleteTemplate(ctx, template);
    },
  },
  {
    name: "cancel-build",
    key: "cbld",
    title: "a build canceled while a slow step runs ends as the server says; the workspace is then deleted",
    budgetMs: 240_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      const pushed = await push(ctx, template, ctx.templateDir("cbld", SLOW_STEP));
      const workspace = await ctx.client.workspaces.create("me", {
        name: ws,
        template_id: pushed.template.id,
      });
      const build = workspace.latest_build;
      await onLogLine(
        ctx.client,
        { kind: "workspace-build", id: build.id },
        (log) => /terraform_data\.slow(\[0\])?: Creating/.test(log.output),
        () => ctx.client.builds.cancel(build.id),
      );
      const ended = await ctx.client.builds.get(build.id);
      expect(ended.job.status).toBe("failed");
      expect(ended.job.canceled_at).toBeTruthy();
      expect(ended.status).toBe("failed");
      await deleteWorkspace(ctx, ws);
      await deleteTemplate(ctx, template);
    },
  },
];
