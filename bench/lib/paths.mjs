// Where the built packages live; the benchmarks measure what users run, so they import dist/, never sources.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SDK_DIST = join(ROOT, "packages", "sdk", "dist", "index.js");
export const FAKE_DIST = join(ROOT, "packages", "fake-coder", "dist", "index.js");
export const FAKE_BIN = join(ROOT, "packages", "fake-coder", "dist", "bin.js");
export const CLI_DIST = join(ROOT, "packages", "cli", "dist", "spt-coder.js");
export const TEMPLATE_DIR = join(ROOT, "template");

/** The built artifacts each benchmark needs. */
export const NEEDS = {
  "cold-start": [CLI_DIST],
  pack: [SDK_DIST],
  "up-requests": [SDK_DIST, FAKE_DIST],
  "log-latency": [SDK_DIST, FAKE_DIST],
  fleet: [SDK_DIST, FAKE_DIST],
  "fleet-many": [SDK_DIST, FAKE_DIST],
  "fake-start": [FAKE_BIN],
  "cli-dispatch": [CLI_DIST, FAKE_DIST],
  "log-queue": [SDK_DIST],
  "real-up": [CLI_DIST],
  "real-fleet": [CLI_DIST, SDK_DIST],
};

/** The built files that are missing. */
export function missingBuilds(names) {
  return [...new Set(names.flatMap((n) => NEEDS[n] ?? []))].filter((f) => !existsSync(f));
}

/** Imports the built SDK. */
export function importSdk() {
  return import(pathToFileURL(SDK_DIST).href);
}

/** Imports the built fake Coder. */
export function importFake() {
  return import(pathToFileURL(FAKE_DIST).href);
}
