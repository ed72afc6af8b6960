// Differences between a real Coder's recorded answers and the fake's that are known and accepted, each with
// its reason. An entry names one difference exactly (scenario and sentence, as the replay prints them); an
// entry that no longer matches anything fails the replay, so the list cannot go stale.

/** One accepted difference. */
export interface Allowed {
  scenario: string;
  difference: string;
  reason: string;
}

// A cut log stream carries the frames the server had sent when the proxy cut it: how far the build was by then.
const CUT_STREAM =
  "the first log socket is cut after a few frames; the real build was still initializing when they went, the fake's whole backlog was ready";
// The order of concurrent items: compare.ts aligns exchanges as one sequence, and ten items interleave differently.
const FLEET_ORDER =
  "fleet items run concurrently (4 daemons on the lab, 3 on the fake), so creates, evaluations and prune deletions interleave in another order; each is sent once per item on both sides";
// The lab is shared: the owner's token also made other clients' workspaces and jobs.
const SHARED_LAB =
  "the lab's Coder also ran other clients' builds (same owner), which the fleet's owner-wide reads saw; a fresh fake has only the fleet's";

const fleetOrder: Allowed[] = [
  "POST /api/v2/templateversions/{id}/dynamic-parameters/evaluate → 200",
  "POST /api/v2/users/{user}/workspaces → 201",
  "POST /api/v2/workspaces/{id}/builds → 201",
].flatMap((exchange) =>
  ["real Coder", "fake"].map((side) => ({
    scenario: "fleet-apply-10",
    difference: `${exchange}: sent only to the ${side}`,
    reason: FLEET_ORDER,
  })),
);

export const ALLOWED: readonly Allowed[] = [
  {
    scenario: "logs-reconnect",
    difference:
      'GET /api/v2/workspacebuilds/{id}/logs (WebSocket): log stages ["Setting up","Initializing Terraform Directory"] on the real Coder, ["Setting up","Initializing Terraform Directory","Planning Infrastructure"] on the fake',
    reason: CUT_STREAM,
  },
  ...fleetOrder,
  ...[
    "GET /api/v2/organizations/{id}/provisionerdaemons 200: the answer[].current_job is object on the real Coder, null on the fake",
    "GET /api/v2/workspaces 200: workspaces[].latest_build.matched_provisioners.most_recently_seen is null|string on the real Coder, null on the fake",
    "GET /api/v2/workspaces 200: workspaces[].latest_build.template_version_preset_id is null|string on the real Coder, null on the fake",
  ].map((difference) => ({ scenario: "fleet-apply-10", difference, reason: SHARED_LAB })),
];
