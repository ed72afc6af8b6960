import { unwrap } from "../client/unwrap.js";
import type { CreateTemplateRequest, Template, TemplateVersion } from "../types.js";
import { type Api, type CallInit, init } from "./api.js";
import { orUndefined } from "./not-found.js";

/** Templates. */
export function templatesResource(api: Api) {
  return {
    /** A template by name in an organization (case-insensitive); undefined on Coder's 404. */
    getByName(org: string, name: string, call?: CallInit): Promise<Template | undefined> {
      return orUndefined(
        unwrap(
          api.GET("/api/v2/organizations/{organization}/templates/{templatename}", {
            params: { path: { organization: org, templatename: name } },
            ...init(call),
          }),
        ),
      );
    },
    /** Templates of an organization (no pagination on this route). */
    list(org: string, call?: CallInit): Promise<Template[]> {
      return unwrap(
        api.GET("/api/v2/organizations/{organization}/templates", {
          params: { path: { organization: org } },
          ...init(call),
        }),
      );
    },
    /** Templates across every organization the caller may read; `q` is Coder's template search. */
    search(q?: string, call?: CallInit): Promise<Template[]> {
      return unwrap(api.GET("/api/v2/templates", { params: { query: q ? { q } : {} }, ...init(call) }));
    },
    /** A template by id. */
    get(id: string, call?: CallInit): Promise<Template> {
      return unwrap(
        api.GET("/api/v2/templates/{template}", { params: { path: { template: id } }, ...init(call) }),
      );
    },
    /** Creates a template from a version that has no template yet (Coder answers 201; 409 when the name is taken). */
    create(org: string, body: CreateTemplateRequest, call?: CallInit): Promise<Template> {
      return unwrap(
        api.POST("/api/v2/organizations/{organization}/templates", {
          params: { path: { organization: org } },
          body,
          ...init(call),
        }),
      );
    },
    /** Makes a version active; Coder answers 403 unless the version's import succeeded. */
    async promote(id: string, versionId: string, call?: CallInit): Promise<void> {
      await unwrap(
        api.PATCH("/api/v2/templates/{template}/versions", {
          params: { path: { template: id } },
          body: { id: versionId },
          ...init(call, { sptRetry: true }),
        }),
      );
    },
    /** The versions of a template, oldest first. */
    versions(id: string, call?: CallInit): Promise<TemplateVersion[]> {
      return unwrap(
        api.GET("/api/v2/templates/{template}/versions", {
          params: { path: { template: id } },
          ...init(call),
        }),
      );
    },
    /** A version by name (case-sensitive, unlike template names); undefined on 404. */
    versionByName(id: string, name: string, call?: CallInit): Promise<TemplateVersion | undefined> {
      return orUndefined(
        unwrap(
          api.GET("/api/v2/templates/{template}/versions/{templateversionname}", {
            params: { path: { template: id, templateversionname: name } },
            ...init(call),
          }),
        ),
      );
    },
    /** Deletes a template; Coder refuses (400) while workspaces use it. */
    async delete(id: string, call?: CallInit): Promise<void> {
      await unwrap(
        api.DELETE("/api/v2/templates/{template}", { params: { path: { template: id } }, ...init(call) }),
      );
    },
  };
}
