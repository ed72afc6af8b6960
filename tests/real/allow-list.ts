// Differences between a real Coder's recorded answers and the fake's that are known and accepted, each with
// its reason. An entry names one difference exactly (scenario and sentence, as the replay prints them); an
// entry that no longer matches anything fails the replay, so the list cannot go stale.

/** One accepted difference. */
export interface Allowed {
  scenario: string;
  difference: string;
  reason: string;
}

// The lab is shared: the owner's token also made other clients' workspaces and jobs.
const SHARED_LAB =
  "the lab's Coder also ran other clients' builds (same owner), which the fleet's owner-wide reads saw; a fresh fake has only the fleet's";

export const ALLOWED: readonly Allowed[] = [
  ...[
    "GET /api/v2/organizations/{id}/provisionerdaemons 200: the answer[].current_job is object on the real Coder, null on the fake",
    "GET /api/v2/workspaces 200: workspaces[].latest_build.matched_provisioners.most_recently_seen is null|string on the real Coder, null on the fake",
    "GET /api/v2/workspaces 200: workspaces[].latest_build.template_version_preset_id is null|string on the real Coder, null on the fake",
  ].map((difference) => ({ scenario: "fleet-apply-10", difference, reason: SHARED_LAB })),
];
