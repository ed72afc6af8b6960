/**
 * The wire types the fake shares with the SDK: only the types generated from `openapi/coder.yaml`, never logic.
 * Type-only, so the built fake has no runtime dependency on the SDK.
 */
export type {
  BuildInfoResponse,
  DynamicParametersRequest,
  DynamicParametersResponse,
  FriendlyDiagnostic,
  MatchedProvisioners,
  MinimalUser,
  Organization,
  Preset,
  PreviewParameter,
  PreviewParameterOption,
  ProvisionerJob,
  ProvisionerJobLog,
  Region,
  Response,
  Template,
  TemplateVersion,
  TemplateVersionParameter,
  TemplateVersionVariable,
  UploadResponse,
  User,
  Workspace,
  WorkspaceAgent,
  WorkspaceAgentLog,
  WorkspaceApp,
  WorkspaceBuild,
  WorkspaceBuildParameter,
  WorkspaceResource,
  WorkspaceStatus,
} from "@spt-coder/sdk";
