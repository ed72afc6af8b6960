// `up` from nothing (push, import, create, logs, agent ready, app URLs) and again warm; the lifecycle verbs.
import { expect } from "vitest";
import type { Scenario } from "./scenario.js";
import { agentsOf, deleteTemplate, deleteWorkspace, exits, json, up } from "./steps.js";

interface UpJson {
  created: boolean;
  template_created: boolean;
  apps: { slug: string; url: string }[];
  workspace: { name: string; latest_build: { status: string } };
}

export const upScenarios: Scenario[] = [
  {
    name: "up-cold-warm",
    key: "up",
    title: "up on a missing template pushes it and waits for the agent; again, it reuses both",
    budgetMs: 180_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      const dir = ctx.templateDir("up");
      const cold = json<UpJson>(await up(ctx, template, dir, ws));
      expect(cold).toMatchObject({ created: true, template_created: true });
      expect(cold.workspace.latest_build.status).toBe("running");
      expect(cold.apps.map((a) => a.slug)).toEqual(["hello"]);
      expect(cold.apps[0]?.url).toContain(`/@${ctx.owner.username}/${ws}.main/apps/hello/`);
      expect((await agentsOf(ctx, ws)).map((a) => [a.status, a.lifecycle_state])).toEqual([
        ["connected", "ready"],
      ]);
      const warm = json<UpJson>(await up(ctx, template, dir, ws));
      expect(warm).toMatchObject({ created: false, template_created: false });
      const status = json<{ agents?: unknown[] }>(await ctx.cli(["status", ws, "-o", "json"]));
      expect(status).toBeTruthy();
      await deleteWorkspace(ctx, ws);
      await deleteTemplate(ctx, template);
    },
  },
  {
    name: "lifecycle",
    key: "life",
    title: "stop, start, restart and delete, each followed to its end",
    budgetMs: 240_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      json(await up(ctx, template, ctx.templateDir("life"), ws));
      exits(await ctx.cli(["stop", ws]), 0);
      expect((await ctx.client.workspaces.getByName("me", ws))?.latest_build.status).toBe("stopped");
      // Stopping a stopped workspace is not an error for a user: nothing to do.
      exits(await ctx.cli(["stop", ws]), 0);
      // `start` follows the build, as `coder start` does; the agent is still starting when it returns.
      exits(await ctx.cli(["start", ws]), 0);
      const started = await ctx.client.workspaces.getByName("me", ws);
      expect([started?.latest_build.transition, started?.latest_build.status]).toEqual(["start", "running"]);
      exits(await ctx.cli(["restart", ws, "--yes"]), 0);
      const after = await ctx.client.workspaces.getByName("me", ws);
      expect([after?.latest_build.transition, after?.latest_build.status]).toEqual(["start", "running"]);
      await deleteWorkspace(ctx, ws);
      expect(await ctx.client.workspaces.getByName("me", ws)).toBeUndefined();
      await deleteTemplate(ctx, template);
    },
  },
];
