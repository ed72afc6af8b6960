/** The summary `fleet apply` prints on stdout: a table per item, or one JSON document with `-o json`. */
import type { FleetItemResult, FleetSummary } from "@spt-coder/sdk";
import type { ErrorReport } from "../report.js";
import type { Colors } from "./colors.js";
import { renderJson, renderTable } from "./table.js";

const PLANNED: Record<string, string> = {
  created: "would create",
  started: "would start",
  reused: "would reuse",
  failed: "would fail",
};

/** How a failed item's error is reported: the CLI's one mapping (report.ts), which the caller loads. */
export type ExplainError = (error: Error) => ErrorReport;

/** The summary as a table, the templates and prunes, and a totals line. */
export function renderFleetText(summary: FleetSummary, colors: Colors, explain: ExplainError): string {
  const outcome = (o: string) => (summary.dryRun ? (PLANNED[o] ?? o) : o);
  const paint = (item: FleetItemResult, text: string) =>
    ["created", "started", "reused"].includes(item.outcome)
      ? colors.green(text)
      : item.outcome === "canceled"
        ? colors.dim(text)
        : colors.red(text);
  const rows = summary.items.map((item) => [
    item.owner === "me" ? item.name : `${item.owner}/${item.name}`,
    paint(item, outcome(item.outcome)),
    detail(item, explain),
  ]);
  const parts = [renderTable(["Workspace", "Outcome", "Detail"], rows)];
  const pushed = summary.templates.filter((t) => t.outcome !== "existing");
  for (const t of pushed)
    parts.push(
      `Template ${t.name}: ${t.outcome.replace("-", " ")}${t.error ? ` (${firstLine(t.error)})` : ""}\n`,
    );
  for (const p of summary.pruned)
    parts.push(
      `Prune ${p.name}: ${p.outcome.replace("-", " ")}${p.error ? ` (${firstLine(p.error)})` : ""}\n`,
    );
  const counts = Object.entries(summary.counts)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${outcome(o)}`);
  parts.push(`${summary.items.length} workspace(s)${counts.length ? `: ${counts.join(", ")}` : ""}\n`);
  return parts.join("");
}

function detail(item: FleetItemResult, explain: ExplainError): string {
  const bits: string[] = [];
  if (item.error) bits.push(failure(explain(item.error)));
  if (item.exists.length) bits.push(`exists: ${item.exists.join(", ")}`);
  if (!item.error && item.durationMs) bits.push(`${(item.durationMs / 1000).toFixed(1)} s`);
  return bits.join("; ");
}

/** What failed, on one line: each rejected parameter and why (the report's first line only counts them). */
function failure(report: ErrorReport): string {
  if (!report.parameters?.length) return report.message.split("\n")[0] ?? report.message;
  return report.parameters.map((p) => `${p.name}: ${p.problem.join(" ")}`).join("; ");
}

function firstLine(error: Error): string {
  return error.message.split("\n")[0] ?? error.message;
}

/**
 * The summary as one JSON document, Coder's snake_case style. A failed item's `error` has the shape of the CLI's
 * own `{ "error": … }` (code, exit_code, message, validations, suggestion, parameters).
 */
export function renderFleetJson(
  summary: FleetSummary,
  explain: ExplainError,
  errorJson: (report: ErrorReport) => { error: Record<string, unknown> },
): string {
  const error = (e: Error | undefined) => (e ? errorJson(explain(e)).error : null);
  return renderJson({
    ok: summary.ok,
    dry_run: summary.dryRun,
    aborted: summary.aborted,
    counts: summary.counts,
    concurrency: {
      builds: summary.concurrency.builds,
      requests: summary.concurrency.requests ?? null,
      source: summary.concurrency.source,
      reason: summary.concurrency.reason ?? null,
    },
    items: summary.items.map((i) => ({
      name: i.name,
      owner: i.owner,
      outcome: i.outcome,
      workspace_id: i.workspace?.id ?? null,
      status: i.workspace?.latest_build.status ?? null,
      error: error(i.error),
      exists: i.exists,
      duration_ms: Math.round(i.durationMs),
    })),
    templates: summary.templates.map((t) => ({ name: t.name, outcome: t.outcome, error: error(t.error) })),
    pruned: summary.pruned.map((p) => ({
      name: p.name,
      owner: p.owner,
      outcome: p.outcome,
      error: error(p.error),
    })),
    duration_ms: Math.round(summary.durationMs),
  });
}
