// Bundles the CLI into dist/spt-coder.js (ESM, Node 20) plus lazily loaded chunks, and ships the spt-flow
// template next to it. The SDK is bundled from its sources; the fake Coder (--demo only) and hcl2json (tfvars
// only, a large wasm package) stay external and are loaded with import() when needed.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const dist = join(here, "dist");
const { version } = JSON.parse(readFileSync(join(here, "package.json"), "utf8"));

rmSync(dist, { recursive: true, force: true });

const result = await build({
  entryPoints: { "spt-coder": join(here, "src", "bin.ts") },
  outdir: dist,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: false,
  // Less to parse on every start; identifiers stay, so --verbose stack traces remain readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  alias: { "@spt-coder/sdk": join(root, "packages", "sdk", "src", "index.ts") },
  // ws probes these optional native add-ons with require() inside try/catch.
  external: ["@spt-coder/fake-coder", "@cdktn/hcl2json", "bufferutil", "utf-8-validate"],
  define: { __SPT_CODER_VERSION__: JSON.stringify(version) },
  plugins: [
    {
      // yargs, cliui and wrap-ansi measure text with string-width, whose load-time Intl.Segmenter costs more than
      // the rest of `--help`; a small equivalent takes its place (src/vendor/string-width.ts).
      name: "fast-string-width",
      setup(b) {
        b.onResolve({ filter: /^string-width$/ }, () => ({
          path: join(here, "src", "vendor", "string-width.ts"),
        }));
      },
    },
  ],
  banner: {
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    js: [
      "#!/usr/bin/env node",
      'import { createRequire as __sptCreateRequire } from "node:module";',
      "const require = __sptCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});

const entry = join(dist, "spt-coder.js");
chmodSync(entry, 0o755);

// `spt-coder --help` is static text: render it once here so that the entry file can print it without loading
// yargs and the command table (the cold-start budget of --help is twice a bare `node -e 0`).
const help = spawnSync(process.execPath, [entry, "--help"], {
  encoding: "utf8",
  env: { ...process.env, NO_COLOR: "1" },
});
if (help.status !== 0 || !help.stdout.includes("spt-coder")) {
  throw new Error(`rendering --help failed: ${help.stderr}`);
}
writeFileSync(join(dist, "help.txt"), help.stdout);

// The shipped spt-flow template: whatever template/ holds, without hidden files (as Coder's archive skips them).
const template = join(root, "template");
if (existsSync(template)) {
  cpSync(template, join(dist, "template"), {
    recursive: true,
    filter: (src) => src === template || !basename(src).startsWith("."),
  });
}

const sizes = Object.entries(result.metafile.outputs)
  .map(([file, out]) => `${basename(file)} ${(out.bytes / 1024).toFixed(0)} kB`)
  .join(", ");
console.log(`built ${basename(entry)} (${(statSync(entry).size / 1024).toFixed(1)} kB): ${sizes}`);
if (process.env.SPT_BUILD_ANALYZE) {
  const { analyzeMetafile } = await import("esbuild");
  console.log(await analyzeMetafile(result.metafile));
}
