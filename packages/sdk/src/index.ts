/**
 * `@spt-coder/sdk`: a typed client for the Coder v2 REST API and the provisioning flows on top of it
 * (pack and push templates, resolve rich parameters, build workspaces, follow logs, `up`), with no coder binary.
 *
 * This file is the public surface, and only that.
 */

export * from "./archive/index.js";
export type { ClientHooks, CoderWarning, RequestTrace, RetryInfo } from "./client/hooks.js";
export { createNodeFetch } from "./client/node-fetch.js";
export type {
  DialOptions,
  RefusedUpgrade,
  SocketConnection,
  SocketHandlers,
  WebSocketDialer,
} from "./client/socket.js";
export { BUILD_VERSION_HEADER, SESSION_TOKEN_HEADER } from "./client/transport.js";
export { isLoopbackHost, normalizeCoderUrl, redactUrl } from "./client/url.js";
export { isTestedCoderVersion, TESTED_CODER_VERSIONS } from "./client/version.js";
export {
  type CoderClient,
  type CoderClientOptions,
  createCoderClient,
  SDK_VERSION,
} from "./coder-client.js";
export * from "./errors/index.js";
export { type AppUrl, workspaceAppUrls, workspaceDashboardUrl } from "./flows/apps.js";
export { type ResolveBuildOptions, type ResolvedBuild, resolveBuild } from "./flows/build-parameters.js";
export { type CreateWorkspaceOptions, createWorkspace } from "./flows/create-workspace.js";
export { type FlowEvent, type FlowEventHandler, type StageId, stage } from "./flows/events.js";
export { type ExecOptions, type ExecResult, exec, MAX_EXEC_COMMAND_BYTES } from "./flows/exec.js";
export { upMany } from "./flows/fleet.js";
export {
  DEFAULT_FLEET_BUILDS,
  DEFAULT_FLEET_REQUESTS,
  type FleetConcurrency,
  type FleetEvent,
  type FleetItemResult,
  type FleetOutcome,
  type FleetPruneResult,
  type FleetSpec,
  type FleetSummary,
  type FleetTemplateResult,
  type UpManyOptions,
} from "./flows/fleet-types.js";
export { resolveOrganization } from "./flows/organization.js";
export { type PushTemplateOptions, type PushTemplateResult, pushTemplate } from "./flows/push.js";
export { checkCoderServer } from "./flows/server-check.js";
export { type PushConfirmation, type UpOptions, type UpResult, up } from "./flows/up.js";
export { findUpdateParameterNeeds } from "./flows/update-parameters.js";
export {
  type AgentsReady,
  agentPollDelay,
  agentsOf,
  WATCH_BACKSTOP_POLL_MS,
  type WaitForAgentsOptions,
  type WaitOptions,
  waitForAgents,
  waitForBuild,
} from "./flows/wait.js";
export type { WatchTimeouts } from "./flows/watch.js";
export {
  type BuildOptions,
  deleteWorkspace,
  restartWorkspace,
  type StartOptions,
  startVersionFor,
  startWorkspace,
  stopWorkspace,
  type UpdateResult,
  updateWorkspace,
} from "./flows/workspace.js";
export {
  type FollowJobLogsOptions,
  followJobLogs,
  JOB_POLL_INTERVAL_MS,
  type JobLogStream,
  type JobRef,
  STARTED_JOB_POLL_INTERVAL_MS,
} from "./jobs/follow.js";
export { isJobTerminal } from "./jobs/job-status.js";
export { assertValidName, DEFAULT_TEMPLATE, NAME_MAX_LENGTH, nameProblem, RESERVED_NAMES } from "./names.js";
export * from "./parameters/index.js";
export { MAX_PARAMETER_VALUE_BYTES, MAX_PARAMETER_VALUES_TOTAL_BYTES } from "./parameters/limits.js";
export type { CallInit } from "./resources/api.js";
export type { ArchiveMediaType } from "./resources/files.js";
export type * from "./types.js";
