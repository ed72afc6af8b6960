// Scans what a CLI run left on disk for the registered secrets (tests/e2e/helpers.ts addSecret): any file under a
// folder may hold a session token only if it is one of the allowed files, and those must be 0600.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { expectNoSecrets } from "../e2e/helpers.js";

/** Every regular file under `dir`, hidden ones included. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Fails when a file under `dir` holds a registered secret, except the `allowed` files (spt-coder's config),
 * which must then be readable by their owner only.
 */
export async function expectNoSecretsInFiles(dir: string, allowed: string[] = []): Promise<void> {
  for (const file of await filesUnder(dir)) {
    if (allowed.includes(file)) {
      expect((await stat(file)).mode & 0o077, `${file} is readable by others`).toBe(0);
      continue;
    }
    // Tokens are ASCII: Latin-1 reads any bytes without losing them.
    const text = (await readFile(file)).toString("latin1");
    try {
      expectNoSecrets(text);
    } catch (error) {
      throw new Error(`${file} holds a session token`, { cause: error });
    }
  }
}
