// A recording on disk: the exchanges of one scenario against one Coder, normalised, named by the Coder's version.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Exchange } from "./recorder.js";

/** Where recordings live: one folder per Coder version, one file per scenario. */
export const RECORDINGS = fileURLToPath(new URL("../recordings/", import.meta.url));

/** One scenario's recording. */
export interface Recording {
  coder: { version: string; commit: string };
  scenario: string;
  exchanges: Exchange[];
}

/** The Coder's version and commit, as `/api/v2/buildinfo` gives them. */
export async function coderBuild(url: string): Promise<Recording["coder"]> {
  const answer = await fetch(new URL("/api/v2/buildinfo", url));
  const info = (await answer.json()) as { version: string; external_url?: string };
  const commit =
    /\/commit\/([0-9a-f]+)/.exec(info.external_url ?? "")?.[1] ?? info.version.split("+")[1] ?? "";
  return { version: info.version, commit: commit.slice(0, 8) };
}

/** Writes a recording under its Coder version's folder. */
export function writeRecording(recording: Recording): string {
  const dir = join(RECORDINGS, recording.coder.version);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${recording.scenario}.json`);
  writeFileSync(file, `${JSON.stringify(recording, null, 1)}\n`);
  return file;
}

/** Every committed recording, oldest version folder first. */
export function readRecordings(): Recording[] {
  const out: Recording[] = [];
  for (const version of readdirSync(RECORDINGS, { withFileTypes: true })) {
    if (!version.isDirectory()) continue;
    for (const file of readdirSync(join(RECORDINGS, version.name)).sort()) {
      if (file.endsWith(".json")) {
        out.push(JSON.parse(readFileSync(join(RECORDINGS, version.name, file), "utf8")) as Recording);
      }
    }
  }
  return out;
}
