// The text of the fleet benchmark's section of RESULTS.md: a table per daemon count, the targets, and what the
// provisioner daemons did meanwhile (which shows whether the client or the server set the pace).
import { table, verdict } from "./results.mjs";
import { bytes, ms, ratio, spread } from "./stats.mjs";

/** The loop's width: `coder create` processes at once. */
export const LOOP_WIDTH = 8;

/** How each subject is named in the table. */
export const SUBJECT_LABELS = {
  upmany: "`upMany`",
  apply: "`spt-coder fleet apply`",
  scaletest: "`coder exp scaletest create-workspaces --concurrency 0 --use-host-login`",
  burst: "every create request at once (`bench/lib/burst-child.mjs`)",
  loop: `shell loop of \`coder create --yes\`, ${LOOP_WIDTH} at a time`,
};

const pct = (fraction) => `${Math.round(fraction * 100)}%`;

/** How many rounds each daemon count's figures come from, and when they were run (runs are merged by count). */
function roundsOf(data) {
  return Object.entries(data)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([d, entry]) => {
      const rounds = Math.max(...Object.values(entry.subjects).map((s) => s.rounds ?? 1));
      return `${rounds} round(s) with ${d} daemon(s) (${entry.at.slice(0, 16).replace("T", " ")} UTC)`;
    })
    .join(", ");
}

/** The whole section: `data` holds every daemon count run so far, `current` this run's. */
export function fleetSection({ data, current, daemons, count, version }) {
  const rows = [];
  const targets = [];
  const notes = [];
  for (const [d, entry] of Object.entries(data).sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const usable = (s) => s && s.failures < s.rounds * entry.count;
    const scaletest = entry.subjects.scaletest;
    const burst = entry.subjects.burst;
    const loop = entry.subjects.loop;
    const versus = (v, base) => (usable(base) && usable(v) ? ratio(v.wall.median / base.wall.median) : "–");
    for (const [s, v] of Object.entries(entry.subjects)) {
      rows.push([
        SUBJECT_LABELS[s],
        d,
        usable(v) ? ms(v.wall.median) : "failed",
        usable(v) ? spread(v.wall) : "–",
        versus(v, scaletest),
        versus(v, burst),
        versus(v, loop),
        `${v.failures} of ${v.rounds * entry.count}`,
        v.requests,
        ms(v.cpuMs),
        bytes(v.maxRss),
        `${v.load.toFixed(1)} (${v.loadRange[0].toFixed(1)}–${v.loadRange[1].toFixed(1)})`,
        usable(v) ? `${pct(v.busy.ours)} / ${pct(v.busy.others)} / ${pct(v.busy.idle)}` : "–",
      ]);
      if (!usable(v) && v.error)
        notes.push(`${SUBJECT_LABELS[s]}, ${d} daemon(s): every run ended with \`${v.error}\`.`);
    }
    for (const s of ["upmany", "apply"]) {
      const v = entry.subjects[s];
      if (!v) continue;
      // Where scaletest cannot run, its strategy stands in for it: every create request at once.
      const base = usable(scaletest) ? scaletest : usable(burst) ? burst : undefined;
      const r = base && usable(v) ? v.wall.median / base.wall.median : undefined;
      const why = scaletest ? "scaletest failed" : "scaletest not run";
      targets.push({
        target: `${SUBJECT_LABELS[s]} ≤ 1.0x scaletest's time, ${d} daemon(s)`,
        measured: r === undefined ? why : base === burst ? `${ratio(r)} of all at once (${why})` : ratio(r),
        met: r === undefined ? null : r <= 1,
      });
      targets.push({
        target: `${SUBJECT_LABELS[s]}: 0 failures, ${d} daemon(s)`,
        measured: String(v.failures),
        met: v.failures === 0,
      });
    }
  }
  const scaletestBroken = Object.values(data).some((e) =>
    /neither HeaderTransport nor Transport/.test(e.subjects.scaletest?.error ?? ""),
  );
  const scaletestFixed = Object.values(data).some((e) => e.subjects.scaletest?.fixedClient);
  const stages = current.upmany?.stages;
  const body = `${count} workspaces of \`tests/real/templates/local-agent\` (${count} agent processes on this machine), Coder ${version} at a loopback URL with its built-in provisioner; the daemon count is the server's own (\`CODER_PROVISIONER_DAEMONS\`): an external \`coder provisioner start\` needs the \`external_provisioner_daemons\` feature of a premium licence. ${roundsOf(data)}, the subjects in a rotating order, every fleet deleted before the next. The wall time runs until every agent is ready (\`ready_at\`): \`upMany\` waits for ready agents, scaletest for connected ones, the loop and the all-at-once client for none (their time then ends at the last \`ready_at\`). Requests through one recording proxy for all; CPU time and peak RSS from GNU time (for the loop: all its processes' CPU, the largest one's RSS). **Daemons**: from the provisioner jobs list (\`GET /organizations/{org}/provisionerjobs\`) over the fleet's window, the share of the daemons' time spent on the fleet's own builds, on every other job (other engineers' work on the same lab, and \`coder create\`'s dry-runs), and idle: idle near 0% means the provisioners set the pace, not the client. The machine may be shared with other work (2 CPUs, ${count} agents on top): load averages beside the figures.

${table(["client", "daemons", "wall until all agents ready (median)", "spread", "vs scaletest", "vs all at once", "vs loop", "failures", "requests", "CPU time", "peak RSS", "load average", "daemons: its builds / other jobs / idle"], rows)}

${targets.map((t) => `- ${t.target}: ${t.measured} (${verdict(t.met)})`).join("\n")}
${notes.length ? `\n${notes.map((n) => `- ${n}`).join("\n")}\n` : ""}${
  scaletestBroken
    ? `
This Coder's \`coder exp scaletest create-workspaces\` cannot run at all: the CLI wraps every client's transport in a telemetry round tripper (\`cli/root.go\`, \`createHTTPClient\`), and the scaletest copies each runner's client through \`loadtestutil.DupClientCopyingHeaders\`, which accepts only an \`*http.Transport\` or a \`codersdk.HeaderTransport\` (\`scaletest/loadtestutil/client.go\`); it fails before its first workspace. What it would do before it waits is measured instead: every create request sent at once (a few lines of \`fetch\`, \`bench/lib/burst-child.mjs\`), so that Coder's queue holds the whole fleet from the start and no daemon ever waits for a client; the targets compare with that.
`
    : ""
}${
  scaletestFixed
    ? `
Upstream's \`coder exp scaletest create-workspaces\` cannot run on this Coder: the CLI wraps every client's transport in a telemetry round tripper (\`cli/root.go\`, \`createHTTPClient\`), and the scaletest copies each runner's client through \`loadtestutil.DupClientCopyingHeaders\`, which accepts only an \`*http.Transport\` or a \`codersdk.HeaderTransport\` (\`scaletest/loadtestutil/client.go\`), so it fails before its first workspace. The scaletest rows come from a build of the same commit (\`SPT_BENCH_SCALETEST_BIN\`, on this machine only) where that function starts from a fresh default transport when it meets a wrapped one; nothing else differs, and the server is the same.
`
    : ""
}${
  stages
    ? `
Where a \`upMany\` item's time goes (${daemons} daemon(s), medians over the items): ${Object.entries(stages)
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join(", ")}; the build slot is awaited inside \`create_workspace\`.
`
    : ""
}
Most frequent requests, ${daemons} daemon(s), first round:

${Object.entries(current)
  .map(([s, v]) => `- ${SUBJECT_LABELS[s]}: ${v.endpoints.map(([e, n]) => `${n} \`${e}\``).join(", ")}`)
  .join("\n")}

<!-- data:real-fleet ${JSON.stringify(data)} -->`;
  return { body, targets };
}
