import { accessSync, chmodSync, constants, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "./helpers/sandbox.js";
import { announceSkip } from "./helpers/template.js";

const CAPABLE = "INFO: /dev/kvm exists\nKVM acceleration can be used";
const INCAPABLE = "INFO: Your CPU does not support KVM extensions\nKVM acceleration can NOT be used";
// What kvm-ok prints as a non-root user on a CPU without VT-x/AMD-V: hints, no verdict.
const NON_ROOT_NO_FLAGS =
  "INFO: Your CPU does not support KVM extensions\nINFO: For more detailed results, you should run this as root\nHINT:   sudo /usr/sbin/kvm-ok";

// Root reads and writes any file, so a device the user cannot open only exists for non-root runs.
const runningAsRoot = process.getuid?.() === 0;
if (runningAsRoot) announceSkip("kvm-report.sh with an unreadable /dev/kvm", "the tests run as root");
// The probe needs a real KVM device it may open read-write (it changes nothing on it).
const realKvm = existsSync("/dev/kvm") && accessible("/dev/kvm");
if (!realKvm)
  announceSkip("kvm-report.sh's probe against a real /dev/kvm", "/dev/kvm is missing or not read-write here");

function accessible(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

describe("kvm-report.sh prints kvm-ok's verdict and /dev/kvm access", () => {
  let box: Sandbox;
  let kvm: string;

  beforeEach(() => {
    box = new Sandbox();
    kvm = join(box.dir, "kvm");
  });
  afterEach(() => box.remove());

  function report(env: Record<string, string>, args: string[] = []) {
    return box.run(
      "kvm-report.sh",
      { SPT_NESTED_VIRT: "true", SPT_KVM_PASSTHROUGH: "true", KVM_DEVICE: kvm, ...env },
      args,
    );
  }

  it.skipIf(!realKvm)("reports a capable host as ready, in the log and in the metadata line", () => {
    const full = report({ STUB_KVM_OK_OUTPUT: CAPABLE, KVM_DEVICE: "/dev/kvm" });
    expect(full.status).toBe(0);
    expect(full.output).toContain("[kvm] kvm-ok: KVM acceleration can be used");
    expect(full.output).toContain("[kvm] probe: ok (API 12, KVM_CREATE_VM and KVM_CREATE_VCPU work)");
    expect(full.output).not.toContain("false negative");
    expect(full.output).toMatch(/\[kvm\] .*kvm: read\/write access for /);
    expect(full.output).toContain("nested virtualization: ready");
    const short = report({ STUB_KVM_OK_OUTPUT: CAPABLE, KVM_DEVICE: "/dev/kvm" }, ["--short"]);
    expect(short.output.trim()).toBe("kvm-ok: can be used | probe: VM+vCPU ok | /dev/kvm: rw");
  });

  it.skipIf(!realKvm)("explains kvm-ok's NOT as a false negative when the probe works", () => {
    const run = report({ STUB_KVM_OK_OUTPUT: INCAPABLE, STUB_KVM_OK_EXIT: "1", KVM_DEVICE: "/dev/kvm" });
    expect(run.output).toContain("kvm-ok: KVM acceleration can NOT be used");
    expect(run.output).toContain("kvm-ok's verdict is a false negative here");
    expect(run.output).toContain("nested virtualization: ready");
  });

  it("says not ready when the probe fails, whatever kvm-ok says, and that the workspace still works", () => {
    // A plain file stands in for a device node that is not KVM: the first ioctl fails.
    writeFileSync(kvm, "");
    const run = report({ STUB_KVM_OK_OUTPUT: CAPABLE });
    expect(run.status).toBe(0);
    expect(run.output).toContain("kvm-ok: KVM acceleration can be used");
    expect(run.output).toMatch(/\[kvm\] probe: failed at KVM_GET_API_VERSION: /);
    expect(run.output).toContain("nested virtualization: NOT available here; the workspace works");
    expect(report({ STUB_KVM_OK_OUTPUT: INCAPABLE, STUB_KVM_OK_EXIT: "1" }, ["--short"]).output.trim()).toBe(
      `kvm-ok: can NOT be used | probe: failed | ${kvm}: rw`,
    );
  });

  it("asks kvm-ok again through passwordless sudo when it gives no verdict as a user", () => {
    writeFileSync(kvm, "");
    const run = report({
      STUB_KVM_OK_OUTPUT: NON_ROOT_NO_FLAGS,
      STUB_KVM_OK_EXIT: "1",
      STUB_KVM_OK_ROOT_OUTPUT: INCAPABLE,
    });
    expect(run.calls).toEqual(["kvm-ok ", "sudo -n true", "sudo -n kvm-ok", "kvm-ok "]);
    expect(run.output).toContain("kvm-ok: KVM acceleration can NOT be used");
  });

  it("says why there is no verdict when sudo is not available", () => {
    writeFileSync(kvm, "");
    const run = report({ STUB_KVM_OK_OUTPUT: NON_ROOT_NO_FLAGS, STUB_KVM_OK_EXIT: "1", STUB_SUDO: "deny" });
    expect(run.output).toContain("kvm-ok: no verdict (INFO: Your CPU does not support KVM extensions)");
  });

  it("explains a missing device: not passed in by the provisioner, or turned off by the admin", () => {
    const auto = report({
      STUB_KVM_OK_OUTPUT: "INFO: /dev/kvm does not exist",
      SPT_KVM_PASSTHROUGH: "false",
    });
    expect(auto.status).toBe(0);
    expect(auto.output).toMatch(/kvm: not present: the Coder provisioner saw no .* kvm_passthrough = always/);
    expect(auto.output).toContain("nested virtualization: NOT available here");
    const never = report({ SPT_KVM_PASSTHROUGH: "false", SPT_KVM_PASSTHROUGH_MODE: "never" });
    expect(never.output).toContain("the template admin turned KVM passthrough off (kvm_passthrough = never)");
    expect(report({ SPT_KVM_PASSTHROUGH: "false" }, ["--short"]).output).toContain(
      `probe: not run | ${kvm}: missing`,
    );
  });

  it.skipIf(runningAsRoot)("reports a device the user cannot open", () => {
    writeFileSync(kvm, "");
    chmodSync(kvm, 0o000);
    const run = report({ STUB_KVM_OK_OUTPUT: CAPABLE });
    expect(run.output).toMatch(/present, but .* cannot read and write it/);
  });

  it("says whether /dev/net/tun is there when microVM networking was asked for", () => {
    const tun = join(box.dir, "tun");
    const missing = report({ SPT_MICROVM_NETWORKING: "true", TUN_DEVICE: tun });
    expect(missing.output).toContain(`microVM networking: requested, but ${tun} is not in the container`);
    writeFileSync(tun, "");
    expect(report({ SPT_MICROVM_NETWORKING: "true", TUN_DEVICE: tun }).output).toContain(
      `microVM networking: ${tun} is there for tap devices`,
    );
    expect(report({ TUN_DEVICE: tun }).output).not.toContain("microVM networking");
  });

  it("runs no KVM check when nested virtualization is off", () => {
    const run = report({ SPT_NESTED_VIRT: "false" });
    expect(run.calls).toEqual([]);
    expect(run.output).toContain("nested virtualization: off (enable_nested_virt = false)");
    expect(report({ SPT_NESTED_VIRT: "false" }, ["--short"]).output.trim()).toBe(
      "off (enable_nested_virt = false)",
    );
  });
});
