// Template versions (list, promote, archive, unarchive) and workspace schedules (autostart, TTL, extend).
import { expect } from "vitest";
import { push } from "./operations-steps.js";
import type { Scenario } from "./scenario.js";
import { deleteTemplate, deleteWorkspace, exits, json, up } from "./steps.js";

interface VersionJson {
  id: string;
  name: string;
  archived: boolean;
  job: { status: string };
}

interface ScheduleJson {
  autostart_schedule: string | null;
  next_start_at: string | null;
  ttl_ms: number | null;
  deadline: string | null;
}

export const versionScenarios: Scenario[] = [
  {
    name: "versions",
    key: "vers",
    title: "versions list, promote, archive (the active one refused) and unarchive",
    budgetMs: 120_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const v1 = await push(ctx, template, ctx.templateDir("v1"));
      const v2 = await push(ctx, template, ctx.templateDir("v2", "# the second version"));
      expect([v1.created, v2.created]).toEqual([true, false]);
      const list = async () =>
        json<VersionJson[]>(await ctx.cli(["templates", "versions", "list", template, "-o", "json"]));
      expect((await list()).map((v) => v.name)).toEqual([v1.version.name, v2.version.name]);
      // Text output: a refusal is then a line on stderr.
      const versions = (action: string, name: string, ...extra: string[]) =>
        ctx.cli(["templates", "versions", action, template, name, ...extra]);
      const versionOf = async (name: string) =>
        (await ctx.client.templates.versionByName(v1.template.id, name)) as VersionJson;

      exits(await versions("promote", v1.version.name), 0);
      const tpl = await ctx.client.templates.getByName(ctx.owner.organization_ids[0] as string, template);
      expect(tpl?.active_version_id).toBe(v1.version.id);

      exits(await versions("archive", v2.version.name, "--yes"), 0);
      expect((await versionOf(v2.version.name)).archived).toBe(true);
      // An archived version leaves the list (Coder lists it only with include_archived).
      expect((await list()).map((v) => v.name)).toEqual([v1.version.name]);
      // Archiving the active version is refused before anything is sent (Coder would answer a 500 that only
      // guesses why), with the promote that makes it possible.
      const refused = exits(await versions("archive", v1.version.name, "--yes"), 2);
      expect(refused).toContain(`Version ${v1.version.name} is the active version of ${template}`);
      expect(refused).toContain("Promote another version first");
      // Archiving twice: already archived.
      expect(exits(await versions("archive", v2.version.name, "--yes"), 1)).toContain(
        "Template version already archived",
      );
      exits(await versions("unarchive", v2.version.name), 0);
      expect((await versionOf(v2.version.name)).archived).toBe(false);
      expect(exits(await versions("unarchive", v2.version.name), 1)).toContain(
        "Template version already unarchived",
      );
      expect((await list()).map((v) => v.name)).toEqual([v1.version.name, v2.version.name]);
      await deleteTemplate(ctx, template);
    },
  },
  {
    name: "schedules",
    key: "sched",
    title: "autostart with a zone, a TTL, extend on a running, a manual-shutdown and a stopped workspace",
    budgetMs: 240_000,
    async run(ctx) {
      const template = ctx.name("tpl");
      const ws = ctx.name("ws");
      json(await up(ctx, template, ctx.templateDir("sched"), ws));
      const schedule = async (...argv: string[]) =>
        json<ScheduleJson>(await ctx.cli(["schedule", ...argv, "-o", "json"]));

      const autostart = await schedule("start", ws, "9:30AM", "Mon-Fri", "Europe/Paris");
      expect(autostart.autostart_schedule).toMatch(/^CRON_TZ=Europe\/Paris 30 9 \* \* (1-5|Mon-Fri)$/);
      expect(autostart.next_start_at).not.toBeNull();
      // Built with no TTL, the running workspace has no deadline to move: exit 2, with the schedule stop that gives one.
      const manual = exits(await ctx.cli(["schedule", "extend", ws, "2h"]), 2);
      expect(manual).toContain("Workspace shutdown is manual.");
      expect(manual).toContain(`spt-coder schedule stop ${ws} 8h`);

      const ttl = await schedule("stop", ws, "8h");
      expect(ttl.ttl_ms).toBe(8 * 3_600_000);
      // The TTL applies from the next start: restart to get a deadline.
      exits(await ctx.cli(["restart", ws, "--yes"]), 0);
      const shown = await schedule("show", ws);
      expect(shown.ttl_ms).toBe(8 * 3_600_000);
      expect(shown.deadline).not.toBeNull();
      const before = Date.now();
      const extended = await schedule("extend", ws, "2h");
      const deadline = Date.parse(extended.deadline ?? "");
      expect(deadline).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 60_000);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000 + 60_000);

      exits(await ctx.cli(["stop", ws]), 0);
      const stopped = exits(await ctx.cli(["schedule", "extend", ws, "2h"]), 4); // not running
      expect(stopped).toContain("Workspace must be started, current status: stop");
      expect(stopped).toContain(`Start it first: spt-coder start ${ws}`);
      const noAutostart = await schedule("start", ws, "manual");
      expect(noAutostart.autostart_schedule).toBeNull();
      await deleteWorkspace(ctx, ws);
      await deleteTemplate(ctx, template);
    },
  },
];
