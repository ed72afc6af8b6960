/**
 * Template version jobs: the import (`provisionerd/runner`'s `runTemplateImport`: parse, then plan for start and
 * for stop) and the dry run a client asks for with rich parameter values.
 */
import { ArchiveError, type ArchiveFile, readTar } from "../archive.js";
import { readDynamicParts } from "../dynamic/import.js";
import {
  HclSyntaxError,
  isTopLevelTerraform,
  type ParsedFile,
  parseTemplateFiles,
  readVariables,
} from "../hcl.js";
import { nowIso } from "../ids.js";
import { importBlockFailure } from "../parameter-blocks.js";
import { parameterDefinitionProblem, resolveBuildParameters } from "../parameters.js";
import type { FakeState, JobRecord, TemplateVersionRecord } from "../state.js";
import type { ParsedTemplate } from "../template-model.js";
import { readTemplate } from "../template-read.js";
import {
  countResources,
  type Failure,
  type JobPlan,
  plannedResources,
  resourceRecord,
  type Stage,
} from "./stages.js";
import { jobStatus } from "./status.js";

/** A template version import: reads the archive, the variables and parameters, and plans both transitions. */
export function templateImport(state: FakeState, version: TemplateVersionRecord): JobPlan {
  const job = state.job(version.jobId);
  let files: ArchiveFile[] = [];
  let sources: ParsedFile[] = [];
  let parsed: ParsedTemplate | undefined;
  // The stages a real Coder logs for an import, in its order (recorded from Coder v0.0.0-devel+f524e00d).
  const stages: Stage[] = [
    { name: "Setting up" },
    {
      name: "Initializing Terraform Directory",
      lines: () => [
        "Initializing the backend...",
        "Initializing provider plugins...",
        "Terraform has been successfully initialized!",
      ],
    },
    {
      name: "Parsing template parameters",
      run: async () => {
        const result = await readArchive(state, job);
        if ("error" in result) return result;
        files = result.files;
        try {
          const docs = await parseTemplateFiles(files);
          sources = docs;
          const variables = readVariables(docs);
          const values = new Map<string, string>();
          const missing: string[] = [];
          version.variables = variables.map((v) => {
            const value = version.userVariableValues.find((u) => u.name === v.name)?.value ?? v.default_value;
            if (v.required && value === "") missing.push(v.name);
            values.set(v.name, value);
            return { ...v, value };
          });
          // coderd stores the variables before it rejects the missing ones, so /variables answers afterwards.
          if (missing.length > 0) {
            return {
              error: `update job: required template variables need values: ${missing.join(", ")}`,
              code: "REQUIRED_TEMPLATE_VARIABLES",
            };
          }
          const readme = files.find((f) => f.path === "README.md");
          parsed = readTemplate(docs, values, readme ? Buffer.from(readme.data).toString("utf8") : "");
          parsed.sources = docs.map(({ path, source }) => ({ path, source }));
          version.readme = parsed.readme;
          const problem = readDynamicParts(parsed, docs, values);
          if (problem) return { error: `template import provision for start: plan: ${problem}` };
          return undefined;
        } catch (err) {
          if (err instanceof HclSyntaxError)
            return { error: `run parse: parse error: load module: ${err.message}` };
          throw err;
        }
      },
    },
    {
      name: "Detecting persistent resources",
      run: () => {
        if (!files.some((f) => isTopLevelTerraform(f.path))) {
          return {
            error:
              "template import provision for start: plan: No configuration files: Plan requires configuration to be present.",
          };
        }
        const blockFailure = importBlockFailure(sources);
        if (blockFailure) return blockFailure;
        for (const p of parsed?.parameters ?? []) {
          const problem = parameterDefinitionProblem(p);
          if (problem) {
            return {
              error: `template import provision for start: plan: data.coder_parameter "${p.name}": ${problem}`,
            };
          }
        }
        return undefined;
      },
      lines: () => [
        ...(parsed?.parameters ?? []).map((p) => `data.coder_parameter.${p.name}: Refreshing...`),
        `Plan: ${countResources(parsed, "start")} to add, 0 to change, 0 to destroy.`,
      ],
    },
    { name: "Graphing Infrastructure" },
    {
      name: "Detecting ephemeral resources",
      lines: () => [`Plan: ${countResources(parsed, "stop")} to add, 0 to change, 0 to destroy.`],
    },
    { name: "Graphing Infrastructure" },
  ];
  return {
    stages,
    complete: () => {
      job.resources = (["start", "stop"] as const).flatMap((t) =>
        plannedResources(parsed, t).map((r) => resourceRecord(job.id, t, r.type, r.name)),
      );
      version.parsed = parsed;
      version.parameters = parsed?.parameters ?? [];
      version.updatedAt = nowIso();
    },
  };
}

/** A dry run of a version with the job's rich parameter values: the import's failure again, or the plan. */
export function templateDryRun(state: FakeState, job: JobRecord, version: TemplateVersionRecord): JobPlan {
  const importJob = state.job(version.jobId);
  const stages: Stage[] = [
    { name: "Setting up" },
    {
      name: "Detecting persistent resources",
      run: () => {
        // The same Terraform fails the same way again.
        if (jobStatus(importJob) !== "succeeded") {
          return {
            error: `run dry-run provision job: ${importJob.error ?? "template import did not succeed"}`,
          };
        }
        const { problems } = resolveBuildParameters(version.parameters, job.dryRunValues ?? [], []);
        const first = problems[0];
        return first ? { error: `run dry-run provision job: ${first.reason}` } : undefined;
      },
      lines: () => [`Plan: ${countResources(version.parsed, "start")} to add, 0 to change, 0 to destroy.`],
    },
  ];
  return {
    stages,
    complete: () => {
      job.resources = plannedResources(version.parsed, "start").map((r) =>
        resourceRecord(job.id, "start", r.type, r.name),
      );
    },
  };
}

async function readArchive(state: FakeState, job: JobRecord): Promise<{ files: ArchiveFile[] } | Failure> {
  const file = state.files.get(job.fileId);
  if (!file) return { error: "run parse: get file: not found" };
  try {
    return { files: await readTar(file.data) };
  } catch (err) {
    if (err instanceof ArchiveError)
      return { error: `run parse: extract template source archive: ${err.message}` };
    throw err;
  }
}
