/**
 * Where a block is in a template's files, as Terraform and coder/preview point at it (hcl2json keeps no
 * positions), and Terraform's error diagnostics as the provisioner logs them.
 */

/** A template file's name and text. */
export interface SourceFile {
  path: string;
  source: string;
}

/** A block's first line: its file (and index among the files), 1-based line and column, the line's text. */
export interface BlockSite {
  file: string;
  index: number;
  offset: number;
  line: number;
  column: number;
  text: string;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The first block `kind "label" ...` (e.g. `data`, `coder_parameter`, `disk`) across the files, in order. */
export function blockSite(
  files: readonly SourceFile[],
  kind: string,
  labels: string[],
): BlockSite | undefined {
  const quoted = labels.map((l) => `\\s+"${literal(l)}"`).join("");
  const re = new RegExp(`(^|\\n)([ \\t]*)${literal(kind)}${quoted}`);
  for (let index = 0; index < files.length; index++) {
    const { path, source } = files[index]!;
    const m = re.exec(source);
    if (!m) continue;
    const offset = m.index + m[1]!.length + m[2]!.length;
    const before = source.slice(0, offset);
    const line = before.split("\n").length;
    const text = source.split("\n")[line - 1] ?? "";
    return { file: path, index, offset, line, column: m[2]!.length + 1, text };
  }
  return undefined;
}

/** `main.tf:6,1-5`: hcl.Range's text for the block's type keyword (`data`, 4 characters). */
export function typeRange(site: BlockSite, kind: string): string {
  return `${site.file}:${site.line},${site.column}-${site.column + kind.length}`;
}

/**
 * An error diagnostic of `terraform plan` as coder's provisioner logs it, one log line each: the summary, where
 * (`on main.tf line 6, in data "coder_parameter" "disk":`), the source line, a blank line, the detail.
 */
export function terraformErrorLines(
  summary: string,
  detail: string,
  site: BlockSite | undefined,
  address: string,
): string[] {
  if (!site) return [`Error: ${summary}`, "", detail];
  return [
    `Error: ${summary}`,
    `on ${site.file} line ${site.line}, in ${address}:`,
    `  ${site.line}: ${site.text}`,
    "",
    detail,
  ];
}
