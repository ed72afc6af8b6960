/**
 * Workspace agents after a start build: they connect (connecting → connected) and run their startup scripts
 * (created → starting → ready), one step apart, writing startup logs. Stop and delete builds shut them down.
 */
import { Bus } from "./bus.js";
import type { Clock } from "./clock.js";
import type { Faults } from "./faults.js";
import { newId, nowIso } from "./ids.js";
import type { AgentLogRecord, AgentRecord, AppRecord, FakeState, LogLevel, ResourceRecord } from "./state.js";
import type { TemplateAgent } from "./template-model.js";

/** What agent-log followers hear: new logs, or "this agent left the latest build". */
export type AgentLogEvent = { kind: "logs"; logs: AgentLogRecord[] } | { kind: "end" };

/** `status` as coderd computes it on every read (`database.WorkspaceAgent.Status`). */
export function agentStatus(
  agent: AgentRecord,
  now = Date.now(),
): "connecting" | "connected" | "disconnected" | "timeout" {
  if (!agent.firstConnectedAt) {
    const age = (now - Date.parse(agent.createdAt)) / 1000;
    return agent.connectionTimeoutSeconds > 0 && age > agent.connectionTimeoutSeconds
      ? "timeout"
      : "connecting";
  }
  if (agent.disconnectedAt && Date.parse(agent.disconnectedAt) >= Date.parse(agent.lastConnectedAt ?? "")) {
    return "disconnected";
  }
  return "connected";
}

/** Drives agent lifecycles and holds the agent log bus. */
export class AgentEngine {
  readonly bus = new Bus<AgentLogEvent>();
  private nextLogId = 1;

  constructor(
    private readonly state: FakeState,
    private readonly clock: Clock,
    private readonly faults: Faults,
  ) {}

  /** Creates the agent records of a succeeded start build and starts their lifecycles. */
  createAgents(buildId: string, resource: ResourceRecord, templates: TemplateAgent[]): AgentRecord[] {
    return templates.map((t) => {
      const now = nowIso();
      const agent: AgentRecord = {
        id: newId(),
        name: t.name,
        resourceId: resource.id,
        buildId,
        createdAt: now,
        updatedAt: now,
        lifecycle: "created",
        os: t.os,
        architecture: t.arch,
        directory: t.dir,
        connectionTimeoutSeconds: t.connectionTimeoutSeconds,
        troubleshootingUrl: t.troubleshootingUrl,
        env: t.env,
        displayApps: t.displayApps,
        apps: t.apps.map((a): AppRecord => ({ id: newId(), ...a })),
        logSourceId: newId(),
        logs: [],
        neverConnects: false,
      };
      this.state.agents.set(agent.id, agent);
      resource.agentIds.push(agent.id);
      void this.runLifecycle(agent, t.startupScript);
      return agent;
    });
  }

  private async runLifecycle(agent: AgentRecord, startupScript: string): Promise<void> {
    const outcome = this.faults.takeAgentRule()?.outcome;
    if (outcome === "never_connects") {
      agent.neverConnects = true;
      return;
    }
    await this.clock.sleep();
    if (agent.lifecycle !== "created") return;
    const connected = nowIso();
    agent.firstConnectedAt = connected;
    agent.lastConnectedAt = connected;
    agent.lifecycle = "starting";
    agent.startedAt = connected;
    agent.updatedAt = connected;
    this.log(agent, "info", "Running startup script");
    for (const line of startupScript
      .split("\n")
      .filter((l) => l.trim() && !l.trim().startsWith("#"))
      .slice(0, 5)) {
      this.log(agent, "info", `+ ${line.trim()}`);
    }
    await this.clock.sleep();
    if (agent.lifecycle !== "starting") return;
    if (outcome === "start_error") {
      this.log(agent, "error", "Startup script exited with an error (exit status 1)");
      agent.lifecycle = "start_error";
    } else if (outcome === "start_timeout") {
      this.log(agent, "warn", "Startup script timed out");
      agent.lifecycle = "start_timeout";
    } else {
      this.log(agent, "info", "Startup script completed");
      agent.lifecycle = "ready";
      agent.readyAt = nowIso();
    }
    agent.updatedAt = nowIso();
  }

  /** The workspace is stopping: its agents shut down. */
  beginShutdown(agentIds: string[]): void {
    for (const id of agentIds) {
      const agent = this.state.agents.get(id);
      if (!agent || agent.lifecycle === "off") continue;
      agent.lifecycle = "shutting_down";
      agent.updatedAt = nowIso();
    }
  }

  /** The stop or delete finished: agents are off and disconnected. */
  finishShutdown(agentIds: string[]): void {
    for (const id of agentIds) {
      const agent = this.state.agents.get(id);
      if (!agent) continue;
      agent.lifecycle = "off";
      if (agent.firstConnectedAt) agent.disconnectedAt = nowIso();
      agent.updatedAt = nowIso();
    }
  }

  /** An agent is no longer in its workspace's latest build: followers of its logs are done. */
  retire(agentIds: string[]): void {
    for (const id of agentIds) this.bus.publish(id, { kind: "end" });
  }

  private log(agent: AgentRecord, level: LogLevel, output: string): void {
    const log: AgentLogRecord = {
      id: this.nextLogId++,
      created_at: nowIso(),
      output,
      level,
      source_id: agent.logSourceId,
    };
    agent.logs.push(log);
    this.bus.publish(agent.id, { kind: "logs", logs: [log] });
  }
}
