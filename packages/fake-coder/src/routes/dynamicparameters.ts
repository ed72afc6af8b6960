/**
 * Dynamic parameters of a template version: `POST .../dynamic-parameters/evaluate` (what `coder create` calls),
 * the `.../dynamic-parameters` WebSocket (the web form: an initial answer with id -1, then one per request), and
 * `GET .../presets`. All render the uploaded HCL with the fake's evaluator.
 */
import type { DynamicParametersResponse } from "../api-types.js";
import { readBody } from "../body.js";
import { ownerData } from "../dynamic/owner.js";
import { presentPreset } from "../dynamic/presets.js";
import { renderParameters } from "../dynamic/render.js";
import { ApiError, json } from "../http.js";
import type { FollowStream, Route, RouteContext, StreamSink } from "../router.js";
import type { TemplateVersionRecord, UserRecord } from "../state.js";
import { versionParam } from "./common.js";

const NOT_FINISHED = "Template version job has not finished";

function finishedVersion(ctx: RouteContext): TemplateVersionRecord {
  const version = versionParam(ctx);
  if (!ctx.core.state.job(version.jobId).completedAt) throw new ApiError(425, NOT_FINISHED);
  return version;
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * Whose data the template sees. coderd renders for exactly the user named (the evaluate call's `owner_id`, the
 * WebSocket's `?user_id=`, which defaults to the caller there); a user it cannot read, the nil id included, is no
 * error status but an answer without parameters (`renderFor`).
 */
function ownerOf(ctx: RouteContext, id: string): UserRecord | undefined {
  const user = ctx.core.state.users.get(id.toLowerCase());
  if (!user) return undefined;
  // An owner reads every user; others read themselves (coderd also lets members of an organization read one
  // another through the membership, which the fake does not model).
  return user.id === ctx.user.id || ctx.user.roles.includes("owner") ? user : undefined;
}

/**
 * A version whose import did not succeed has no Terraform values: coderd falls back to its static renderer, which
 * knows no owner and has the stored rich parameters (none), and says why.
 */
const WITHOUT_METADATA = {
  severity: "warning",
  summary: "This template version is missing required metadata to support dynamic parameters.",
  detail: "To restore full functionality, please re-import the terraform as a new template version.",
  extra: { code: "" },
} as const;

function evaluate(
  version: TemplateVersionRecord,
  owner: UserRecord | undefined,
  id: number,
  inputs: Record<string, string>,
): DynamicParametersResponse {
  if (!version.parsed) return { id, diagnostics: [WITHOUT_METADATA], parameters: [] };
  if (!owner)
    return {
      id,
      parameters: null,
      diagnostics: [
        {
          severity: "error",
          summary: "Failed to fetch workspace owner",
          detail: "Please check your permissions or the user may not exist.",
          extra: { code: "owner_not_found" },
        },
      ],
    };
  const variables = new Map(version.variables.map((v) => [v.name, v.value]));
  const result = renderParameters(
    { docs: version.parsed?.docs ?? [], variables },
    { inputs, owner: ownerData(owner) },
  );
  return { id, diagnostics: result.diagnostics, parameters: result.parameters };
}

/** The two-way stream: every text frame is a request, answered with its id. */
function parameterStream(version: TemplateVersionRecord, owner: UserRecord | undefined): FollowStream {
  return {
    kind: "follow",
    attach(sink: StreamSink) {
      sink.send(JSON.stringify(evaluate(version, owner, -1, {})));
      return () => {};
    },
    receive(text: string, sink: StreamSink) {
      let request: { id?: unknown; inputs?: unknown };
      try {
        request = JSON.parse(text) as typeof request;
      } catch {
        sink.close(1003, "invalid JSON");
        return;
      }
      const inputs = (request.inputs ?? {}) as Record<string, string>;
      sink.send(JSON.stringify(evaluate(version, owner, Number(request.id ?? 0), inputs)));
    },
  };
}

/** The routes. */
export const dynamicParameterRoutes: Route[] = [
  {
    method: "POST",
    pattern: "/api/v2/templateversions/{templateversion}/dynamic-parameters/evaluate",
    handler: async (ctx) => {
      const version = finishedVersion(ctx);
      const req = await readBody<{ id?: number; inputs?: Record<string, string> | null; owner_id?: string }>(
        ctx.request,
        "DynamicParametersRequest",
        { id: "int", inputs: "map", owner_id: "uuid" },
      );
      // The answer's id is always 0 over HTTP, whatever the request's.
      return json(200, evaluate(version, ownerOf(ctx, req.owner_id ?? NIL_UUID), 0, req.inputs ?? {}));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/dynamic-parameters",
    handler: (ctx) => {
      const version = finishedVersion(ctx);
      const asked = ctx.url.searchParams.get("user_id");
      if (asked && asked !== "me" && !UUID.test(asked))
        throw new ApiError(400, "Invalid user_id query parameter", `invalid UUID length: ${asked.length}`);
      return parameterStream(version, ownerOf(ctx, asked && asked !== "me" ? asked : ctx.user.id));
    },
  },
  {
    method: "GET",
    pattern: "/api/v2/templateversions/{templateversion}/presets",
    handler: (ctx) => {
      const presets = versionParam(ctx).parsed?.presets ?? [];
      // Go marshals the empty (nil) slice as null.
      return json(200, presets.length ? presets.map(presentPreset) : null);
    },
  },
];
