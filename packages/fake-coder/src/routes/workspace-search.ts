/** The workspace search query of `GET /workspaces` (`searchquery.Workspaces`). */
import { ApiError, type Validation } from "../http.js";
import type { RouteContext } from "../router.js";
import type { WorkspaceRecord } from "../state.js";
import { canReadWorkspace } from "./common.js";

type Check = (w: WorkspaceRecord) => boolean;

/** Is `w` owned by `value` (a lowercased username, or `me`)? */
function ownerMatches(ctx: RouteContext, w: WorkspaceRecord, value: string): boolean {
  return value === "me"
    ? w.ownerId === ctx.user.id
    : ctx.core.state.users.get(w.ownerId)?.username.toLowerCase() === value;
}

/** One check per `key:value` term coderd knows; `deleted` is not among them, it switches which rows are searched. */
const TERMS = new Map<string, (ctx: RouteContext, value: string) => Check>([
  ["owner", (ctx, value) => (w) => ownerMatches(ctx, w, value)],
  [
    "template",
    ({ core: { state } }, value) =>
      (w) =>
        state.templates.get(w.templateId)?.name.toLowerCase() === value,
  ],
  ["name", (_ctx, value) => (w) => w.name.toLowerCase().includes(value)],
  [
    "status",
    ({ core: { state, presenter } }, value) =>
      (w) =>
        presenter.buildStatus(state.latestBuild(w)) === value,
  ],
  ["id", (_ctx, value) => (w) => w.id === value],
  [
    "organization",
    ({ core: { state } }, value) =>
      (w) => {
        const org = state.organizations.get(w.organizationId)!;
        return org.name.toLowerCase() === value || org.id === value;
      },
  ],
  [
    "outdated",
    ({ core: { state } }, value) =>
      (w) =>
        (state.latestBuild(w).templateVersionId !== state.templates.get(w.templateId)!.activeVersionId) ===
        (value === "true"),
  ],
  [
    "has-agent",
    ({ core: { state, presenter } }, value) =>
      (w) => {
        const agents = state.latestBuild(w).resources.flatMap((r) => r.agentIds);
        return agents.some((id) => presenter.agent(state.agents.get(id)!).status === value);
      },
  ],
]);

/** `searchquery.Workspaces`: lowercased `key:value` terms; a bare term is a name, `owner/name` both. */
export function workspaceFilter(ctx: RouteContext, q: string): Check {
  const checks: Check[] = [];
  const problems: Validation[] = [];
  let deleted = false;
  for (const term of q.toLowerCase().split(/\s+/).filter(Boolean)) {
    const colon = term.indexOf(":");
    if (colon < 0) {
      const [a, b] = term.split("/");
      if (b !== undefined) checks.push((w) => ownerMatches(ctx, w, a!) && w.name.toLowerCase().includes(b));
      else checks.push((w) => w.name.toLowerCase().includes(term));
      continue;
    }
    const key = term.slice(0, colon);
    const value = term.slice(colon + 1);
    const check = TERMS.get(key);
    if (key === "deleted") deleted = value === "true";
    else if (check) checks.push(check(ctx, value));
    else problems.push({ field: key, detail: `"${key}" is not a valid query param` });
  }
  if (problems.length > 0) throw new ApiError(400, "Invalid workspace search query.", undefined, problems);
  return (w) => w.deleted === deleted && canReadWorkspace(ctx, w) && checks.every((c) => c(w));
}
