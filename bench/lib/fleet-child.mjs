// `upMany` as a process of its own, so that its CPU time and peak RSS are measured as the coder CLI's are.
// argv: the template name, then the workspace names. URL and token come from CODER_URL / CODER_SESSION_TOKEN.
// Prints one JSON line on stdout: the counts, the build cap, the failures, and each stage's median duration over
// the items (where an item's time goes). Exits 1 unless every item came up.

import { importSdk } from "./paths.mjs";
import { median } from "./stats.mjs";

const sdk = await importSdk();
const [template, ...names] = process.argv.slice(2);
const stages = new Map();
const summary = await sdk.upMany(
  names.map((workspace) => ({ workspace, template })),
  {
    url: process.env.CODER_URL,
    token: process.env.CODER_SESSION_TOKEN,
    onEvent: (e) => {
      if (e.type !== "flow" || e.event.type !== "stage" || e.event.state !== "done") return;
      if (!stages.has(e.event.stage)) stages.set(e.event.stage, []);
      stages.get(e.event.stage).push(e.event.durationMs);
    },
  },
);
const failed = summary.items.filter((i) => i.error).map((i) => `${i.name}: ${i.error.message}`);
const stageMedians = Object.fromEntries([...stages].map(([id, list]) => [id, median(list)]));
process.stdout.write(
  `${JSON.stringify({ ok: summary.ok, counts: summary.counts, builds: summary.concurrency.builds, failed, stages: stageMedians })}\n`,
);
process.exitCode = summary.ok ? 0 : 1;
