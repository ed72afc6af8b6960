import { stripAnsi } from "./colors.js";

/**
 * Coder's table format: upper-case headers, columns padded with at least two spaces, no borders, so that
 * `awk '{print $1}'` still works. An empty list gives "" and the caller says "no X found".
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => stripAnsi(row[i] ?? "").length)));
  return `${all
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - stripAnsi(cell).length),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

/** One JSON document, pretty-printed with two spaces as Coder does, with a final newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Aligned `key  value` lines, for one object shown as text (`status`). */
export function renderFields(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `${key.padEnd(width)}  ${value}\n`).join("");
}
