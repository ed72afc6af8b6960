/**
 * The shared log handlers: coderd's `provisionerJobLogs` (import, build and dry-run jobs) and the agent log
 * endpoint. `after` filters, any `follow` upgrades to a WebSocket, `before` is ignored, `format=text` renders lines.
 */
import type { AgentLogEvent } from "../agents.js";
import { ApiError, goJson, json, TEXT_TYPE } from "../http.js";
import type { JobLogEvent } from "../jobs/engine.js";
import type { FollowStream, HandlerResult, RouteContext } from "../router.js";
import type { AgentRecord, JobRecord, WorkspaceBuildRecord } from "../state.js";

function parseAfter(ctx: RouteContext): number {
  const raw = ctx.url.searchParams.get("after");
  if (raw === null || raw === "") return 0;
  if (!/^\d+$/.test(raw)) {
    throw new ApiError(400, 'Query param "after" must be an integer.', undefined, [
      { field: "after", detail: "Must be an integer" },
    ]);
  }
  return Number(raw);
}

function parseFormat(ctx: RouteContext, follow: boolean): "json" | "text" {
  const format = ctx.url.searchParams.get("format") ?? "json";
  if (format !== "json" && format !== "text") {
    // coderd's wording does not quote the value.
    throw new ApiError(400, "Invalid format parameter.", undefined, [
      { field: "format", detail: 'Must be "json" or "text"' },
    ]);
  }
  if (format === "text" && follow) throw new ApiError(400, "Text format is not supported with follow mode.");
  return format;
}

/** RFC 3339 without fractions, as Go's `time.RFC3339` formats. */
function rfc3339(iso: string): string {
  return iso.replace(/\.\d+Z$/, "Z");
}

function textResponse(lines: string[]): Response {
  return new Response(lines.map((l) => `${l}\n`).join(""), {
    status: 200,
    headers: { "Content-Type": TEXT_TYPE },
  });
}

/** `GET .../logs` of a provisioner job. */
export function jobLogs(ctx: RouteContext, job: JobRecord): HandlerResult {
  const after = parseAfter(ctx);
  // Presence is what counts: `?follow`, `?follow=true` and `?follow=false` all follow.
  const follow = ctx.url.searchParams.has("follow");
  const format = parseFormat(ctx, follow);
  if (!follow) {
    const logs = job.logs.filter((l) => l.id > after);
    if (format === "text") {
      return textResponse(
        logs.map((l) => `${rfc3339(l.created_at)} [${l.log_level}] [${l.log_source}|${l.stage}] ${l.output}`),
      );
    }
    return json(200, logs);
  }
  const { jobs } = ctx.core;
  // A fault can make a resumed stream start a few logs early (an overlap, never a gap).
  const replay = after > 0 ? ctx.core.faults.takeLogReplay(ctx.url.pathname) : undefined;
  const start = replay ? (job.logs.filter((l) => l.id <= after).at(-replay.frames)?.id ?? 1) - 1 : after;
  const stream: FollowStream = {
    kind: "follow",
    attach(sink) {
      let last = start;
      const send = (log: JobRecord["logs"][number]) => {
        if (log.id <= last) return;
        last = log.id;
        sink.send(goJson(log));
      };
      for (const log of job.logs) send(log);
      // A job already complete (even one canceled while pending) gets its backlog and a normal close.
      if (job.completedAt) {
        sink.close(1000, "done");
        return () => {};
      }
      return jobs.bus.subscribe(job.id, (event: JobLogEvent) => {
        if (event.kind === "log") send(event.log);
        else sink.close(1000, "done");
      });
    },
  };
  return stream;
}

/** Whether an agent still belongs to its workspace's latest build. */
export function agentIsCurrent(ctx: RouteContext, agent: AgentRecord): boolean {
  const build = ctx.core.state.builds.get(agent.buildId) as WorkspaceBuildRecord;
  const workspace = ctx.core.state.workspaces.get(build.workspaceId)!;
  return ctx.core.state.latestBuild(workspace).id === build.id;
}

/** `GET /workspaceagents/{id}/logs`: follow frames are arrays; the first is always sent, even empty. */
export function agentLogs(ctx: RouteContext, agent: AgentRecord): HandlerResult {
  const after = parseAfter(ctx);
  const follow = ctx.url.searchParams.has("follow");
  const format = parseFormat(ctx, follow);
  if (!follow) {
    const logs = agent.logs.filter((l) => l.id > after);
    if (format === "text")
      return textResponse(logs.map((l) => `${rfc3339(l.created_at)} [${l.level}] ${l.output}`));
    return json(200, logs);
  }
  const current = agentIsCurrent(ctx, agent);
  const { agents } = ctx.core;
  return {
    kind: "follow",
    attach(sink) {
      let last = after;
      const fresh = (logs: AgentRecord["logs"]) => logs.filter((l) => l.id > last);
      const backlog = fresh(agent.logs);
      last = backlog.at(-1)?.id ?? last;
      sink.send(goJson(backlog));
      if (!current) {
        sink.close(1000, "");
        return () => {};
      }
      return agents.bus.subscribe(agent.id, (event: AgentLogEvent) => {
        if (event.kind === "end") {
          sink.close(1000, "");
          return;
        }
        const logs = fresh(event.logs);
        if (logs.length === 0) return;
        last = logs.at(-1)!.id;
        sink.send(goJson(logs));
      });
    },
  };
}
