// `fleet apply` at the size and under the faults it is for: 50 workspaces from two template folders, and a run
// through 503s, cut answers, dropped streams and a failing build. Left out of `pnpm test:unit` (a matrix).
import { describe, expect, it } from "vitest";
import { apply, closeFleetFakeAfterEach, declaration, liveNames, startFleetFake } from "./fleet-helpers.js";

closeFleetFakeAfterEach();

describe("spt-coder fleet apply at scale", () => {
  it("provisions 50 workspaces from two template folders, then reports all 50 reused", async () => {
    const fake = await startFleetFake({ stepDelayMs: 1, provisioners: 8 });
    const { file } = declaration(50);
    const first = await apply(file, "-o", "json");
    expect(first.stderr).not.toContain(fake.token);
    expect(first.code).toBe(0);
    expect(first.json?.counts).toMatchObject({ created: 50, failed: 0 });
    expect(first.json?.concurrency).toEqual(
      expect.objectContaining({ builds: 16, source: "provisioner-daemons" }),
    );
    expect(first.json?.templates.map((t) => [t.name, t.outcome]).sort()).toEqual([
      ["alpha", "pushed"],
      ["beta", "pushed"],
    ]);
    const imports = [...fake.state.jobs.values()].filter((j) => j.type === "template_version_import");
    expect(imports).toHaveLength(2);
    expect(new Set(liveNames()).size).toBe(50);
    // alpha's default preset applied to every alpha workspace (even names), none to beta's.
    const sizes = new Map<string, string | undefined>();
    for (const b of fake.state.builds.values()) {
      const ws = fake.state.workspaces.get(b.workspaceId);
      if (ws) sizes.set(ws.name, b.parameters.find((p) => p.name === "size")?.value);
    }
    expect(sizes.get("class-0")).toBe("large");
    expect(sizes.get("class-48")).toBe("large");
    expect(sizes.get("class-1")).toBeUndefined();
    const builds = fake.state.builds.size;

    const second = await apply(file);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("50 workspace(s): 50 reused");
    expect(second.stdout.match(/^class-\d+\s+reused/gm)).toHaveLength(50);
    expect(fake.state.builds.size).toBe(builds);
    // Plain stage lines without a terminal: no cursor movement in captured output.
    expect(second.stderr).not.toContain("\u001b[");
  }, 120_000);

  it("ends a run with 503s, cut connections, dropped log streams and a failing build with a true summary", async () => {
    const injected: string[] = [];
    const fake = await startFleetFake({
      stepDelayMs: 1,
      provisioners: 4,
      onResponse: (r) => {
        if (r.injected) injected.push(`${r.status} ${r.method} ${r.path.replace(/[^/]+$/, "*")}`);
      },
    });
    const { file } = declaration(12);
    const faults = fake.faults;
    faults.failNext({ method: "POST", path: "/api/v2/users/me/workspaces", status: 503, times: 3 });
    // The create happens, but its answer is cut: the classic way to a duplicate.
    faults.dropConnection({
      method: "POST",
      path: "/api/v2/users/me/workspaces",
      when: "mid-response",
      times: 2,
    });
    faults.failNext({ method: "GET", path: "/api/v2/users/me/workspace/*", status: 503, times: 4 });
    faults.dropStream({ path: "/api/v2/workspacebuilds/*/logs", afterFrames: 1, times: 4 });
    faults.failJob({
      type: "workspace_build",
      transition: "start",
      error: "terraform apply: quota exceeded",
    });

    const faulty = await apply(file, "-o", "json");
    expect(faulty.code).toBe(5); // a provisioner job failed
    // Every fault fired: the run went through them, not around them.
    expect(injected.filter((i) => i.startsWith("503 POST"))).toHaveLength(3);
    expect(injected.filter((i) => i.startsWith("503 GET"))).toHaveLength(4);
    if (process.env.SPT_DEBUG) console.error(faulty.stderr);
    const summary = faulty.json!;
    expect(summary.ok).toBe(false);
    expect(summary.counts).toMatchObject({ created: 11, failed: 1 });
    const failed = summary.items.filter((i) => i.outcome === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.error?.code).toBe("build_failed");
    expect(failed[0]?.error?.message).toContain("quota exceeded");
    expect(failed[0]?.exists.join(" ")).toContain(`workspace ${failed[0]?.name}`);
    // Nothing twice: twelve workspaces with twelve names, and one create each.
    expect(liveNames().sort()).toEqual(summary.items.map((i) => i.name).sort());

    const again = await apply(file, "-o", "json");
    expect(again.code).toBe(0);
    expect(again.json?.counts).toMatchObject({ reused: 11, started: 1 });
    expect(again.json?.items.find((i) => i.outcome === "started")?.name).toBe(failed[0]?.name);
    expect(liveNames()).toHaveLength(12);
  }, 120_000);
});
