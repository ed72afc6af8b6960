import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningFakeCoder, startFakeCoder } from "@spt-coder/fake-coder";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "./helpers.js";

// `up` asks each question once: the session's check of the URL stands for the flow's, and the push confirmation
// is asked by the flow when it finds the template missing, so neither repeats a lookup. Every request the fake
// answers is recorded with its method, path and query; none may come twice, except the reads the SDK repeats by
// design: a job's or workspace's status by id and its logs, polled when a stream is slow or closes early (on a
// loaded machine it is).
const POLLED = /^GET \/api\/v2\/(templateversions|workspacebuilds|workspaces)\/[0-9a-f-]{36}(\/logs\b.*)?$/;
let fake: RunningFakeCoder;
let home: string;
const requests: string[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "spt-up-requests-"));
  fake = await startFakeCoder({
    stepDelayMs: 1,
    onResponse: (info) =>
      requests.push(`${info.method} ${new URL(info.url).pathname}${new URL(info.url).search}`),
  });
});
afterAll(async () => {
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

/** The requests made more than once, with their counts. */
function repeated(list: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of list.filter((r) => !POLLED.test(r))) counts[r] = (counts[r] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 1));
}

describe("up makes no request twice", () => {
  it("without a terminal: one GET /buildinfo, one lookup of the workspace, the organization and the template", async () => {
    requests.length = 0;
    const args = ["up", "--url", fake.url, "--token", fake.token, "--repo", "https://github.com/o/plain"];
    const { code, stderr } = await run(args, { env: { XDG_CONFIG_HOME: join(home, "a") }, home });
    expect(code, stderr).toBe(0);
    expect(requests).toContain("GET /api/v2/buildinfo");
    expect(requests).toContain("POST /api/v2/users/me/workspaces");
    expect(repeated(requests)).toEqual({});
  });

  it("on a terminal, confirming the push: the confirmation reuses what the flow looked up", async () => {
    requests.length = 0;
    const confirms: string[] = [];
    const args = [
      "up",
      "--url",
      fake.url,
      "--token",
      fake.token,
      "--template",
      "asked",
      "--repo",
      "https://x.y/o/r",
    ];
    const { code, stderr } = await run(
      [...args, "--template-dir", join(import.meta.dirname, "../../../template")],
      {
        isTTY: { stdin: true, stdout: true, stderr: true },
        env: { XDG_CONFIG_HOME: join(home, "b"), NO_COLOR: "1" },
        home,
        confirm: async (question) => {
          confirms.push(question);
          return true;
        },
      },
    );
    expect(code, stderr).toBe(0);
    expect(confirms).toEqual([
      expect.stringMatching(/^Template "asked" is not on .*Upload ".*template" to create it\?$/),
    ]);
    expect(
      requests.filter((r) => r.startsWith("GET /api/v2/organizations/") && r.endsWith("/templates/asked")),
    ).toHaveLength(1);
    expect(repeated(requests)).toEqual({});
  });
});
