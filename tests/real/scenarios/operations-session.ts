// The session (whoami, login with a second token, logout ends it on the server) and a fleet of 10 workspaces.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { callAs } from "./operations-steps.js";
import type { Scenario } from "./scenario.js";
import { call, deleteTemplate, json } from "./steps.js";

interface FleetJson {
  ok: boolean;
  counts: Record<string, number>;
  items: { name: string; outcome: string; status: string | null }[];
  pruned: { name: string; outcome: string }[];
}

const FLEET_SIZE = 10;

export const sessionScenarios: Scenario[] = [
  {
    name: "whoami-logout",
    key: "who",
    title: "whoami; login with a second token, logout: that token stops working, the owner's does not",
    budgetMs: 60_000,
    async run(ctx) {
      const me = json<{ user: { username: string } }>(await ctx.cli(["whoami", "-o", "json"]));
      expect(me.user.username).toBe(ctx.owner.username);
      const made = await call(ctx, "POST", "/api/v2/users/me/keys", {});
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const key = String(made.body?.key);
      // Only the stored login may be used from here on: no token in the environment.
      const stored = { env: { CODER_SESSION_TOKEN: "" } };
      const login = json<{ username: string }>(
        await ctx.cli(["login", "--token-stdin", "-o", "json"], { ...stored, stdin: key }),
      );
      expect(login.username).toBe(ctx.owner.username);
      expect(
        json<{ user: { username: string } }>(await ctx.cli(["whoami", "-o", "json"], stored)).user.username,
      ).toBe(ctx.owner.username);
      const out = json<{ logged_out: boolean; ended_on_server: boolean }>(
        await ctx.cli(["logout", "--yes", "-o", "json"], stored),
      );
      expect(out).toMatchObject({ logged_out: true, ended_on_server: true });
      const after = await callAs(ctx, key, "GET", "/api/v2/users/me");
      expect(after.status).toBe(401);
      expect((await callAs(ctx, ctx.token, "GET", "/api/v2/users/me")).status).toBe(200);
    },
  },
  {
    name: "fleet-apply-10",
    key: "fleet",
    title:
      "fleet apply of 10 workspaces from one folder; again creates nothing; --prune of an empty list deletes them",
    budgetMs: 600_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const dir = ctx.templateDir("fleet");
      const name = ctx.name("f");
      const file = join(dirname(dir), "fleet.json");
      const declare = (count: number) =>
        writeFileSync(
          file,
          JSON.stringify({
            name,
            template,
            template_dir: dir,
            variables: { agent_binary: ctx.agentBinary },
            workspaces: Array.from({ length: count }, (_, i) => ({ name: `${name}-${i + 1}` })),
          }),
        );
      const apply = async (...extra: string[]) =>
        json<FleetJson>(await ctx.cli(["fleet", "apply", "-f", file, ...extra, "-o", "json"]));
      declare(FLEET_SIZE);
      const first = await apply();
      expect(first.ok).toBe(true);
      expect(first.counts.created).toBe(FLEET_SIZE);
      expect(first.items.map((i) => i.status)).toEqual(Array(FLEET_SIZE).fill("running"));
      const again = await apply();
      expect(again.counts).toMatchObject({ created: 0, reused: FLEET_SIZE });
      declare(0);
      const pruned = await apply("--prune");
      expect(pruned.pruned.map((p) => p.outcome)).toEqual(Array(FLEET_SIZE).fill("deleted"));
      const left = await ctx.client.workspaces.list({ q: `name:${name}` });
      expect(left.workspaces.map((w) => w.name)).toEqual([]);
      await deleteTemplate(ctx, template);
    },
  },
];
