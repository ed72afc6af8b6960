import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  type AnyJson,
  createVersion,
  createWorkspace,
  MAIN_TF,
  MODES,
  pollUntil,
  pushTemplate,
  REPO,
  upload,
  useMode,
  waitForBuild,
  waitForVersion,
} from "./helpers.js";

describe.each(MODES)("faults (%s)", (mode) => {
  const launch = useMode(mode);

  it("fails the next N matching requests with a status, then recovers", async () => {
    const h = await launch();
    h.faults.failNext({ method: "GET", path: "/api/v2/users/me", status: 503, times: 2 });
    const first = await h.api("/api/v2/users/me");
    expect(first.status).toBe(503);
    expect(first.headers.get("x-coder-build-version")).toBeTruthy();
    expect(await first.json()).toEqual({ message: "Injected fault: 503." });
    expect((await h.api("/api/v2/users/me")).status).toBe(503);
    expect((await h.api("/api/v2/users/me")).status).toBe(200);
  });

  it("matches paths with * wildcards and regular expressions, and can send any body", async () => {
    const h = await launch();
    h.faults.failNext({
      path: "/api/v2/templateversions/*",
      status: 502,
      body: "<html>Bad Gateway</html>",
      headers: { "Content-Type": "text/html" },
    });
    const res = await h.api(`/api/v2/templateversions/${crypto.randomUUID()}`);
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("text/html");
    h.faults.failNext({ path: /\/organizations$/, status: 500 });
    expect((await h.api("/api/v2/organizations")).status).toBe(500);
  });

  it("delays a request", async () => {
    const h = await launch();
    h.faults.delay({ path: "/api/v2/buildinfo", ms: 150 });
    const start = Date.now();
    await h.api("/api/v2/buildinfo");
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });

  it("drops the connection before the response", async () => {
    const h = await launch();
    h.faults.dropConnection({ path: "/api/v2/users/me" });
    await expect(h.api("/api/v2/users/me")).rejects.toThrow();
    expect((await h.api("/api/v2/users/me")).status).toBe(200);
  });

  it("drops the connection mid-response", async () => {
    const h = await launch();
    h.faults.dropConnection({ path: "/api/v2/organizations", when: "mid-response" });
    const res = await h.api("/api/v2/organizations");
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it("fails the next matching job with a given error and code", async () => {
    const h = await launch();
    h.faults.failJob({
      type: "template_version_import",
      error: "boom",
      errorCode: "REQUIRED_TEMPLATE_VARIABLES",
    });
    const created = await (
      await createVersion(h, { file_id: await upload(h, { "main.tf": MAIN_TF }) })
    ).json();
    const v = await waitForVersion(h, created.id);
    expect(v.job).toMatchObject({
      status: "failed",
      error: "boom",
      error_code: "REQUIRED_TEMPLATE_VARIABLES",
    });
    const logs: AnyJson[] = await (await h.api(`/api/v2/templateversions/${created.id}/logs`)).json();
    expect(logs.at(-2)).toMatchObject({ log_level: "error", output: "boom", stage: "Setting up" });
    expect(logs.at(-1).stage).toBe("Cleaning Up");
  });

  it("fails a job already running, by id, at a given stage", async () => {
    const h = await launch({ stepDelayMs: 20 });
    const created = await (
      await createVersion(h, { file_id: await upload(h, { "main.tf": MAIN_TF }) })
    ).json();
    h.faults.failJob({ jobId: created.job.id, error: "disk full", atStage: "Detecting ephemeral resources" });
    const v = await waitForVersion(h, created.id);
    expect(v.job).toMatchObject({ status: "failed", error: "disk full" });
    const stages = new Set(
      (await (await h.api(`/api/v2/templateversions/${created.id}/logs`)).json()).map(
        (l: AnyJson) => l.stage,
      ),
    );
    expect(stages.has("Detecting persistent resources")).toBe(true);
  });

  it("keeps a job pending forever", async () => {
    const h = await launch({ stepDelayMs: 1 });
    const { template } = await pushTemplate(h);
    h.faults.holdJob({ type: "workspace_build", transition: "start" });
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    await new Promise((r) => setTimeout(r, 100));
    const build = await (await h.api(`/api/v2/workspacebuilds/${ws.latest_build.id}`)).json();
    expect(build).toMatchObject({
      status: "pending",
      job: { status: "pending", queue_position: 1, queue_size: 1 },
    });
  });

  it("steers the next agent to start_error, or to never connect", async () => {
    const h = await launch({ stepDelayMs: 5 });
    const { template } = await pushTemplate(h);
    h.faults.agent({ outcome: "start_error" });
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    const built = await waitForBuild(h, ws.latest_build.id);
    const agentId = built.resources.find((r: AnyJson) => r.agents).agents[0].id;
    const agent = await pollUntil(
      h,
      `/api/v2/workspaceagents/${agentId}`,
      (a) => a.lifecycle_state !== "created" && a.lifecycle_state !== "starting",
    );
    expect(agent).toMatchObject({ status: "connected", lifecycle_state: "start_error" });

    h.faults.agent({ outcome: "never_connects" });
    const other = await (
      await createWorkspace(h, { template_id: template.id, name: "other", rich_parameter_values: [REPO] })
    ).json();
    const otherBuild = await waitForBuild(h, other.latest_build.id);
    const otherAgent = otherBuild.resources.find((r: AnyJson) => r.agents).agents[0];
    await new Promise((r) => setTimeout(r, 50));
    const still = await (await h.api(`/api/v2/workspaceagents/${otherAgent.id}`)).json();
    expect(still).toMatchObject({ status: "connecting", lifecycle_state: "created" });
  });
});

describe("stream faults (server)", () => {
  const launch = useMode("server");

  it("cuts a log stream after N frames without a close frame", async () => {
    const h = await launch();
    const { version } = await pushTemplate(h);
    h.faults.dropStream({ path: `/api/v2/templateversions/${version.id}/logs`, afterFrames: 2 });
    const result = await new Promise<{ frames: number; code: number }>((resolve) => {
      let frames = 0;
      const ws = new WebSocket(
        `${h.url.replace(/^http/, "ws")}/api/v2/templateversions/${version.id}/logs?follow`,
        {
          headers: { "Coder-Session-Token": h.token },
        },
      );
      ws.on("message", () => {
        frames += 1;
      });
      ws.on("close", (code) => resolve({ frames, code }));
    });
    expect(result).toEqual({ frames: 2, code: 1006 });
  });
});
