// Differences between a real Coder's recorded answers and the fake's that are known and accepted, each with
// its reason. An entry names one difference exactly (scenario and sentence, as the replay prints them); an
// entry that no longer matches anything fails the replay, so the list cannot go stale.

/** One accepted difference. */
export interface Allowed {
  scenario: string;
  difference: string;
  reason: string;
}

export const ALLOWED: readonly Allowed[] = [];
