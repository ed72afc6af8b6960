// Generated template trees for the packing benchmark: deterministic content, written once per run.
import { randomFillSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A small deterministic PRNG (mulberry32), so every run packs the same tree. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "resource",
  "variable",
  "locals",
  "module",
  "data",
  "coder_agent",
  "docker_container",
  "count",
  "name",
  "image",
  "env",
  "startup_script",
  "for_each",
  "depends_on",
  "lifecycle",
  "true",
  "false",
  "null",
  "string",
];

function textOf(size, random) {
  let out = "";
  while (out.length < size) {
    const line = Array.from(
      { length: 3 + Math.floor(random() * 8) },
      () => WORDS[Math.floor(random() * WORDS.length)],
    );
    out += `  ${line.join(" ")} = "${Math.floor(random() * 1e6)}"\n`;
  }
  return `${out.slice(0, size - 1)}\n`;
}

/**
 * Writes `files` text files totalling `totalBytes` under `dir`: a top-level main.tf plus modules/, scripts/ and
 * files/ folders two levels deep, some scripts executable. Returns the number of folders.
 */
export function writeTemplateTree(dir, { files, totalBytes, seed = 42 }) {
  const random = prng(seed);
  const weights = Array.from({ length: files }, () => 0.2 + random());
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(16, Math.floor((w / sum) * totalBytes)));
  const folders = new Set();
  sizes.forEach((size, i) => {
    let rel;
    if (i === 0) rel = "main.tf";
    else if (i < 4) rel = `${["variables", "outputs", "providers"][i - 1]}.tf`;
    else {
      const group = ["modules", "scripts", "files"][i % 3];
      rel = `${group}/part-${(i >> 4) % 8}/sub-${(i >> 2) % 3}/f${i}.${group === "scripts" ? "sh" : "tf"}`;
    }
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    folders.add(dirname(rel));
    writeFileSync(path, textOf(size, random), { mode: rel.endsWith(".sh") ? 0o755 : 0o644 });
  });
  return folders.size;
}

/** Writes `count` files of `sizeBytes` random bytes into a Terraform-like `.terraform/` under `dir`. */
export function writeTerraformCache(dir, { count, sizeBytes }) {
  const base = join(dir, ".terraform", "providers", "registry.terraform.io");
  const chunk = Buffer.alloc(sizeBytes);
  for (let i = 0; i < count; i++) {
    const folder = join(base, i % 2 ? "kreuzwerker/docker" : "coder/coder", `2.${i}.0`, "linux_amd64");
    mkdirSync(folder, { recursive: true });
    randomFillSync(chunk);
    writeFileSync(join(folder, `terraform-provider-${i}`), chunk, { mode: 0o755 });
  }
  mkdirSync(join(dir, ".terraform", "modules"), { recursive: true });
  writeFileSync(join(dir, ".terraform", "modules", "modules.json"), '{"Modules":[]}\n');
}
