// Friendly names for the wire types generated from openapi/coder.yaml (see `pnpm gen`).
// Kept by hand so each alias can say what matters about it; tests/contract/coverage.test.ts
// checks that every schema of the contract has an alias here.
import type { components } from "./generated/coder.js";

export type { components, operations, paths } from "./generated/coder.js";

type Schemas = components["schemas"];

/** A subsystem an agent runs inside. */
export type AgentSubsystem = Schemas["AgentSubsystem"];
/** Whether a workspace follows the template's active version on start. */
export type AutomaticUpdates = Schemas["AutomaticUpdates"];
/** `GET /api/v2/buildinfo`: server version, access URL and deployment id. */
export type BuildInfoResponse = Schemas["BuildInfoResponse"];
/** Why a build was created. */
export type BuildReason = Schemas["BuildReason"];
/** How workspace apps of a template handle CORS. */
export type CORSBehavior = Schemas["CORSBehavior"];
/** Body of `POST /organizations/{org}/templates` (note `dormant_ttl_ms`/`delete_ttl_ms` naming). */
export type CreateTemplateRequest = Schemas["CreateTemplateRequest"];
export type UpdateTemplateMeta = Schemas["UpdateTemplateMeta"];
/** Body of `POST /templateversions/{id}/dry-run`. */
export type CreateTemplateVersionDryRunRequest = Schemas["CreateTemplateVersionDryRunRequest"];
/** Body of `POST /organizations/{org}/templateversions`. */
export type CreateTemplateVersionRequest = Schemas["CreateTemplateVersionRequest"];
/** A start build to run after a successful stop (restart). */
export type CreateWorkspaceBuildOnSuccessRequest = Schemas["CreateWorkspaceBuildOnSuccessRequest"];
/** Reasons a client may give when creating a build. */
export type CreateWorkspaceBuildReason = Schemas["CreateWorkspaceBuildReason"];
/** Body of `POST /workspaces/{id}/builds`; without `template_version_id` the previous build's version is reused. */
export type CreateWorkspaceBuildRequest = Schemas["CreateWorkspaceBuildRequest"];
/** Body of `POST /users/{user}/workspaces`; exactly one of `template_id` or `template_version_id`. */
export type CreateWorkspaceRequest = Schemas["CreateWorkspaceRequest"];
/** Latency to one DERP region. */
export type DERPRegion = Schemas["DERPRegion"];
/** Extra data of a diagnostic. */
export type DiagnosticExtra = Schemas["DiagnosticExtra"];
/** Severity of a dynamic-parameter diagnostic. */
export type DiagnosticSeverityString = Schemas["DiagnosticSeverityString"];
/** A built-in app an agent shows. */
export type DisplayApp = Schemas["DisplayApp"];
/** Body of `POST /templateversions/{id}/dynamic-parameters/evaluate`. */
export type DynamicParametersRequest = Schemas["DynamicParametersRequest"];
/** Evaluated dynamic parameters and diagnostics. */
export type DynamicParametersResponse = Schemas["DynamicParametersResponse"];
/** A diagnostic from the dynamic-parameter engine. */
export type FriendlyDiagnostic = Schemas["FriendlyDiagnostic"];
/** Answer of `POST /users/{user}/keys`: a new session token. */
export type GenerateAPIKeyResponse = Schemas["GenerateAPIKeyResponse"];
/** Health check settings of an app. */
export type Healthcheck = Schemas["Healthcheck"];
/** Machine-readable reason a job failed, e.g. `REQUIRED_TEMPLATE_VARIABLES`. */
export type JobErrorCode = Schemas["JobErrorCode"];
/** Level of a provisioner or agent log line. */
export type LogLevel = Schemas["LogLevel"];
/** Who wrote a provisioner log line. */
export type LogSource = Schemas["LogSource"];
/** How a user signs in. */
export type LoginType = Schemas["LoginType"];
/** How many provisioner daemons can take a job; `count == 0` means it will never start. */
export type MatchedProvisioners = Schemas["MatchedProvisioners"];
/** A provisioner daemon of an organization, with its status and current job. */
export type ProvisionerDaemon = Schemas["ProvisionerDaemon"];
/** A job as a provisioner daemon list shows it. */
export type ProvisionerDaemonJob = Schemas["ProvisionerDaemonJob"];
/** `offline` (not seen lately), `idle` or `busy`. */
export type ProvisionerDaemonStatus = Schemas["ProvisionerDaemonStatus"];
/** The short user reference embedded in other objects (e.g. `TemplateVersion.created_by`). */
export type MinimalUser = Schemas["MinimalUser"];
/** A value from the dynamic-parameter engine, with validity. */
export type NullHCLString = Schemas["NullHCLString"];
/** Type of a dynamic parameter. */
export type OptionType = Schemas["OptionType"];
/** An organization; `is_default` marks the one the `default` path alias resolves to. */
export type Organization = Schemas["Organization"];
/** How the dashboard renders a parameter. */
export type ParameterFormType = Schemas["ParameterFormType"];
/** A parameter preset of a version (PascalCase keys on the wire). */
export type Preset = Schemas["Preset"];
/** A parameter value fixed by a preset (PascalCase keys on the wire). */
export type PresetParameter = Schemas["PresetParameter"];
/** A dynamic parameter as evaluated for given inputs. */
export type PreviewParameter = Schemas["PreviewParameter"];
/** One option of a dynamic parameter. */
export type PreviewParameterOption = Schemas["PreviewParameterOption"];
/** A validation rule of a dynamic parameter. */
export type PreviewParameterValidation = Schemas["PreviewParameterValidation"];
/** Display hints of a dynamic parameter (`styling` in the template). */
export type PreviewParameterStyling = Schemas["PreviewParameterStyling"];
/** An import, build or dry-run job; `started_at`/`completed_at`/`canceled_at` are absent until set. */
export type ProvisionerJob = Schemas["ProvisionerJob"];
/** What a job was created for. */
export type ProvisionerJobInput = Schemas["ProvisionerJobInput"];
/** One provisioner log line; `id` is the cursor for `after`. */
export type ProvisionerJobLog = Schemas["ProvisionerJobLog"];
/** Names of the template (and workspace) a job belongs to. */
export type ProvisionerJobMetadata = Schemas["ProvisionerJobMetadata"];
/** Status of a provisioner job as the server really sends it (never `unknown`). */
export type ProvisionerJobStatus = Schemas["ProvisionerJobStatus"];
/** What a provisioner job does. */
export type ProvisionerJobType = Schemas["ProvisionerJobType"];
/** Provisioner log level a build may ask for (admins only). */
export type ProvisionerLogLevel = Schemas["ProvisionerLogLevel"];
/** Where a version's source lives (always `file`). */
export type ProvisionerStorageMethod = Schemas["ProvisionerStorageMethod"];
/** A region; `wildcard_hostname` and `path_app_url` build app links. */
export type Region = Schemas["Region"];
/** Answer of `GET /api/v2/regions`. */
export type RegionsResponse = Schemas["RegionsResponse"];
/** Coder's error body (and the body of a few message-only answers): `message`, optional `detail` and `validations`. */
export type Response = Schemas["Response"];
/** One frame of `GET /workspaces/{id}/watch-ws`. */
export type ServerSentEvent = Schemas["ServerSentEvent"];
/** Kind of a watch-ws frame. */
export type ServerSentEventType = Schemas["ServerSentEventType"];
/** A role name as listed on a user. */
export type SlimRole = Schemas["SlimRole"];
/** A template; `active_version_id` is what new workspaces build from. */
export type Template = Schemas["Template"];
/** Days on which workspaces may autostart. */
export type TemplateAutostartRequirement = Schemas["TemplateAutostartRequirement"];
/** Days (and week interval) on which workspaces must stop. */
export type TemplateAutostopRequirement = Schemas["TemplateAutostopRequirement"];
/** Build time percentiles keyed by transition. */
export type TemplateBuildTimeStats = Schemas["TemplateBuildTimeStats"];
/** A template version; `job` is its import job, `template_id` is the nil UUID while unattached. */
export type TemplateVersion = Schemas["TemplateVersion"];
/** An external-auth provider a version needs, and whether the user is linked. */
export type TemplateVersionExternalAuth = Schemas["TemplateVersionExternalAuth"];
/** A workspace (rich) parameter; every value is a string. */
export type TemplateVersionParameter = Schemas["TemplateVersionParameter"];
/** One allowed value of a parameter. */
export type TemplateVersionParameterOption = Schemas["TemplateVersionParameterOption"];
/** A Terraform variable of a version; sensitive values read `*redacted*`. */
export type TemplateVersionVariable = Schemas["TemplateVersionVariable"];
/** Warning attached to a template version. */
export type TemplateVersionWarning = Schemas["TemplateVersionWarning"];
/** Build time percentiles in milliseconds, null while unknown. */
export type TransitionStats = Schemas["TransitionStats"];
/** Body of `PUT /workspaces/{id}/autostart`; an empty schedule turns autostart off. */
export type UpdateWorkspaceAutostartRequest = Schemas["UpdateWorkspaceAutostartRequest"];
/** Body of `PUT /workspaces/{id}/ttl`; `ttl_ms: null` turns autostop off. */
export type UpdateWorkspaceTTLRequest = Schemas["UpdateWorkspaceTTLRequest"];
/** Body of `PUT /workspaces/{id}/extend`: the new deadline of the running build. */
export type PutExtendWorkspaceRequest = Schemas["PutExtendWorkspaceRequest"];
/** Body of `PUT /workspaces/{id}/autoupdates`. */
export type UpdateWorkspaceAutomaticUpdatesRequest = Schemas["UpdateWorkspaceAutomaticUpdatesRequest"];
/** Body of the promote call, `PATCH /templates/{id}/versions`. */
export type UpdateActiveTemplateVersion = Schemas["UpdateActiveTemplateVersion"];
/** Answer of `POST /api/v2/files`; `hash` is the file ID (a UUID), not a hash. */
export type UploadResponse = Schemas["UploadResponse"];
/** A Coder user, as returned for `users/me`. */
export type User = Schemas["User"];
/** Account state of a user. */
export type UserStatus = Schemas["UserStatus"];
/** One rejected field of a 400: `field` is the JSON field name. */
export type ValidationError = Schemas["ValidationError"];
/** Direction a monotonic number parameter may move. */
export type ValidationMonotonicOrder = Schemas["ValidationMonotonicOrder"];
/** A Terraform variable value sent with a new version. */
export type VariableValue = Schemas["VariableValue"];
/** A workspace; `deleting_at`/`dormant_at`/`next_start_at` are present but may be null, `ttl_ms`/`autostart_schedule` may be absent. */
export type Workspace = Schemas["Workspace"];
/** An agent of a running workspace; ready when `connected` and `ready`. */
export type WorkspaceAgent = Schemas["WorkspaceAgent"];
/** Health of an agent. */
export type WorkspaceAgentHealth = Schemas["WorkspaceAgentHealth"];
/** Startup/shutdown state of an agent; `ready` is the goal. */
export type WorkspaceAgentLifecycle = Schemas["WorkspaceAgentLifecycle"];
/** One agent log line (follow frames carry arrays of these). */
export type WorkspaceAgentLog = Schemas["WorkspaceAgentLog"];
/** A source (script) of agent logs. */
export type WorkspaceAgentLogSource = Schemas["WorkspaceAgentLogSource"];
/** An agent metadata item and its value. */
export type WorkspaceAgentMetadata = Schemas["WorkspaceAgentMetadata"];
/** Definition of an agent metadata item. */
export type WorkspaceAgentMetadataDescription = Schemas["WorkspaceAgentMetadataDescription"];
/** Latest value of an agent metadata item. */
export type WorkspaceAgentMetadataResult = Schemas["WorkspaceAgentMetadataResult"];
/** Most open sharing level a template allows for ports. */
export type WorkspaceAgentPortShareLevel = Schemas["WorkspaceAgentPortShareLevel"];
/** A script the agent runs. */
export type WorkspaceAgentScript = Schemas["WorkspaceAgentScript"];
/** Outcome of an agent script. */
export type WorkspaceAgentScriptStatus = Schemas["WorkspaceAgentScriptStatus"];
/** Deprecated: whether the startup script blocks login. */
export type WorkspaceAgentStartupScriptBehavior = Schemas["WorkspaceAgentStartupScriptBehavior"];
/** Connection state of an agent (`timeout` is not terminal). */
export type WorkspaceAgentStatus = Schemas["WorkspaceAgentStatus"];
/** An app of an agent; `url` is the address inside the workspace, not the public link. */
export type WorkspaceApp = Schemas["WorkspaceApp"];
/** Health of a workspace app. */
export type WorkspaceAppHealth = Schemas["WorkspaceAppHealth"];
/** Where the dashboard opens an app. */
export type WorkspaceAppOpenIn = Schemas["WorkspaceAppOpenIn"];
/** Who may open a workspace app. */
export type WorkspaceAppSharingLevel = Schemas["WorkspaceAppSharingLevel"];
/** A status an app reported. */
export type WorkspaceAppStatus = Schemas["WorkspaceAppStatus"];
/** State reported by an app (AI task apps). */
export type WorkspaceAppStatusState = Schemas["WorkspaceAppStatusState"];
/** A build; `deadline`, `max_deadline` and `template_version_preset_id` are always present, maybe null. */
export type WorkspaceBuild = Schemas["WorkspaceBuild"];
/** A parameter value for a build; always a string. */
export type WorkspaceBuildParameter = Schemas["WorkspaceBuildParameter"];
/** Health of a workspace's agents. */
export type WorkspaceHealth = Schemas["WorkspaceHealth"];
/** A resource of a build or import, with its agents. */
export type WorkspaceResource = Schemas["WorkspaceResource"];
/** A key/value annotation on a resource. */
export type WorkspaceResourceMetadata = Schemas["WorkspaceResourceMetadata"];
/** Status of a build, derived from its job status and transition. */
export type WorkspaceStatus = Schemas["WorkspaceStatus"];
/** What a build does: start, stop or delete. */
export type WorkspaceTransition = Schemas["WorkspaceTransition"];
/** A page of workspaces plus the total count. */
export type WorkspacesResponse = Schemas["WorkspacesResponse"];
