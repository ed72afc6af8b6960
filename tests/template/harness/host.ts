import { spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { at, block, findTool, type HclObject, loadTemplate } from "../helpers/template.js";
import { AGENT_INIT_SCRIPT, HarnessWorkspace } from "./container.js";
import { type Evaluated, evaluateTemplate } from "./evaluate.js";
import { type FixtureVersions, repairDownloads, writeDownloads } from "./fixtures.js";
import { writeRepository } from "./repository.js";
import { type FixtureServer, serveFixtures } from "./server.js";

const BUILD_ROOTFS = new URL("./build-rootfs.sh", import.meta.url).pathname;

/** The tool versions a workspace gets: the template variables' defaults. */
export function templateVersions(template: HclObject): FixtureVersions {
  const variable = (name: string) => String(block(template, "variable", name).default);
  return {
    node: variable("node_version"),
    go: variable("go_version"),
    gh: variable("gh_version"),
    wash: variable("wash_version"),
    nex: variable("nex_version"),
    nats: variable("nats_server_version"),
    firecracker: variable("firecracker_version"),
    kuasar: variable("kuasar_version"),
    codeServer: variable("code_server_version"),
  };
}

/**
 * Why the harness cannot run here, or undefined when it can. It needs root, unshare and terraform, and the root
 * filesystem: a plain `pnpm test` uses one already built and never builds it (about 600 MB into .cache/rootfs and
 * minutes of a first run); SPT_TEMPLATE_HARNESS=1 opts in to building it, as .ci/run does.
 */
export function harnessSkipReason(terraform: string | undefined): string | undefined {
  if (process.env.SPT_SKIP_TEMPLATE_HARNESS === "1")
    return "SPT_SKIP_TEMPLATE_HARNESS=1 (.ci/run runs it once, on Node 20)";
  if (process.getuid?.() !== 0) return "it needs root for unshare, mount and mknod";
  if (!terraform) return "terraform is not on PATH (it evaluates main.tf)";
  if (!findTool("unshare")) return "unshare is missing (util-linux)";
  if (process.env.SPT_TEMPLATE_HARNESS !== "1" && spawnSync("bash", [BUILD_ROOTFS, "--built"]).status !== 0)
    return "its root filesystem is not built (about 600 MB into .cache/rootfs): run bash tests/template/harness/build-rootfs.sh, or set SPT_TEMPLATE_HARNESS=1 to build it during the tests";
  return undefined;
}

/** Builds the cached root filesystem (once) and resolves to its path. */
export function buildRootfs(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [BUILD_ROOTFS], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(join(out.trim(), "root")) : reject(new Error(`build-rootfs.sh exited ${code}`)),
    );
  });
}

/** Files below `dir` (not following links) whose owner is not `uid`. */
export function notOwnedBy(dir: string, uid: number): string[] {
  const wrong: string[] = [];
  const walk = (path: string) => {
    if (lstatSync(path).uid !== uid) wrong.push(path);
    if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(dir);
  return wrong;
}

/**
 * A pretend Docker host: the root filesystem, the loopback downloads and git repository, and
 * the template evaluated for it with the user's defaults (download variables on loopback).
 */
export class PretendHost {
  private readonly workspaces: HarnessWorkspace[] = [];

  private constructor(
    private readonly terraform: string,
    private readonly rootfs: string,
    private readonly fixtures: string,
    private readonly server: FixtureServer,
    private readonly defaults: Record<string, string>,
    readonly versions: FixtureVersions,
  ) {}

  static async open(terraform: string): Promise<PretendHost> {
    const template = await loadTemplate();
    const versions = templateVersions(template);
    const fixtures = mkdtempSync(join(tmpdir(), "spt-flow-downloads-"));
    writeDownloads(fixtures, versions);
    const repo = writeRepository(fixtures);
    const server = await serveFixtures(fixtures);
    // What Coder passes when the user takes every default; the repository is the loopback one.
    const defaults = parameterDefaults(template);
    defaults.repo_url = `${server.url}/${repo}`;
    const rootfs = await buildRootfs();
    return new PretendHost(terraform, rootfs, fixtures, server, defaults, versions);
  }

  evaluate(
    parameters: Record<string, string> = {},
    variables: Record<string, unknown> = {},
  ): Promise<Evaluated> {
    const url = this.server.url;
    return evaluateTemplate(this.terraform, {
      parameters: { ...this.defaults, ...parameters },
      variables: {
        github_url: `${url}/github`,
        github_api_url: `${url}/api`,
        go_download_url: `${url}/go`,
        node_download_url: `${url}/node`,
        rustup_download_url: `${url}/rustup`,
        ...variables,
      },
      initScript: AGENT_INIT_SCRIPT,
    });
  }

  /** A new workspace (its own home volume) on this host. */
  workspace(): HarnessWorkspace {
    const w = new HarnessWorkspace(this.rootfs);
    this.workspaces.push(w);
    return w;
  }

  /** Fixes the wrong gh checksum and the missing NATS archive, as a new upstream upload would. */
  repairDownloads(): void {
    repairDownloads(this.fixtures, this.versions);
  }

  async close(): Promise<void> {
    for (const w of this.workspaces) w.remove();
    await this.server.close();
    rmSync(this.fixtures, { recursive: true, force: true });
  }
}

/** Every parameter's default: what Coder passes when the user takes them all. */
export function parameterDefaults(template: HclObject): Record<string, string> {
  return Object.fromEntries(
    Object.keys(at(template, "data", "coder_parameter") as HclObject).map((name) => [
      name,
      String(block(template, "data", "coder_parameter", name).default),
    ]),
  );
}
