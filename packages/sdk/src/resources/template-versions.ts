import { unwrap } from "../client/unwrap.js";
import type {
  CreateTemplateVersionRequest,
  DynamicParametersRequest,
  DynamicParametersResponse,
  Preset,
  ProvisionerJobLog,
  TemplateVersion,
  TemplateVersionExternalAuth,
  TemplateVersionParameter,
  TemplateVersionVariable,
  WorkspaceResource,
} from "../types.js";
import { type Api, type CallInit, init, onPath } from "./api.js";

/** Template versions and their import jobs. */
export function templateVersionsResource(api: Api) {
  return {
    /**
     * Creates a version from an uploaded file and starts its import job (201). Without `template_id` the version
     * is free-standing and can become a new template. Coder may parse the Terraform synchronously and answer 400
     * with `validations` (bad HCL, bad workspace tags) before any job exists.
     */
    create(org: string, body: CreateTemplateVersionRequest, call?: CallInit): Promise<TemplateVersion> {
      return unwrap(
        api.POST("/api/v2/organizations/{organization}/templateversions", {
          ...onPath({ organization: org }, call),
          body,
        }),
      );
    },
    /** A version with its job. */
    get(id: string, call?: CallInit): Promise<TemplateVersion> {
      return unwrap(
        api.GET("/api/v2/templateversions/{templateversion}", onPath({ templateversion: id }, call)),
      );
    },
    /** Import logs after log id `after` (a plain list; follow them with `followJobLogs`). */
    async logs(id: string, after = 0, call?: CallInit): Promise<ProvisionerJobLog[]> {
      // Without `format=text` the answer is always the JSON array (the contract also lists the text form).
      const logs = await unwrap(
        api.GET("/api/v2/templateversions/{templateversion}/logs", {
          params: { path: { templateversion: id }, query: { after } },
          ...init(call),
        }),
      );
      return logs as ProvisionerJobLog[];
    },
    /** Cancels the import job. A pending job is completed at once; a running one is asked to stop. */
    async cancel(id: string, call?: CallInit): Promise<void> {
      await unwrap(
        api.PATCH("/api/v2/templateversions/{templateversion}/cancel", onPath({ templateversion: id }, call)),
      );
    },
    /** Terraform variables; 403 until the job completes (sensitive values come back as `*redacted*`). */
    variables(id: string, call?: CallInit): Promise<TemplateVersionVariable[]> {
      return unwrap(
        api.GET(
          "/api/v2/templateversions/{templateversion}/variables",
          onPath({ templateversion: id }, call),
        ),
      );
    },
    /** Rich parameters; 425 Too Early until the job completes. */
    richParameters(id: string, call?: CallInit): Promise<TemplateVersionParameter[]> {
      return unwrap(
        api.GET(
          "/api/v2/templateversions/{templateversion}/rich-parameters",
          onPath({ templateversion: id }, call),
        ),
      );
    },
    /** External-auth providers the template needs, and whether the caller linked them. */
    externalAuth(id: string, call?: CallInit): Promise<TemplateVersionExternalAuth[]> {
      return unwrap(
        api.GET(
          "/api/v2/templateversions/{templateversion}/external-auth",
          onPath({ templateversion: id }, call),
        ),
      );
    },
    /** Resources the import found; 400 until the job completes. */
    resources(id: string, call?: CallInit): Promise<WorkspaceResource[]> {
      return unwrap(
        api.GET(
          "/api/v2/templateversions/{templateversion}/resources",
          onPath({ templateversion: id }, call),
        ),
      );
    },
    /**
     * Renders a dynamic-parameter template for `inputs` and the owner (`owner_id`, default the caller), as
     * `coder create` does. An older Coder without the endpoint answers 404.
     */
    evaluateDynamicParameters(
      id: string,
      body: DynamicParametersRequest,
      call?: CallInit,
    ): Promise<DynamicParametersResponse> {
      return unwrap(
        api.POST("/api/v2/templateversions/{templateversion}/dynamic-parameters/evaluate", {
          // A render has no side effects, so a lost answer may be asked again.
          ...onPath({ templateversion: id }, call, { sptRetry: true }),
          body,
        }),
      );
    },
    /**
     * Archives a version: hidden from lists, never buildable or promotable. Coder refuses (a 500 whose detail
     * says so) when the version is active or the latest build of a live workspace uses it.
     */
    async archive(id: string, call?: CallInit): Promise<void> {
      await unwrap(
        api.POST("/api/v2/templateversions/{templateversion}/archive", onPath({ templateversion: id }, call)),
      );
    },
    /** Unarchives a version; a 400 when it is not archived. */
    async unarchive(id: string, call?: CallInit): Promise<void> {
      await unwrap(
        api.POST(
          "/api/v2/templateversions/{templateversion}/unarchive",
          onPath({ templateversion: id }, call),
        ),
      );
    },
    /** Presets; Coder answers JSON `null` when there are none, which this returns as `[]`. */
    async presets(id: string, call?: CallInit): Promise<Preset[]> {
      const presets = await unwrap(
        api.GET("/api/v2/templateversions/{templateversion}/presets", onPath({ templateversion: id }, call)),
      );
      return presets ?? [];
    },
  };
}
