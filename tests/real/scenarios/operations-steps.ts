// Steps the operation scenarios share: pushing a template folder with the CLI, a request with a token other than
// the owner's, and waiting on a job's log for a line (an event, never a timer).
import { type CoderClient, followJobLogs, type JobRef, type ProvisionerJobLog } from "@spt-coder/sdk";
import { expect } from "vitest";
import type { ScenarioContext } from "../support/context.js";
import { json } from "./steps.js";

/** What `spt-coder push -o json` prints. */
export interface PushJson {
  template: { id: string; name: string; active_version_id: string };
  version: { id: string; name: string };
  created: boolean;
}

/** `spt-coder push` of the folder `dir` as `template`; the new version becomes the active one. */
export async function push(ctx: ScenarioContext, template: string, dir: string): Promise<PushJson> {
  return json<PushJson>(await ctx.cli(["push", template, "-d", dir, ...ctx.vars, "--yes", "-o", "json"]));
}

/** A request through the recorder with `token` (not the owner's); the answer's status and JSON body. */
export async function callAs(ctx: ScenarioContext, token: string, method: string, path: string) {
  const answer = await fetch(new URL(path, ctx.client.url), {
    method,
    headers: { "Coder-Session-Token": token },
  });
  const text = await answer.text();
  return { status: answer.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/**
 * Follows a job's logs until `seen` matches a line, then runs `then` (the job is known to be running) and keeps
 * following to the job's end. Returns every line read. Fails when the job ended without such a line.
 */
export async function onLogLine(
  client: CoderClient,
  job: JobRef,
  seen: (log: ProvisionerJobLog) => boolean,
  then: () => Promise<void>,
): Promise<ProvisionerJobLog[]> {
  const logs: ProvisionerJobLog[] = [];
  let done = false;
  for await (const log of followJobLogs(client, { job })) {
    logs.push(log);
    if (!done && seen(log)) {
      done = true;
      await then();
    }
  }
  expect(done, `no log line of ${job.kind} ${job.id} matched: ${logs.map((l) => l.output).join(" | ")}`).toBe(
    true,
  );
  return logs;
}
