import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HarnessWorkspace, StartResult } from "./harness/container.js";
import type { Evaluated } from "./harness/evaluate.js";
import { harnessSkipReason, notOwnedBy, PretendHost } from "./harness/host.js";
import { announceSkip, findTool } from "./helpers/template.js";

// The template started the way a Docker host with KVM starts it (see harness/README.md): a
// Debian root filesystem, the docker provider's uploads, the entrypoint as PID 1 in its own PID
// and mount namespaces, a stand-in agent running every script as the workspace user, and every
// download served from loopback. It needs root (namespaces, mounts, mknod) and terraform.
const terraform = findTool("terraform");
const why = harnessSkipReason(terraform);
if (why) announceSkip("the template harness (tests/template/real-host.test.ts)", why);
const hasKvm = existsSync("/dev/kvm");
if (!why && !hasKvm) announceSkip("the harness start with /dev/kvm", "this machine has no /dev/kvm");

const USER_UID = 1000;

describe.skipIf(why)("the template on a pretend Docker host", () => {
  let host: PretendHost;

  beforeAll(async () => {
    host = await PretendHost.open(terraform!);
  }, 900_000);

  afterAll(() => host?.close());

  const evaluate = (parameters: Record<string, string>, variables: Record<string, unknown> = {}) =>
    host.evaluate(parameters, variables);
  const workspace = () => host.workspace();
  const versions = () => host.versions;

  /** What the README tells the user to type in a terminal. */
  const CHECKS = {
    kvm_report_by_hand: "/opt/spt-flow/kvm-report.sh",
    id: "id -un; id -Gn",
    tools_on_path: 'for t in gh nats-server wash nex firecracker; do command -v "$t" || echo "no $t"; done',
  };

  /** Exit codes of every start script, by coder_script name. */
  const exits = (start: StartResult) =>
    Object.fromEntries(Object.entries(start.results.scripts).map(([name, run]) => [name, run.exit]));
  const output = (start: StartResult, script: string) => start.results.scripts[script]!.output;
  const metadata = (start: StartResult, key: string) => start.results.metadata[key]!;
  const home = (w: HarnessWorkspace, relative: string) => readFileSync(w.homeFile(relative), "utf8");
  const deviceOf = (path: string) => {
    const s = statSync(path);
    return { mode: s.mode, uid: s.uid, gid: s.gid, rdev: s.rdev };
  };

  describe.skipIf(!hasKvm)("with this machine's /dev/kvm (kvm-ok says NOT, the probe works)", () => {
    let evaluated: Evaluated;
    let start: StartResult;
    let again: StartResult;
    let w: HarnessWorkspace;
    const hostKvm = hasKvm ? deviceOf("/dev/kvm") : undefined;

    beforeAll(async () => {
      evaluated = await evaluate({});
      w = workspace();
      start = await w.start(evaluated, CHECKS);
      // The next start of the same workspace, once the broken downloads are fixed upstream.
      host.repairDownloads();
      again = await w.start(evaluated, CHECKS);
    }, 600_000);

    it("passes /dev/kvm in although the provisioner runs with PrivateDevices=yes", () => {
      expect(evaluated.dynamic.devices).toEqual([
        { host_path: "/dev/kvm", container_path: "/dev/kvm", permissions: "rwm" },
      ]);
      expect(evaluated.agentEnv.SPT_KVM_PASSTHROUGH).toBe("true");
    });

    it("runs every start script to exit 0 as the workspace user, and the container ends cleanly", () => {
      expect(start.results.user).toBe("coder");
      expect(start.results.uid).toBe(USER_UID);
      expect(exits(start), start.logs).toEqual({ kvm_report: 0, code_server: 0, tools: 0, turbo_flow: 0 });
      expect(start.status, start.logs).toBe(0);
    });

    it("lets the user run the scripts by hand, as the README says", () => {
      const byHand = start.results.checks.kvm_report_by_hand!;
      expect(byHand.exit, byHand.output).toBe(0);
      expect(byHand.output).toContain("[kvm] probe: ok");
    });

    it("shows kvm-ok's sentence and the probe's answer side by side, and explains the false negative", () => {
      const kvm = metadata(start, "0_kvm");
      expect(kvm.exit).toBe(0);
      expect(kvm.output.trim()).toBe("kvm-ok: can NOT be used | probe: VM+vCPU ok | /dev/kvm: rw");
      const report = output(start, "kvm_report");
      expect(report).toContain("[kvm] kvm-ok: KVM acceleration can NOT be used");
      expect(report).toContain("[kvm] probe: ok (API 12, KVM_CREATE_VM and KVM_CREATE_VCPU work)");
      expect(report).toMatch(/false negative here: it only reads the CPU flags/);
      expect(report).toContain("nested virtualization: ready");
      expect(start.results.checks.id!.output.split("\n")[1]).toMatch(/\bkvm\b/);
    });

    it("leaves the host's own /dev/kvm untouched", () => {
      expect(deviceOf("/dev/kvm")).toEqual(hostKvm);
    });

    it("fills every metadata item; coder stat works on the agent's PATH", () => {
      for (const [key, run] of Object.entries(start.results.metadata))
        expect(run.exit, `${key}: ${run.output}`).toBe(0);
      expect(metadata(start, "2_cpu_usage").output.trim()).toBe("0.2/2 cores");
      expect(metadata(start, "4_home_disk").output.trim()).toBe("3/250 GiB");
      expect(metadata(start, "1_turbo_flow").output.trim()).toBe("done");
    });

    it("leaves no zombie and no stray process once the scripts have ended", () => {
      expect(start.results.zombies).toEqual([]);
      expect(start.results.leftovers).toEqual([]);
    });

    it("keeps the home folder the user's, every file in it", () => {
      expect(statSync(w.volume).uid).toBe(USER_UID);
      expect(notOwnedBy(w.volume, USER_UID)).toEqual([]);
    });

    it("installs wash, nex and Kuasar from their current releases, checked, and the wasm32-wasip2 target", () => {
      const tools = output(start, "tools");
      for (const step of [
        /wasmCloud wash \S+: done/,
        /Synadia nex \S+: done/,
        /Kuasar \S+: done/,
        /Firecracker \S+: done/,
      ]) {
        expect(tools).toMatch(step);
      }
      for (const bin of ["wash", "nex", "firecracker", "jailer"]) {
        expect(statSync(w.homeFile(`.local/bin/${bin}`)).mode & 0o777, bin).toBe(0o755);
      }
      const kuasar = join(
        w.homeFile(".local/kuasar"),
        versions().kuasar,
        `kuasar-v${versions().kuasar}-linux-amd64`,
      );
      for (const bin of ["vmm-sandboxer", "quark-sandboxer", "wasm-sandboxer", "runc-sandboxer"]) {
        expect(statSync(join(kuasar, bin)).mode & 0o111, bin).not.toBe(0);
      }
      expect(home(w, ".cargo/rustup-calls.log")).toMatch(/target add --toolchain stable .*\bwasm32-wasip2\b/);
      for (const name of [
        "node-v",
        "go1",
        "rustup-init",
        "wash-",
        "nex_",
        "firecracker-",
        "kuasar-",
        "code-server-",
      ]) {
        expect(tools + output(start, "code_server")).toMatch(new RegExp(`${name}\\S*: sha256 verified`));
      }
    });

    it("fails only the tool whose download is wrong or missing, with one clear line each", () => {
      const tools = output(start, "tools");
      expect(tools).toMatch(
        /WARNING: gh_\S+\.tar\.gz: checksum mismatch \(published (ab)+, downloaded [0-9a-f]{64}\); not installed/,
      );
      expect(tools).toMatch(
        /WARNING: download failed: http:\/\/127\.0\.0\.1:\d+\/github\/nats-io\/nats-server\/\S+\.tar\.gz/,
      );
      expect(tools).toMatch(/WARNING: failed steps: GitHub CLI \S+, NATS server \S+ /);
      expect(start.results.checks.tools_on_path!.output.split("\n")).toEqual([
        "no gh",
        "no nats-server",
        "/home/coder/.local/bin/wash",
        "/home/coder/.local/bin/nex",
        "/home/coder/.local/bin/firecracker",
        "",
      ]);
    });

    it("retries only the failed tools at the next start", () => {
      expect(exits(again), again.logs).toEqual({ kvm_report: 0, code_server: 0, tools: 0, turbo_flow: 0 });
      const tools = output(again, "tools");
      expect(tools).toMatch(/GitHub CLI \S+: done/);
      expect(tools).toMatch(/NATS server \S+: done/);
      expect(tools).toContain("all steps succeeded");
      expect(again.results.checks.tools_on_path!.output).not.toContain("no ");
      expect(tools.match(/: installing/g)).toHaveLength(2);
      expect(output(again, "turbo_flow")).toContain("already ran successfully");
      expect(notOwnedBy(w.volume, USER_UID)).toEqual([]);
    });
  });

  describe("without /dev/kvm (kvm_passthrough = never), and a Turbo Flow setup that only half works", () => {
    let first: StartResult;
    let second: StartResult;
    let w: HarnessWorkspace;

    beforeAll(async () => {
      const evaluated = await evaluate({ setup_script: "devpods/partial.sh" }, { kvm_passthrough: "never" });
      expect(evaluated.dynamic.devices).toEqual([]);
      w = workspace();
      first = await w.start(evaluated, CHECKS);
      second = await w.start(evaluated, CHECKS);
    }, 600_000);

    it("starts and says why there is no KVM, with kvm-ok's sentence and no probe", () => {
      expect(exits(first), first.logs).toEqual({ kvm_report: 0, code_server: 0, tools: 0, turbo_flow: 0 });
      expect(metadata(first, "0_kvm").output.trim()).toBe(
        "kvm-ok: can NOT be used | probe: not run | /dev/kvm: missing",
      );
      const report = output(first, "kvm_report");
      expect(report).toContain("kvm-ok: KVM acceleration can NOT be used");
      expect(report).toContain("the template admin turned KVM passthrough off (kvm_passthrough = never)");
      expect(report).toContain("nested virtualization: NOT available here");
      expect(output(first, "tools")).toContain("kuasar: skipped: needs read/write access");
    });

    it("reports a setup that exited 0 without its traits as partial, naming what is missing", () => {
      const status = metadata(first, "1_turbo_flow").output.trim();
      expect(status).toMatch(
        /^partial: missing claude on PATH, agents in \/home\/coder\/turbo-flow-claude\/agents; log: /,
      );
      expect(output(first, "turbo_flow")).toMatch(
        /WARNING: devpods\/partial\.sh exited 0 but left no claude on PATH/,
      );
    });

    it("runs the setup again at the next start, and says done once the traits are there", () => {
      expect(exits(second), second.logs).toEqual({ kvm_report: 0, code_server: 0, tools: 0, turbo_flow: 0 });
      expect(home(w, ".partial-runs").trim()).toBe("2");
      expect(metadata(second, "1_turbo_flow").output.trim()).toBe("done");
      expect(second.results.zombies).toEqual([]);
      expect(notOwnedBy(w.volume, USER_UID)).toEqual([]);
    });
  });

  describe("a Turbo Flow setup that hangs", () => {
    let start: StartResult;
    let evaluated: Evaluated;

    beforeAll(async () => {
      evaluated = await evaluate(
        { setup_script: "devpods/hang.sh", enable_nested_virt: "false" },
        { setup_timeout_seconds: 3 },
      );
      // A regression would run into the coder_script's own timeout: stop well before that.
      start = await workspace().start(evaluated, {}, 150_000);
    }, 300_000);

    it("ends as failed (timeout) before the start script's own timeout, its children stopped", () => {
      const turbo = start.results.scripts.turbo_flow!;
      expect(turbo.exit, turbo.output).toBe(0);
      expect(turbo.timed_out).toBe(false);
      expect(turbo.seconds).toBeLessThan(evaluated.scripts.turbo_flow!.timeout);
      expect(metadata(start, "1_turbo_flow").output.trim()).toMatch(/^failed \(timeout\), log: /);
      expect(turbo.output).toMatch(/did not finish within 3 s and was stopped/);
      expect(start.results.leftovers).toEqual([]);
      expect(start.results.zombies).toEqual([]);
      expect(metadata(start, "0_kvm").output.trim()).toBe("off (enable_nested_virt = false)");
    });
  });

  describe("microVM networking", () => {
    it("is off by default, and adds /dev/net/tun with NET_ADMIN only when the admin turns it on", async () => {
      const off = await evaluate({});
      expect(off.dynamic.capabilities).toEqual([]);
      expect(off.dynamic.devices?.map((d) => d.host_path)).not.toContain("/dev/net/tun");
      const on = await evaluate({}, { microvm_networking: true });
      // Tap networking is for microVMs: without /dev/kvm passed in, NET_ADMIN is not granted either.
      expect(on.dynamic.capabilities).toEqual(hasKvm ? [{ add: ["NET_ADMIN"] }] : []);
      expect(on.dynamic.devices?.map((d) => d.host_path)).toEqual(hasKvm ? ["/dev/kvm", "/dev/net/tun"] : []);
      const noVirt = await evaluate({ enable_nested_virt: "false" }, { microvm_networking: true });
      expect(noVirt.dynamic.capabilities).toEqual([]);
    }, 120_000);
  });
});
