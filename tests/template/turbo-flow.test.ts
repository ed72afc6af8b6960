import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callIndex, Sandbox } from "./helpers/sandbox.js";

const REPO_URL = "https://github.com/marcuspat/turbo-flow-claude";

describe("turbo-flow.sh: clone, then the setup script, once", () => {
  let box: Sandbox;
  let repo: string;

  beforeEach(() => {
    box = new Sandbox();
    repo = join(box.home, "turbo-flow-claude");
  });
  afterEach(() => box.remove());

  function start(env: Record<string, string> = {}) {
    return box.run("turbo-flow.sh", {
      SPT_REPO_URL: REPO_URL,
      SPT_REPO_DIR: repo,
      SPT_SETUP_SCRIPT: "devpods/setup.sh",
      SPT_NODE_WAIT_SECONDS: "0",
      ...env,
    });
  }
  const state = (name: string) => readFileSync(join(box.stateDir, name), "utf8");

  it("clones into the home folder before running the setup script from the clone", () => {
    const run = start();
    expect(run.status, run.output).toBe(0);
    const clone = callIndex(run.calls, "git clone");
    const setup = callIndex(run.calls, "setup.sh");
    expect(run.calls[clone]).toBe(`git clone -- ${REPO_URL} ${repo}`);
    expect(clone).toBeGreaterThanOrEqual(0);
    expect(setup).toBeGreaterThan(clone);
    // Same layout as Turbo Flow's devcontainer: the clone is the workspace, agents/ inside it.
    expect(run.calls[setup]).toBe(
      `setup.sh cwd=${repo} WORKSPACE_FOLDER=${repo} AGENTS_DIR=${repo}/agents stdin=closed`,
    );
    expect(state("setup.log")).toContain("turbo flow setup output");
    expect(state("setup.log")).toContain("exited with 0");
    expect(state("setup.done").trim()).toBe("devpods/setup.sh");
    expect(state("setup.status").trim()).toBe("done");
    expect(box.hasInHome("turbo-flow-claude/agents")).toBe(true);
    expect(run.output).toContain("agent library: 1 agent files");
  });

  it("neither clones nor runs the setup again on the next start", () => {
    start();
    const again = start();
    expect(again.status, again.output).toBe(0);
    expect(again.calls).toEqual([]);
    expect(again.output).toContain("already ran successfully");
  });

  it("runs a newly chosen setup script once", () => {
    start();
    writeFileSync(join(repo, "devpods", "other.sh"), 'printf "other.sh ran\\n" >>"$STUB_LOG"\n');
    const run = start({ SPT_SETUP_SCRIPT: "devpods/other.sh" });
    expect(run.calls).toEqual(["other.sh ran"]);
    expect(state("setup.done").trim()).toBe("devpods/other.sh");
  });

  it("records a failed setup without a marker, and retries it next time", () => {
    const run = start({ STUB_SETUP_EXIT: "3" });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain("WARNING: devpods/setup.sh failed with exit 3");
    expect(state("setup.status")).toMatch(/^failed \(exit 3\)/);
    expect(state("setup.log")).toContain("exited with 3");
    expect(box.hasInHome(".local/state/spt-flow/setup.done")).toBe(false);
    const retry = start();
    expect(retry.calls.filter((c) => c.startsWith("setup.sh"))).toHaveLength(1);
    expect(retry.calls.filter((c) => c.startsWith("git clone"))).toEqual([]);
  });

  it("calls a setup that exits 0 without its traits partial, and runs it again next time", () => {
    const run = start({ STUB_SETUP_TRAITS: "none" });
    expect(run.status, run.output).toBe(0);
    expect(state("setup.status")).toBe(
      `partial: missing claude on PATH, .claude-flow/, agents in ${repo}/agents, aliases in ~/.bashrc; log: ${box.stateDir}/setup.log\n`,
    );
    expect(box.hasInHome(".local/state/spt-flow/setup.done")).toBe(false);
    const retry = start();
    expect(retry.calls.filter((c) => c.startsWith("setup.sh"))).toHaveLength(1);
    expect(state("setup.status").trim()).toBe("done");
  });

  it("stops a hung setup at its own timeout and says failed (timeout)", () => {
    const run = start({ SPT_SETUP_TIMEOUT: "1", STUB_SETUP_SLEEP: "30" });
    expect(run.status, run.output).toBe(0);
    expect(state("setup.status")).toMatch(/^failed \(timeout\), log: /);
    expect(run.output).toContain("did not finish within 1 s and was stopped");
  });

  it("does not run anything when the clone fails", () => {
    const run = start({ STUB_GIT_FAIL: "1" });
    expect(run.status, run.output).toBe(0);
    expect(run.calls.filter((c) => c.startsWith("setup.sh"))).toEqual([]);
    expect(state("setup.status")).toContain("failed: could not clone");
  });

  it("refuses a setup script that is missing or leaves the repository through a symlink", () => {
    const missing = start({ SPT_SETUP_SCRIPT: "devpods/nope.sh" });
    expect(missing.output).toContain("setup script devpods/nope.sh not found");
    expect(state("setup.status")).toContain("setup script not usable");

    writeFileSync(join(box.dir, "outside.sh"), 'printf "outside ran\\n" >>"$STUB_LOG"\n');
    symlinkSync(join(box.dir, "outside.sh"), join(repo, "escape.sh"));
    const escaping = start({ SPT_SETUP_SCRIPT: "escape.sh" });
    expect(escaping.output).toContain("resolves outside the repository");
    expect(escaping.calls).not.toContain("outside ran");
  });

  it("does not clone over a folder that is not a git clone", () => {
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, "notes.txt"), "mine\n");
    const run = start();
    expect(run.output).toContain("is not a git clone; not cloning over it");
    expect(run.calls).toEqual([]);
  });

  it.each([
    ["git@github.com:marcuspat/turbo-flow-claude.git", "github.com"],
    ["ssh://git@git.example.com:2222/team/turbo-flow-claude.git", "git.example.com"],
  ])("trusts the ssh host of %s before cloning", (url, host) => {
    const run = start({ SPT_REPO_URL: url, SPT_REPO_DIR: "" });
    expect(run.status, run.output).toBe(0);
    const scan = callIndex(run.calls, "ssh-keyscan");
    expect(run.calls[scan]).toBe(`ssh-keyscan -T 10 ${host}`);
    expect(scan).toBeLessThan(callIndex(run.calls, "git clone"));
    // Without SPT_REPO_DIR the folder is named after the repository, as git clone would.
    expect(run.calls).toContain(`git clone -- ${url} ${box.home}/turbo-flow-claude`);
  });

  // On a host with no internet (the real engine's) install-tools.sh fails Node at once, and the
  // setup waited SPT_NODE_WAIT_SECONDS (15 minutes) for it anyway: the agent stayed "starting".
  describe("waits for install-tools.sh's Node only until it was tried at this start", () => {
    const waitEnv = { SPT_NODE_VERSION: "22.16.0", SPT_NODE_WAIT_SECONDS: "900" };
    beforeEach(() => box.recordOnly("sleep"));
    const sleeps = (calls: string[]) => calls.filter((c) => c === "sleep 5");

    it("goes on at once when Node failed (install-tools marked its try)", () => {
      const tried = join(box.dir, "tmp", "spt-flow-run");
      mkdirSync(tried, { recursive: true });
      writeFileSync(join(tried, "node.tried"), "");
      const run = start(waitEnv);
      expect(run.status, run.output).toBe(0);
      expect(sleeps(run.calls)).toEqual([]);
      expect(run.output).toContain("Node from install-tools.sh failed at this start");
      expect(state("setup.status").trim()).toBe("done");
    });

    it("still waits, at most SPT_NODE_WAIT_SECONDS, while install-tools has not tried Node", () => {
      const run = start({ ...waitEnv, SPT_NODE_WAIT_SECONDS: "15" });
      expect(sleeps(run.calls)).toEqual(["sleep 5", "sleep 5", "sleep 5"]);
      expect(run.output).toContain("is not ready after 15 s");
    });
  });
});
