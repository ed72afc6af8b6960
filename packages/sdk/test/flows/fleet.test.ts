import { describe, expect, it } from "vitest";
import { CoderInvalidInputError } from "../../src/errors/base.js";
import { ProvisionerJobError } from "../../src/errors/flows.js";
import { upMany } from "../../src/flows/fleet.js";
import { DEFAULT_FLEET_BUILDS, type FleetEvent, type FleetSpec } from "../../src/flows/fleet-types.js";
import { minimalTemplate, templateFolder, useLoopbackFake } from "./helpers.js";

const alpha = templateFolder({ "main.tf": minimalTemplate() });
const beta = templateFolder({ "main.tf": minimalTemplate('resource "null_resource" "extra" {}') });

function fleet(count: number, prefix = "fl"): FleetSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    workspace: `${prefix}-${i}`,
    template: i % 2 ? "beta" : "alpha",
    templateDir: i % 2 ? beta : alpha,
  }));
}

function live(fake: { state: { workspaces: Map<string, { deleted?: boolean; name: string }> } }) {
  return [...fake.state.workspaces.values()].filter((w) => !w.deleted).map((w) => w.name);
}

describe("upMany()", () => {
  const launch = useLoopbackFake();

  it("provisions a fleet with one push per template and no more builds at once than two per daemon", async () => {
    const { fake, client, requests } = await launch({ provisioners: 3 });
    let inFlight = 0;
    let peak = 0;
    const names: string[] = [];
    const onEvent = (e: FleetEvent) => {
      if (e.type !== "flow" || e.event.type !== "stage" || e.event.stage !== "build") return;
      if (e.event.state === "start") peak = Math.max(peak, ++inFlight);
      else inFlight--;
      names.push(e.item);
    };
    const summary = await upMany(fleet(10), { client, onEvent });
    expect(summary.concurrency).toMatchObject({ builds: 6, source: "provisioner-daemons" });
    expect(summary.items.map((i) => [i.name, i.outcome])).toEqual(
      fleet(10).map((s) => [s.workspace, "created"]),
    );
    expect(summary.ok).toBe(true);
    expect(summary.templates.map((t) => [t.name, t.outcome]).sort()).toEqual([
      ["alpha", "pushed"],
      ["beta", "pushed"],
    ]);
    // One import job per template folder, not one per workspace.
    const imports = [...fake.state.jobs.values()].filter((j) => j.type === "template_version_import");
    expect(imports).toHaveLength(2);
    expect(peak).toBeLessThanOrEqual(6);
    // The fleet checks the server once; its items do not ask /buildinfo again (seen: 51 checks for 50 on a real Coder).
    expect(requests.filter((r) => r === "GET /api/v2/buildinfo")).toHaveLength(1);
    expect(new Set(names)).toEqual(new Set(fleet(10).map((s) => s.workspace)));
    expect(live(fake).sort()).toEqual(
      fleet(10)
        .map((s) => s.workspace)
        .sort(),
    );
  });

  it("creates nothing the second time and reports every item reused", async () => {
    const { fake, client } = await launch();
    await upMany(fleet(6), { client });
    const builds = fake.state.builds.size;
    const versions = fake.state.templateVersions.size;
    const again = await upMany(fleet(6), { client });
    expect(again.counts).toMatchObject({ reused: 6, created: 0, started: 0, failed: 0 });
    expect(again.templates.every((t) => t.outcome === "existing")).toBe(true);
    expect(fake.state.builds.size).toBe(builds);
    expect(fake.state.templateVersions.size).toBe(versions);
  });

  it("never duplicates a workspace when two runs of the same declaration overlap", async () => {
    const { fake, client } = await launch({ provisioners: 2 });
    // Two clients, as two processes would have: no shared pacing, no shared state.
    const [a, b] = await Promise.all([
      upMany(fleet(8), { client }),
      upMany(fleet(8), { url: fake.url, token: fake.token }),
    ]);
    const failures = [a, b].flatMap((s) =>
      s.items.filter((i) => i.outcome !== "created" && i.outcome !== "reused"),
    );
    expect(failures.map((f) => `${f.name}: ${f.outcome} ${f.error?.name} ${f.error?.message}`)).toEqual([]);
    for (const summary of [a, b]) expect(summary.ok).toBe(true);
    // Every workspace was created by exactly one of the runs; the other converged on it.
    const createdBy = fleet(8).map((_, i) => [a, b].filter((s) => s.items[i]?.outcome === "created").length);
    expect(createdBy.every((n) => n <= 1)).toBe(true);
    expect(live(fake)).toHaveLength(8);
    const templates = [...fake.state.templates.values()].filter((t) => !t.deleted).map((t) => t.name);
    expect(templates.sort()).toEqual(["alpha", "beta"]);
  });

  it("falls back to its documented default when the user may not list provisioner daemons", async () => {
    const { fake, client } = await launch({ provisioners: 5, users: [{ username: "alice" }] });
    const owner = await upMany([], { client, dryRun: true });
    expect(owner.concurrency).toMatchObject({ builds: 10, source: "provisioner-daemons" });
    const member = await upMany([], { url: fake.url, token: fake.state.tokenOf("alice"), dryRun: true });
    expect(member.concurrency).toMatchObject({ builds: DEFAULT_FLEET_BUILDS, source: "default" });
    expect(member.concurrency.reason).toMatch(/may not list provisioner daemons/);
  });

  it("provisions for another user when an owner gives `owner`", async () => {
    const { fake, client } = await launch({ users: [{ username: "alice" }] });
    const summary = await upMany([{ ...fleet(1)[0]!, owner: "alice" }], { client });
    expect(summary.items[0]).toMatchObject({ name: "fl-0", owner: "alice", outcome: "created" });
    const alice = fake.state.userByName("alice")!;
    expect([...fake.state.workspaces.values()].map((w) => w.ownerId)).toEqual([alice.id]);
    const again = await upMany([{ ...fleet(1)[0]!, owner: "alice" }], { client });
    expect(again.items[0]?.outcome).toBe("reused");
  });

  it("reports a failing build on its item only, with what exists, and goes on with the others", async () => {
    const { fake, client } = await launch();
    fake.faults.failJob({ type: "workspace_build", transition: "start", error: "boom: quota exceeded" });
    const summary = await upMany(fleet(4), { client, concurrency: 1 });
    const failed = summary.items.filter((i) => i.outcome === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error).toBeInstanceOf(ProvisionerJobError);
    expect(failed[0]?.exists.join(" ")).toMatch(new RegExp(`workspace ${failed[0]?.name}`));
    expect(summary.counts.created).toBe(3);
    expect(summary.ok).toBe(false);
  });

  it("on abort cancels what is queued, leaves the running build alone and still returns the summary", async () => {
    const { fake, client } = await launch({ provisioners: 1, stepDelayMs: 30 });
    const controller = new AbortController();
    const onEvent = (e: FleetEvent) => {
      if (e.type === "flow" && e.event.type === "stage" && e.event.stage === "build") {
        if (e.event.state === "start") controller.abort();
      }
    };
    const summary = await upMany(fleet(5), { client, concurrency: 1, signal: controller.signal, onEvent });
    expect(summary.aborted).toBe(true);
    expect(summary.items.map((i) => i.outcome)).toEqual([
      "interrupted",
      "canceled",
      "canceled",
      "canceled",
      "canceled",
    ]);
    expect(summary.items[0]?.exists.join(" ")).toMatch(/workspace fl-0/);
    expect(live(fake)).toEqual(["fl-0"]);
    // Nobody canceled the build on the server: it finishes.
    const build = [...fake.state.builds.values()][0]!;
    const job = fake.state.jobs.get(build.jobId)!;
    await expect.poll(() => job.completedAt, { timeout: 100_000 }).toBeTruthy();
    expect(job.canceledAt).toBeUndefined();
    expect(job.error).toBeUndefined();
  });

  it("aborted before the first item, returns every item canceled instead of throwing", async () => {
    const { fake, client } = await launch();
    const controller = new AbortController();
    controller.abort();
    const summary = await upMany(fleet(3), { client, signal: controller.signal });
    expect(summary).toMatchObject({ aborted: true, ok: false, counts: { canceled: 3 } });
    expect(fake.state.workspaces.size + fake.state.files.size).toBe(0);
  });

  it("prunes only what carries the prefix and is not declared, listing it first; dry runs change nothing", async () => {
    const { fake, client } = await launch();
    await upMany([...fleet(3), { workspace: "keep-me", template: "alpha", templateDir: alpha }], { client });
    const events: string[] = [];
    const onEvent = (e: FleetEvent) => {
      if (e.type === "fleet") events.push(e.message);
    };
    const plan = await upMany(fleet(1), { client, prune: { prefix: "fl-" }, dryRun: true, onEvent });
    expect(plan.pruned.map((p) => [p.name, p.outcome])).toEqual([
      ["fl-1", "would-delete"],
      ["fl-2", "would-delete"],
    ]);
    expect(plan.items.map((i) => i.outcome)).toEqual(["reused"]);
    expect(live(fake)).toHaveLength(4);
    const done = await upMany(fleet(1), { client, prune: { prefix: "fl-" }, onEvent });
    expect(done.pruned.map((p) => [p.name, p.outcome])).toEqual([
      ["fl-1", "deleted"],
      ["fl-2", "deleted"],
    ]);
    expect(events.find((m) => m.startsWith("Pruning"))).toBe(
      "Pruning 2 workspace(s) not in the declaration: fl-1, fl-2",
    );
    expect(live(fake).sort()).toEqual(["fl-0", "keep-me"]);
  });

  it("prunes every workspace under the prefix when the declaration lists none (a fleet torn down)", async () => {
    const { fake, client } = await launch();
    await upMany([...fleet(2), { workspace: "keep-me", template: "alpha", templateDir: alpha }], { client });
    const done = await upMany([], { client, prune: { prefix: "fl-" } });
    expect(done.pruned.map((p) => [p.name, p.outcome])).toEqual([
      ["fl-0", "deleted"],
      ["fl-1", "deleted"],
    ]);
    expect(done.ok).toBe(true);
    expect(live(fake)).toEqual(["keep-me"]);
  });

  it("a dry run says what would happen and changes nothing", async () => {
    const { fake, client } = await launch();
    const summary = await upMany(fleet(3), { client, dryRun: true });
    expect(summary.dryRun).toBe(true);
    expect(summary.items.map((i) => i.outcome)).toEqual(["created", "created", "created"]);
    expect(summary.templates.map((t) => t.outcome)).toEqual(["would-push", "would-push"]);
    expect(fake.state.workspaces.size + fake.state.files.size).toBe(0);
  });

  it("refuses a declaration naming a workspace twice before sending anything", async () => {
    const { client, requests } = await launch();
    const specs = [...fleet(2), { workspace: "FL-1" }];
    const failure = await upMany(specs, { client }).catch((e) => e);
    expect(failure).toBeInstanceOf(CoderInvalidInputError);
    expect(failure.message).toMatch(/"FL-1" is declared twice \(items 2 and 3\)/);
    expect(requests).toEqual([]);
  });
});
