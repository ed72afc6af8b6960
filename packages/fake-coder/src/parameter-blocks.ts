/**
 * Problems with the `data "coder_parameter"` blocks themselves, which no value can fix: a block without `name`,
 * and two blocks with the same name. coder/preview reports them when a dynamic template's version is created
 * (coderd answers 400 and creates nothing); a classic template's import reaches Terraform, where a block without
 * `name` fails the plan and a repeated name fails the provisioner's state conversion.
 */
import { type Json, type ParsedFile, str, typedBlocks } from "./hcl.js";
import { type BlockSite, blockSite, terraformErrorLines, typeRange } from "./hcl-sites.js";

/** An error diagnostic as coder/preview gives it. */
export interface BlockDiagnostic {
  summary: string;
  detail: string;
}

interface ParameterBlock {
  label: string;
  name: string | undefined;
  site: BlockSite | undefined;
}

function parameterBlocks(files: ParsedFile[]): ParameterBlock[] {
  const found = typedBlocks(
    files.map((f) => f.doc),
    "data",
    "coder_parameter",
  ).map(([label, body]: [string, Json]) => ({
    label,
    name: typeof body.name === "string" ? str(body.name) : undefined,
    site: blockSite(files, "data", ["coder_parameter", label]),
  }));
  // The order of the files and, within each, of the source (hcl2json groups blocks by type and label).
  const at = (b: ParameterBlock) => (b.site ? b.site.index * 1e9 + b.site.offset : Number.MAX_SAFE_INTEGER);
  return found.sort((a, b) => at(a) - at(b));
}

/** coder/preview's diagnostics for the blocks: each one without `name`, then each name used more than once. */
export function previewBlockDiagnostics(files: ParsedFile[]): BlockDiagnostic[] {
  const blocks = parameterBlocks(files);
  const diagnostics: BlockDiagnostic[] = blocks
    .filter((b) => b.name === undefined)
    .map((b) => ({
      summary: `Missing required attribute "name" for block "coder_parameter.${b.label}"`,
      detail: "The name attribute is required",
    }));
  const byName = new Map<string, ParameterBlock[]>();
  for (const b of blocks) if (b.name !== undefined) byName.set(b.name, [...(byName.get(b.name) ?? []), b]);
  for (const [name, same] of byName) {
    if (same.length < 2) continue;
    diagnostics.push({
      summary: `Found ${same.length} duplicate parameters with name "${name}", this is not allowed`,
      detail: same
        .map((b) => `block "data.coder_parameter.${b.label}" at ${b.site ? typeRange(b.site, "data") : ""}\n`)
        .join(""),
    });
  }
  return diagnostics;
}

/** `DiagnosticsErrorString`: one diagnostic as `summary; detail`, more as the first and how many others. */
export function diagnosticsErrorString(diagnostics: BlockDiagnostic[]): string {
  const [first] = diagnostics;
  if (!first) return "no diagnostics";
  const text = `${first.summary}; ${first.detail}`;
  return diagnostics.length === 1 ? text : `${text}, and ${diagnostics.length - 1} other diagnostic(s)`;
}

/** How a classic import fails on the blocks: Terraform's plan error (with its log lines), or the graph's. */
export function importBlockFailure(files: ParsedFile[]): { error: string; logs?: string[] } | undefined {
  const blocks = parameterBlocks(files);
  const nameless = blocks.filter((b) => b.name === undefined);
  if (nameless.length > 0) {
    return {
      error:
        "template import provision for start: plan during template import provision error: terraform plan: exit status 1",
      logs: nameless.flatMap((b) =>
        terraformErrorLines(
          "Missing required argument",
          'The argument "name" is required, but no definition was found.',
          b.site,
          `data "coder_parameter" "${b.label}"`,
        ),
      ),
    };
  }
  const seen = new Set<string>();
  for (const b of blocks) {
    if (b.name === undefined) continue;
    if (seen.has(b.name)) {
      return {
        error: `template import provision for start: graph during template import provision error: convert state for graph: coder_parameter names must be unique but "${b.name}" appears multiple times`,
      };
    }
    seen.add(b.name);
  }
  return undefined;
}
