/**
 * Test harness: the same tests run against both modes of the fake (msw in-process and the loopback server),
 * with small helpers for Coder's push / create / build recipes written as plain HTTP calls.
 */
import { setupServer } from "msw/node";
import * as tar from "tar-stream";
import { afterAll, beforeAll, onTestFinished } from "vitest";
import type { FakeClock } from "../src/clock.js";
import type { Faults } from "../src/faults.js";
import type { InProcessWebSocket } from "../src/in-process-socket.js";
import { type FakeCoderOptions, startFakeCoder } from "../src/index.js";
import { createFakeCoder } from "../src/msw.js";
import type { FakeState } from "../src/state.js";

export type Mode = "msw" | "server";
/**
 * The modes every shared test runs in: both, unless `SPT_FAKE_MODES` names some (`pnpm test:unit` runs the
 * loopback server only: the behaviour is the same code in both, only the transport differs).
 */
export const MODES: Mode[] = modesFrom(process.env.SPT_FAKE_MODES);

function modesFrom(value: string | undefined): Mode[] {
  const all: Mode[] = ["msw", "server"];
  if (!value) return all;
  const chosen = all.filter((m) => value.split(",").includes(m));
  if (chosen.length === 0) throw new Error(`SPT_FAKE_MODES=${value}: name msw, server or both (msw,server)`);
  return chosen;
}

/** One running fake, whatever the mode. */
export interface Harness {
  mode: Mode;
  url: string;
  token: string;
  state: FakeState;
  faults: Faults;
  /** The fake's lifecycle clock (hold, step, release). */
  clock: FakeClock;
  /** msw mode: the fake's in-process WebSocket dialer (msw carries no WebSocket). */
  webSocket?: InProcessWebSocket | undefined;
  /** The fake's step delay: how long each job and agent state lasts at least. */
  stepDelayMs: number;
  /** `fetch` against the fake with the owner's token (unless `token: null` or another token is given). */
  api(path: string, init?: RequestInit & { token?: string | null; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

const msw = setupServer();

/**
 * Registers per-file hooks for a mode (msw listens only during its own describe block: it would otherwise catch
 * the loopback server's requests too) and returns the launcher. Every harness is closed when the test that made
 * it ends, and each msw fake has a host of its own, so the tests of a file may run side by side (`it.concurrent`
 * with the test context's `onTestFinished`).
 */
export function useMode(
  mode: Mode,
): (options?: FakeCoderOptions, finished?: typeof onTestFinished) => Promise<Harness> {
  if (mode === "msw") {
    beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
    afterAll(() => msw.close());
  }
  // A concurrent test passes its own context's `onTestFinished`: vitest's global one cannot tell which of the
  // tests running at once is asking.
  return async (options = {}, finished = onTestFinished) => {
    const h = await launch(mode, options);
    finished(() => h.close());
    return h;
  };
}

let mswFakes = 0;

async function launch(mode: Mode, options: FakeCoderOptions): Promise<Harness> {
  const opts = { stepDelayMs: 5, ...options };
  let base: {
    url: string;
    token: string;
    state: FakeState;
    faults: Faults;
    clock: FakeClock;
    webSocket?: InProcessWebSocket;
    close(): Promise<void> | void;
  };
  if (mode === "msw") {
    const fake = createFakeCoder({ baseUrl: `http://coder-${++mswFakes}.fake`, ...opts });
    msw.use(...fake.handlers);
    base = {
      ...fake,
      close: () => {
        fake.close();
        const mine: readonly unknown[] = fake.handlers;
        msw.resetHandlers(...msw.listHandlers().filter((handler) => !mine.includes(handler)));
      },
    };
  } else {
    base = await startFakeCoder(opts);
  }
  return {
    mode,
    url: base.url,
    token: base.token,
    state: base.state,
    faults: base.faults,
    clock: base.clock,
    webSocket: base.webSocket,
    stepDelayMs: opts.stepDelayMs,
    api(path, init = {}) {
      const { token, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      const t = token === undefined ? base.token : token;
      if (t !== null) headers.set("Coder-Session-Token", t);
      if (json !== undefined) headers.set("Content-Type", "application/json");
      return fetch(`${base.url}${path}`, {
        ...rest,
        headers,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    },
    close: async () => {
      await base.close();
    },
  };
}

/** A tar (ustar) of the given files; `null` content makes a directory entry. */
export async function tarOf(
  files: Record<string, string | Uint8Array | null>,
): Promise<Uint8Array<ArrayBuffer>> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  for (const [name, content] of Object.entries(files)) {
    if (content === null) pack.entry({ name, type: "directory", mode: 0o755 });
    else pack.entry({ name, mode: 0o644 }, typeof content === "string" ? content : Buffer.from(content));
  }
  pack.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/** A small template like the project's: parameters, a variable, an agent on a counted container, code-server. */
export const MAIN_TF = `
terraform {
  required_providers {
    coder  = { source = "coder/coder" }
    docker = { source = "kreuzwerker/docker" }
  }
}

variable "docker_socket" {
  type        = string
  default     = ""
  description = "Docker daemon address"
}

locals {
  home = "/home/coder"
  port = 13337
}

data "coder_workspace" "me" {}

data "coder_parameter" "region" {
  name         = "region"
  display_name = "Region"
  type         = "string"
  default      = "eu"
  mutable      = true
  order        = 1
  option {
    name  = "Europe"
    value = "eu"
  }
  option {
    name  = "United States"
    value = "us"
  }
}

data "coder_parameter" "cpu" {
  name    = "cpu"
  type    = "number"
  default = 2
  mutable = true
  order   = 2
  validation {
    min = 1
    max = 8
  }
}

data "coder_parameter" "repo" {
  name        = "repo"
  description = "The **repository** to clone"
  type        = "string"
  order       = 3
  validation {
    regex = "^https://"
    error = "Use an https URL"
  }
}

resource "coder_agent" "main" {
  arch           = "amd64"
  os             = "linux"
  startup_script = "echo hello\\necho world"
}

resource "coder_app" "code_server" {
  agent_id     = coder_agent.main.id
  slug         = "code-server"
  display_name = "code-server"
  url          = "http://localhost:\${local.port}/?folder=\${local.home}"
  icon         = "/icon/code.svg"
  subdomain    = false
  share        = "owner"
  healthcheck {
    url       = "http://localhost:\${local.port}/healthz"
    interval  = 5
    threshold = 6
  }
}

resource "docker_volume" "home" {
  name = "coder-\${data.coder_workspace.me.id}-home"
}

resource "docker_container" "workspace" {
  count      = data.coder_workspace.me.start_count
  image      = "ubuntu:22.04"
  entrypoint = ["sh", "-c", coder_agent.main.init_script]
  env        = ["CODER_AGENT_TOKEN=\${coder_agent.main.token}"]
}
`;

/** Uploads a tar and returns the file id. */
export async function upload(h: Harness, files: Record<string, string | Uint8Array | null>): Promise<string> {
  const res = await h.api("/api/v2/files", {
    method: "POST",
    headers: { "Content-Type": "application/x-tar" },
    body: await tarOf(files),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { hash: string }).hash;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON.
export type AnyJson = any;

/** POST a template version; returns the response. */
export function createVersion(h: Harness, body: Record<string, unknown>): Promise<Response> {
  return h.api("/api/v2/organizations/default/templateversions", {
    method: "POST",
    json: { storage_method: "file", provisioner: "terraform", tags: {}, ...body },
  });
}

const TERMINAL = ["succeeded", "failed", "canceled"];

/** Polls a GET until `done(body)`; returns the last body. */
export async function pollUntil(
  h: Harness,
  path: string,
  done: (body: AnyJson) => boolean,
): Promise<AnyJson> {
  // No deadline of its own (it had 5 s of wall time, which a loaded machine need not keep): the test's timeout
  // ends a poll that never gets there.
  for (;;) {
    const res = await h.api(path);
    const body = await res.json();
    if (done(body)) return body;
    // Polling faster only burns the CPU the fake's timers (and the other test files) need. A poll may miss a
    // state that lasts one step: a test that must see one holds the clock and steps it (workspaces.test.ts).
    await new Promise((r) => setTimeout(r, Math.min(25, Math.max(5, h.stepDelayMs / 4))));
  }
}

/** Waits for a template version's import job to finish. */
export function waitForVersion(h: Harness, id: string): Promise<AnyJson> {
  return pollUntil(h, `/api/v2/templateversions/${id}`, (v) => TERMINAL.includes(v.job.status));
}

/** Waits for a workspace build's job to finish. */
export function waitForBuild(h: Harness, id: string): Promise<AnyJson> {
  return pollUntil(h, `/api/v2/workspacebuilds/${id}`, (b) => TERMINAL.includes(b.job.status));
}

/** Uploads, creates a version (no template), waits, creates the template; returns both. */
export async function pushTemplate(
  h: Harness,
  name = "docker",
  files: Record<string, string | null> = { "main.tf": MAIN_TF },
  templateBody: Record<string, unknown> = {},
): Promise<{ template: AnyJson; version: AnyJson }> {
  const fileId = await upload(h, files);
  const created = await createVersion(h, { file_id: fileId });
  if (created.status !== 201) throw new Error(`create version: ${created.status} ${await created.text()}`);
  const version = await waitForVersion(h, ((await created.json()) as AnyJson).id);
  const res = await h.api("/api/v2/organizations/default/templates", {
    method: "POST",
    json: { name, template_version_id: version.id, ...templateBody },
  });
  if (res.status !== 201) throw new Error(`create template: ${res.status} ${await res.text()}`);
  return { template: await res.json(), version };
}

/** Creates a workspace for `me` and returns the response. */
export function createWorkspace(h: Harness, body: Record<string, unknown>, user = "me"): Promise<Response> {
  return h.api(`/api/v2/users/${user}/workspaces`, { method: "POST", json: body });
}

export const REPO = { name: "repo", value: "https://github.com/coder/coder" };

/** Pushes the default template and creates `dev` on it (`extra` added to the request), its first build done. */
export async function runningWorkspace(h: Harness, extra: Record<string, unknown> = {}) {
  const { template, version } = await pushTemplate(h);
  const ws: AnyJson = await (
    await createWorkspace(h, {
      template_id: template.id,
      name: "dev",
      rich_parameter_values: [REPO],
      ...extra,
    })
  ).json();
  await waitForBuild(h, ws.latest_build.id);
  return { template, version, ws };
}
