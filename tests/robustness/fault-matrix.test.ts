// The fault matrix of `up`: every HTTP step of the flow (and both log streams) gets each fault once, and `up`
// must still succeed with exactly one template version, one template and one workspace; a persistent 500 at
// each step must end in an error that says what already exists.
//
// Fault kinds and the steps they apply to:
//   503           failNext status 503, every step
//   reset         dropConnection before any response byte, every step (for a stream: the upgrade request)
//   429           failNext status 429 with `Retry-After: 1` (honoured: the client waits the full second)
//   stream-drop   dropStream after one frame: only the two log streams (the other steps are plain HTTP)
//   mid-response  dropConnection after the handler ran (headers and half the body sent): every create step (the
//                 POSTs), where the thing exists on the server though its answer was lost, so `up` must find
//                 it instead of making a second one (orphan template versions included)
// A "users/me" step: `up` never asks for /users/me itself; its request under users/me is the workspace lookup.
import { inspect } from "node:util";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { CoderError, createCoderClient, up } from "@spt-coder/sdk";
import { describe, expect, it, vi } from "vitest";
import { minimalTemplate, templateFolder } from "../../packages/sdk/test/flows/helpers.js";

// Each case mostly sleeps (job polls, retry pauses), so many run side by side on few cores.
vi.setConfig({ maxConcurrency: 16 });

type Created = "version" | "template" | "workspace";

interface Step {
  name: string;
  method: string;
  path: string | RegExp;
  /** What the error names of the request, when `path` is a pattern. */
  shows?: string;
  stream?: boolean;
  /** What exists on the server when this step fails for good. */
  created: Created[];
}

const STEPS: Step[] = [
  { name: "buildinfo", method: "GET", path: "/api/v2/buildinfo", created: [] },
  { name: "users/me (workspace lookup)", method: "GET", path: "/api/v2/users/me/workspace/*", created: [] },
  // With no org given, up uses the only organization the user belongs to, as the coder CLI does.
  { name: "organization", method: "GET", path: "/api/v2/users/me/organizations", created: [] },
  { name: "template lookup", method: "GET", path: "/api/v2/organizations/*/templates/*", created: [] },
  { name: "upload", method: "POST", path: "/api/v2/files", created: [] },
  { name: "version create", method: "POST", path: "/api/v2/organizations/*/templateversions", created: [] },
  { name: "job poll", method: "GET", path: "/api/v2/templateversions/*", created: ["version"] },
  {
    name: "import log stream",
    method: "GET",
    path: "/api/v2/templateversions/*/logs",
    stream: true,
    created: ["version"],
  },
  {
    name: "template create",
    method: "POST",
    path: "/api/v2/organizations/*/templates",
    created: ["version"],
  },
  {
    name: "presets",
    method: "GET",
    path: "/api/v2/templateversions/*/presets",
    created: ["template"],
  },
  {
    // The template is dynamic (the default), so its parameters are evaluated by the server, not listed.
    name: "dynamic parameters",
    method: "POST",
    path: "/api/v2/templateversions/*/dynamic-parameters/evaluate",
    created: ["template"],
  },
  {
    name: "workspace create",
    method: "POST",
    path: "/api/v2/users/me/workspaces",
    created: ["template"],
  },
  {
    name: "build poll",
    method: "GET",
    path: "/api/v2/workspacebuilds/*",
    created: ["template", "workspace"],
  },
  {
    name: "build log stream",
    method: "GET",
    path: "/api/v2/workspacebuilds/*/logs",
    stream: true,
    created: ["template", "workspace"],
  },
  {
    name: "agent poll",
    method: "GET",
    // The agent wait listens to the watch stream first and polls only when it is refused: fail both.
    path: /^\/api\/v2\/workspaces\/[^/]+(\/watch-ws)?$/,
    shows: "/api/v2/workspaces",
    created: ["template", "workspace"],
  },
];

type Kind = "503" | "reset" | "429" | "stream-drop" | "mid-response";

function inject(fake: RunningFakeCoder, step: Step, kind: Kind): void {
  const route = { method: step.method, path: step.path };
  if (kind === "503") fake.faults.failNext({ ...route, status: 503 });
  else if (kind === "reset") fake.faults.dropConnection({ ...route, when: "before-response" });
  else if (kind === "429")
    fake.faults.failNext({
      ...route,
      status: 429,
      headers: { "Retry-After": "1" },
      body: { message: "You've been rate limited for sending more than 1 requests in 1s." },
    });
  else if (kind === "mid-response") fake.faults.dropConnection({ ...route, when: "mid-response" });
  else fake.faults.dropStream({ path: step.path, afterFrames: 1 });
}

const TEMPLATE = "matrix";
const WORKSPACE = "dev";
const templateDir = templateFolder({
  "main.tf": minimalTemplate(`
data "coder_parameter" "size" {
  name    = "size"
  type    = "number"
  default = 2
  mutable = true
}`),
});

/** Runs `up` against a fresh fake after `arm` set its faults; returns the fake (still open) and the outcome. */
async function runUp(arm: (fake: RunningFakeCoder) => void) {
  const fake = await startFakeCoder({ stepDelayMs: 0 });
  arm(fake);
  const client = createCoderClient({ url: fake.url, token: fake.token, maxRetryAfterMs: 2000 });
  const outcome = await up({
    client,
    template: TEMPLATE,
    templateDir,
    workspace: WORKSPACE,
    parameters: { size: "3" },
  }).then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { fake, outcome };
}

function counts(fake: RunningFakeCoder) {
  const live = <T extends { deleted: boolean }>(m: Map<string, T>) =>
    [...m.values()].filter((x) => !x.deleted);
  return {
    versions: fake.state.templateVersions.size,
    templates: live(fake.state.templates).length,
    workspaces: live(fake.state.workspaces).length,
  };
}

/** Every way an error can be shown: message, stack, JSON and the inspected object with its causes. */
function everyRendering(error: unknown): string {
  return [
    String(error),
    (error as Error)?.stack ?? "",
    JSON.stringify(error),
    inspect(error, { depth: 8 }),
  ].join("\n");
}

const KINDS: Kind[] = ["503", "reset", "429", "stream-drop", "mid-response"];
const applies = (step: Step, kind: Kind) =>
  kind === "stream-drop" ? step.stream === true : kind === "mid-response" ? step.method === "POST" : true;
const CASES = STEPS.flatMap((step) =>
  KINDS.filter((kind) => applies(step, kind)).map((kind) => ({ step, kind })),
);

describe.concurrent("up survives one fault at every step", () => {
  it.each(CASES.map((c) => [c.step.name, c.kind, c] as const))(
    "%s: %s",
    async (_name, _kind, { step, kind }) => {
      const { fake, outcome } = await runUp((f) => inject(f, step, kind));
      try {
        if (!outcome.ok) throw outcome.error;
        expect(outcome.result.workspace.latest_build.status).toBe("running");
        expect(outcome.result.templateCreated).toBe(true);
        expect(outcome.result.created).toBe(true);
        expect(counts(fake)).toEqual({ versions: 1, templates: 1, workspaces: 1 });
      } finally {
        await fake.close();
      }
    },
    30_000,
  );
});

const CREATED_PATTERNS: Record<Created, RegExp> = {
  version: /^template version \S+ \([0-9a-f-]{36}\)$/,
  template: new RegExp(`^template ${TEMPLATE}$`),
  workspace: new RegExp(`^workspace ${WORKSPACE}$`),
};

describe.concurrent("a persistent 500 ends in a clear error that says what exists", () => {
  it.each(STEPS.map((s) => [s.name, s] as const))(
    "%s",
    async (_name, step) => {
      const { fake, outcome } = await runUp((f) =>
        f.faults.failNext({
          method: step.method,
          path: step.path,
          status: 500,
          times: Number.POSITIVE_INFINITY,
        }),
      );
      try {
        expect(outcome.ok, `up succeeded despite a 500 at ${step.name}`).toBe(false);
        const error = (outcome as { error: unknown }).error;
        expect(error).toBeInstanceOf(CoderError);
        const { message, created } = error as CoderError & { created?: string[] };
        // Says what failed: the injected 500 and the request that got it.
        expect(message).toMatch(/500/);
        expect(message).toContain(
          typeof step.path === "string" ? step.path.replace(/\/\*.*$/, "") : (step.shows ?? ""),
        );
        // Says what exists, in `created` and in the message.
        expect(created ?? []).toHaveLength(step.created.length);
        step.created.forEach((kind, i) => {
          expect(created?.[i]).toMatch(CREATED_PATTERNS[kind]);
        });
        if (step.created.length) expect(message).toContain(`Already created: ${created?.join(", ")}.`);
        else expect(message).not.toContain("Already created");
        // What it says matches the server.
        const c = counts(fake);
        expect(c.versions).toBe(step.created.length ? 1 : 0);
        expect(c.templates).toBe(step.created.includes("template") ? 1 : 0);
        expect(c.workspaces).toBe(step.created.includes("workspace") ? 1 : 0);
        // The session token is in none of the ways the error can be shown.
        expect(everyRendering(error)).not.toContain(fake.token);
      } finally {
        await fake.close();
      }
    },
    30_000,
  );
});
