// Differences between a real Coder's recorded answers and the fake's that are known and accepted, each with
// its reason. An entry names one difference exactly (scenario and sentence, as the replay prints them); an
// entry that no longer matches anything fails the replay, so the list cannot go stale.

/** One accepted difference. */
export interface Allowed {
  scenario: string;
  difference: string;
  reason: string;
}

// The states a loaded real Coder was seen in and the fake (whose jobs start and agents connect at once) never is.
const PENDING_IMPORT =
  "matched_provisioners is omitempty and only set while the import job is pending (coderd's templateVersion); the real Coder answered while the job still waited, the fake's job is running by the first read (the fake omits it otherwise, as coderd does)";
const AGENT_NOT_YET =
  "first_connected_at and last_connected_at are omitempty and the real agent had not connected when the build was read; the fake's agent connects as the build ends";
// The order of concurrent items: compare.ts aligns exchanges as one sequence, and ten items interleave differently.
const FLEET_ORDER =
  "fleet items run concurrently (4 daemons on the lab, 3 on the fake), so creates, evaluations and prune deletions interleave in another order; each is sent once per item on both sides";
// The lab is shared: the owner's token also made other clients' workspaces and jobs.
const SHARED_LAB =
  "the lab's Coder also ran other clients' builds (same owner), which the fleet's owner-wide reads saw; a fresh fake has only the fleet's";

const matched = (scenario: string): Allowed => ({
  scenario,
  difference:
    "GET /api/v2/templateversions/{id} 200: the answer has matched_provisioners on the real Coder, not on the fake",
  reason: PENDING_IMPORT,
});
const agentTimes = (scenario: string): Allowed[] =>
  ["first_connected_at", "last_connected_at"].map((key) => ({
    scenario,
    difference: `GET /api/v2/workspacebuilds/{id} 200: resources[].agents[] has ${key} on the fake, not on the real Coder`,
    reason: AGENT_NOT_YET,
  }));
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
  ...["cancel-build", "cancel-import", "fleet-apply-10", "logs-reconnect", "schedules", "versions"].map(
    matched,
  ),
  ...agentTimes("logs-reconnect"),
  ...agentTimes("schedules"),
  ...fleetOrder,
  ...[
    "GET /api/v2/organizations/{id}/provisionerdaemons 200: the answer[].current_job is object on the real Coder, null on the fake",
    "GET /api/v2/workspaces 200: workspaces[].latest_build.matched_provisioners.most_recently_seen is null|string on the real Coder, null on the fake",
    "GET /api/v2/workspaces 200: workspaces[].latest_build.template_version_preset_id is null|string on the real Coder, null on the fake",
  ].map((difference) => ({ scenario: "fleet-apply-10", difference, reason: SHARED_LAB })),
];
