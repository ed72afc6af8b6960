/**
 * The answers a real Coder gave to the audit's requests (`audit-answers.json`), for tests that hold the fake to
 * them. The Coder they came from is in the file's `coder` key.
 */
import { readFileSync } from "node:fs";
import { type AnyJson, type Harness, waitForBuild } from "../helpers.js";

const recorded = JSON.parse(readFileSync(new URL("./audit-answers.json", import.meta.url), "utf8")) as {
  answers: Record<string, AnyJson>;
};

/** The recorded answer named `key`; a key that was never recorded is a mistake in the test. */
export function realAnswer(key: string): AnyJson {
  const found = recorded.answers[key];
  if (found === undefined) throw new Error(`no recorded answer "${key}" in audit-answers.json`);
  return found;
}

/** How a build ended, in the shape the recordings keep: its job, its values, the error lines it logged. */
export async function buildOutcome(h: Harness, buildId: string) {
  const build: AnyJson = await waitForBuild(h, buildId);
  const parameters = await (await h.api(`/api/v2/workspacebuilds/${buildId}/parameters`)).json();
  const logs: AnyJson[] = await (await h.api(`/api/v2/workspacebuilds/${buildId}/logs`)).json();
  return {
    job: { status: build.job.status, error: build.job.error },
    parameters,
    errorLogs: logs.filter((l) => l.log_level === "error").map((l) => l.output),
  };
}
