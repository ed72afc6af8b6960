import { unwrap } from "../client/unwrap.js";
import type { CreateTemplateRequest, Template, TemplateVersion } from "../types.js";
import { type Api, type CallInit, init, onPath } from "./api.js";
import { orUndefined } from "./not-found.js";

/** Templates. */
export function templatesResource(api: Api) {
  return {
    /** A template by name in an organization (case-insensitive); undefined on Coder's 404. */
    getByName(org: string, name: string, call?: CallInit): Promise<Template | undefined> {
      return orUndefined(
        unwrap(
          api.GET(
            "/api/v2/organizations/{organization}/templates/{templatename}",
            onPath({ organization: org, templatename: name }, call),
          ),
        ),
      );
    },
    /** Templates of an organization (no pagination on this route). */
    list(org: string, call?: CallInit): Promise<Template[]> {
      return unwrap(
        api.GET("/api/v2/organizations/{organization}/templates", onPath({ organization: org }, call)),
      );
    },
    /** Templates across every organization the caller may read; `q` is Coder's template search. */
    search(q?: string, call?: CallInit): Promise<Template[]> {
      return unwrap(api.GET("/api/v2/templates", { params: { query: q ? { q } : {} }, ...init(call) }));
    },
    /** A template by id. */
    get(id: string, call?: CallInit): Promise<Template> {
      return unwrap(api.GET("/api/v2/templates/{template}", onPath({ template: id }, call)));
    },
    /** Creates a template from a version that has no template yet (Coder answers 201; 409 when the name is taken). */
    create(org: string, body: CreateTemplateRequest, call?: CallInit): Promise<Template> {
      return unwrap(
        api.POST("/api/v2/organizations/{organization}/templates", {
          ...onPath({ organization: org }, call),
          body,
        }),
      );
    },
    /** Makes a version active; Coder answers 403 unless the version's import succeeded. */
    async promote(id: string, versionId: string, call?: CallInit): Promise<void> {
      await unwrap(
        api.PATCH("/api/v2/templates/{template}/versions", {
          ...onPath({ template: id }, call, { sptRetry: true }),
          body: { id: versionId },
        }),
      );
    },
    /** The versions of a template, oldest first. */
    versions(id: string, call?: CallInit): Promise<TemplateVersion[]> {
      return unwrap(api.GET("/api/v2/templates/{template}/versions", onPath({ template: id }, call)));
    },
    /** A version by name (case-sensitive, unlike template names); undefined on 404. */
    versionByName(id: string, name: string, call?: CallInit): Promise<TemplateVersion | undefined> {
      return orUndefined(
        unwrap(
          api.GET(
            "/api/v2/templates/{template}/versions/{templateversionname}",
            onPath({ template: id, templateversionname: name }, call),
          ),
        ),
      );
    },
    /** Deletes a template; Coder refuses (400) while workspaces use it. */
    async delete(id: string, call?: CallInit): Promise<void> {
      await unwrap(api.DELETE("/api/v2/templates/{template}", onPath({ template: id }, call)));
    },
  };
}
