import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  type AnyJson,
  createVersion,
  createWorkspace,
  type Harness,
  MAIN_TF,
  MODES,
  pollUntil,
  pushTemplate,
  REPO,
  upload,
  useMode,
  waitForBuild,
} from "./helpers.js";

/** What a WebSocket follower saw: every text frame and how the socket ended. */
interface Followed {
  frames: string[];
  code: number;
  reason: string;
}

interface Handshake {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Opens a follow socket; resolves when it closes, or with the HTTP answer when the handshake is refused. */
function follow(
  h: Harness,
  path: string,
  options: {
    headers?: Record<string, string>;
    onOpen?: (ws: WebSocket) => void;
    onFrame?: (ws: WebSocket, frame: string) => void;
  } = {},
): Promise<Followed | Handshake> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${h.url.replace(/^http/, "ws")}${path}`, {
      headers: { "Coder-Session-Token": h.token, ...options.headers },
    });
    const frames: string[] = [];
    ws.on("open", () => options.onOpen?.(ws));
    ws.on("message", (data, isBinary) => {
      expect(isBinary).toBe(false);
      frames.push(data.toString());
      options.onFrame?.(ws, data.toString());
    });
    ws.on("close", (code, reason) => resolve({ frames, code, reason: reason.toString() }));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], body }),
      );
    });
    ws.on("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

async function finishedVersion(h: Harness): Promise<AnyJson> {
  return (await pushTemplate(h)).version;
}

describe.each(MODES)("logs over plain HTTP (%s)", (mode) => {
  const launch = useMode(mode);

  it("returns a JSON array of the logs after `after`, ignoring `before`", async () => {
    const h = await launch();
    const version = await finishedVersion(h);
    const all: AnyJson[] = await (await h.api(`/api/v2/templateversions/${version.id}/logs`)).json();
    expect(all.length).toBeGreaterThan(5);
    const after = all[2].id;
    const res = await h.api(`/api/v2/templateversions/${version.id}/logs?after=${after}&before=${after + 1}`);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual(all.slice(3));
    expect(
      await (await h.api(`/api/v2/templateversions/${version.id}/logs?after=${all.at(-1).id}`)).json(),
    ).toEqual([]);
    const bad = await h.api(`/api/v2/templateversions/${version.id}/logs?after=abc`);
    expect(await bad.json()).toEqual({
      message: 'Query param "after" must be an integer.',
      validations: [{ field: "after", detail: "Must be an integer" }],
    });
  });

  it("renders format=text as one line per log", async () => {
    const h = await launch();
    const version = await finishedVersion(h);
    const res = await h.api(`/api/v2/templateversions/${version.id}/logs?format=text`);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[info\] \[provisioner_daemon\|Setting up\] $/,
    );
    const withFollow = await h.api(`/api/v2/templateversions/${version.id}/logs?format=text&follow`);
    expect(await withFollow.json()).toEqual({ message: "Text format is not supported with follow mode." });
  });

  it("answers a plain GET of watch-ws with 426", async () => {
    const h = await launch();
    const { template } = await pushTemplate(h);
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    expect((await h.api(`/api/v2/workspaces/${ws.id}/watch-ws`)).status).toBe(426);
  });

  it.each(["follow", "follow=true", "follow=false"])(
    "answers a plain GET with ?%s with 426 plain text",
    async (query) => {
      const h = await launch();
      const version = await finishedVersion(h);
      const res = await h.api(`/api/v2/templateversions/${version.id}/logs?${query}`);
      expect(res.status).toBe(426);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await res.text()).toMatch(
        /^WebSocket protocol violation: Connection header ".*" does not contain Upgrade\n$/,
      );
    },
  );
});

describe("logs over WebSocket (server)", () => {
  const launch = useMode("server");

  it("sends one log object per text frame and closes with 1000 when the job completes", async () => {
    const h = await launch({ stepDelayMs: 20 });
    const fileId = await upload(h, { "main.tf": MAIN_TF });
    const version = await (await createVersion(h, { file_id: fileId })).json();
    const followed = (await follow(h, `/api/v2/templateversions/${version.id}/logs?follow`)) as Followed;
    expect(followed.code).toBe(1000);
    expect(followed.reason).toBe("done");
    for (const frame of followed.frames) expect(frame.endsWith("}\n")).toBe(true);
    const logs = followed.frames.map((f) => JSON.parse(f));
    const listed = await (await h.api(`/api/v2/templateversions/${version.id}/logs`)).json();
    expect(logs).toEqual(listed);
    expect(logs.at(-1).stage).toBe("Cleaning Up");
  });

  it("answers the upgrade with 101 and X-Coder-Build-Version", async () => {
    const h = await launch();
    const version = await finishedVersion(h);
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const ws = new WebSocket(
        `${h.url.replace(/^http/, "ws")}/api/v2/templateversions/${version.id}/logs?follow`,
        {
          headers: { "Coder-Session-Token": h.token },
        },
      );
      ws.on("upgrade", (res) => {
        resolve(res.headers);
        ws.close();
      });
      ws.on("error", reject);
    });
    expect(headers["x-coder-build-version"]).toBe("v2.36.1+c9a1e2b");
  });

  it("resumes after `after`, and replays then closes for a job already complete", async () => {
    const h = await launch();
    const version = await finishedVersion(h);
    const listed: AnyJson[] = await (await h.api(`/api/v2/templateversions/${version.id}/logs`)).json();
    const followed = (await follow(
      h,
      `/api/v2/templateversions/${version.id}/logs?follow&after=${listed[1].id}`,
    )) as Followed;
    expect(followed.code).toBe(1000);
    expect(followed.frames.map((f) => JSON.parse(f))).toEqual(listed.slice(2));
  });

  it("follows build logs too", async () => {
    const h = await launch({ stepDelayMs: 20 });
    const { template } = await pushTemplate(h);
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    const followed = (await follow(
      h,
      `/api/v2/workspacebuilds/${ws.latest_build.id}/logs?follow=true`,
    )) as Followed;
    const stages = [...new Set(followed.frames.map((f) => JSON.parse(f).stage))];
    expect(stages).toEqual([
      "Setting up",
      "Initializing Terraform Directory",
      "Planning Infrastructure",
      "Starting workspace",
      "Graphing Infrastructure",
      "Cleaning Up",
    ]);
    expect(followed.code).toBe(1000);
  });

  it("checks auth and the lookup before upgrading (JSON errors)", async () => {
    const h = await launch();
    const version = await finishedVersion(h);
    const unauthorized = (await follow(h, `/api/v2/templateversions/${version.id}/logs?follow`, {
      headers: { "Coder-Session-Token": "" },
    })) as Handshake;
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.contentType).toBe("application/json; charset=utf-8");
    const missing = (await follow(
      h,
      `/api/v2/templateversions/${crypto.randomUUID()}/logs?follow`,
    )) as Handshake;
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({
      message: "Resource not found or you do not have access to this resource",
    });
  });

  it("refuses an Origin for another host with 403 plain text, and accepts its own", async () => {
    const h = await launch();
    const version = await finishedVersion(h);
    const host = new URL(h.url).host;
    const refused = (await follow(h, `/api/v2/templateversions/${version.id}/logs?follow`, {
      headers: { Origin: "https://evil.example" },
    })) as Handshake;
    expect(refused.status).toBe(403);
    expect(refused.contentType).toBe("text/plain; charset=utf-8");
    expect(refused.body).toBe(`request Origin "evil.example" is not authorized for Host "${host}"\n`);
    const own = (await follow(h, `/api/v2/templateversions/${version.id}/logs?follow`, {
      headers: { Origin: h.url },
    })) as Followed;
    expect(own.code).toBe(1000);
  });

  it("closes with 1008 when the client sends a data frame", async () => {
    const h = await launch();
    h.faults.holdJob({ type: "template_version_import" });
    const version = await (
      await createVersion(h, { file_id: await upload(h, { "main.tf": MAIN_TF }) })
    ).json();
    const followed = (await follow(h, `/api/v2/templateversions/${version.id}/logs?follow`, {
      onOpen: (ws) => ws.send("hello"),
    })) as Followed;
    expect(followed.code).toBe(1008);
  });

  it("never ends the stream of a pending job canceled through the API, as Coder", async () => {
    const h = await launch();
    h.faults.holdJob({ type: "template_version_import" });
    const version = await (
      await createVersion(h, { file_id: await upload(h, { "main.tf": MAIN_TF }) })
    ).json();
    let socket: WebSocket | undefined;
    // The cancel is sent once the stream is open (an event, not a fixed delay): a cancel that came first would
    // give the canceled job's backlog and a normal close instead.
    let opened!: () => void;
    const open = new Promise<void>((resolve) => {
      opened = resolve;
    });
    const followed = follow(h, `/api/v2/templateversions/${version.id}/logs?follow`, {
      onOpen: (ws) => {
        socket = ws;
        opened();
      },
    });
    await open;
    await h.api(`/api/v2/templateversions/${version.id}/cancel`, { method: "PATCH" });
    const v = await (await h.api(`/api/v2/templateversions/${version.id}`)).json();
    expect(v.job.status).toBe("canceled");
    const race = await Promise.race([followed, new Promise((r) => setTimeout(() => r("still open"), 300))]);
    expect(race).toBe("still open");
    socket?.close();
    expect(((await followed) as Followed).code).toBe(1005);
    // Connecting after the cancel gets the (empty) backlog and a normal close.
    const late = (await follow(h, `/api/v2/templateversions/${version.id}/logs?follow`)) as Followed;
    expect(late).toEqual({ frames: [], code: 1000, reason: "done" });
  });

  it("watches a workspace: a ping, the workspace, then the workspace on every change", async () => {
    const h = await launch({ stepDelayMs: 10 });
    const { template } = await pushTemplate(h);
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    const followed = (await follow(h, `/api/v2/workspaces/${ws.id}/watch-ws`, {
      onFrame: (socket, frame) => {
        if (JSON.parse(frame).data?.latest_build.status === "running") socket.close();
      },
    })) as Followed;
    const events = followed.frames.map((f) => JSON.parse(f));
    expect(events[0]).toEqual({ type: "ping" });
    const statuses: string[] = [];
    for (const e of events.slice(1)) {
      expect(e.type).toBe("data");
      statuses.push(e.data.latest_build.status);
    }
    expect(statuses.at(-1)).toBe("running");
    // One-way: a client frame is a protocol error.
    const talked = (await follow(h, `/api/v2/workspaces/${ws.id}/watch-ws`, {
      onOpen: (socket) => socket.send("hi"),
    })) as Followed;
    expect(talked.code).toBe(1002);
    expect(new Set(statuses).has("starting")).toBe(true);
  });

  it("streams agent logs as arrays, first frame always, until the agent leaves the latest build", async () => {
    const h = await launch({ stepDelayMs: 20 });
    const { template } = await pushTemplate(h);
    const ws = await (
      await createWorkspace(h, { template_id: template.id, name: "dev", rich_parameter_values: [REPO] })
    ).json();
    const built = await waitForBuild(h, ws.latest_build.id);
    const agentId = built.resources.find((r: AnyJson) => r.agents)?.agents[0].id;
    let stopped = false;
    const followed = follow(h, `/api/v2/workspaceagents/${agentId}/logs?follow`, {
      onFrame: () => {
        if (stopped) return;
        stopped = true;
        void h.api(`/api/v2/workspaces/${ws.id}/builds`, { method: "POST", json: { transition: "stop" } });
      },
    });
    await pollUntil(h, `/api/v2/workspaceagents/${agentId}`, (a) => a.lifecycle_state !== "created");
    const result = (await followed) as Followed;
    const batches = result.frames.map((f) => JSON.parse(f));
    expect(Array.isArray(batches[0])).toBe(true);
    expect(result.code).toBe(1000);
  });
});
