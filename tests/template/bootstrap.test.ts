import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callIndex, Sandbox } from "./helpers/sandbox.js";

const INIT_SCRIPT = "echo fake agent init";

describe("bootstrap.sh (root entrypoint) in a throwaway root", () => {
  let box: Sandbox;
  let kvm: string;

  beforeEach(() => {
    box = new Sandbox();
    mkdirSync(join(box.root, "etc", "skel"), { recursive: true });
    mkdirSync(join(box.root, "dev"));
    writeFileSync(join(box.root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    writeFileSync(join(box.root, "etc", "group"), "root:x:0:\nkvm:x:993:\n");
    writeFileSync(join(box.root, "etc", "skel", ".bashrc"), "# skel bashrc\n");
    kvm = join(box.root, "dev", "kvm");
  });
  afterEach(() => box.remove());

  function boot(env: Record<string, string> = {}) {
    return box.run("bootstrap.sh", { SPT_ROOT: box.root, FAKE_KVM: kvm, ...env }, [INIT_SCRIPT]);
  }
  const passwd = () => readFileSync(join(box.root, "etc", "passwd"), "utf8");
  const group = () => readFileSync(join(box.root, "etc", "group"), "utf8");

  it("installs the basics, creates coder with bash, joins the KVM group, then hands over", () => {
    writeFileSync(kvm, "");
    chmodSync(kvm, 0o660);
    const run = boot({ SPT_NESTED_VIRT: "true", FAKE_KVM_GID: "993" });
    expect(run.status, run.output).toBe(0);
    const install = run.calls.find((c) => c.startsWith("apt-get install"));
    for (const pkg of ["curl", "ca-certificates", "git", "sudo", "cpu-checker"])
      expect(install).toContain(` ${pkg}`);
    expect(callIndex(run.calls, "apt-get update")).toBeLessThan(callIndex(run.calls, "apt-get install"));
    expect(passwd()).toMatch(/^coder:x:1000:1000::\/home\/coder:\/bin\/bash$/m);
    // The device's GID already has a group in the image: reuse it.
    expect(run.calls).toContain("usermod -aG kvm coder");
    expect(group()).toMatch(/^kvm:x:993:coder$/m);
    expect(run.calls.filter((c) => c.startsWith("groupadd")).join()).not.toContain("kvm");
    const sudoers = join(box.root, "etc", "sudoers.d", "90-spt-flow");
    expect(readFileSync(sudoers, "utf8")).toBe("coder ALL=(ALL) NOPASSWD:ALL\n");
    expect(statSync(sudoers).mode & 0o777).toBe(0o440);
    expect(readFileSync(join(box.root, "home", "coder", ".bashrc"), "utf8")).toContain("skel");
    // The user's caches stay the user's, although root keeps its apt cache below ~/.cache.
    expect(run.calls).toContain(`chown 1000:1000 ${join(box.root, "home", "coder", ".cache")}`);
    expect(run.calls.find((c) => c.startsWith("apt-get install"))).toContain(
      `Dir::Cache::archives=${join(box.root, "home", "coder", ".cache", "spt-flow", "apt-archives")}`,
    );
    expect(run.calls.at(-1)).toBe(`runuser -u coder -- sh -c ${INIT_SCRIPT}`);
    expect(callIndex(run.calls, "useradd")).toBeLessThan(callIndex(run.calls, "runuser"));
  });

  it("does no repeated work on a second run, and still starts the agent", () => {
    writeFileSync(kvm, "");
    chmodSync(kvm, 0o660);
    boot({ SPT_NESTED_VIRT: "true", FAKE_KVM_GID: "993" });
    const again = boot({ SPT_NESTED_VIRT: "true", FAKE_KVM_GID: "993" });
    expect(again.status, again.output).toBe(0);
    expect(again.calls).toEqual([`runuser -u coder -- sh -c ${INIT_SCRIPT}`]);
    expect(passwd().match(/^coder:/gm)).toHaveLength(1);
  });

  it("seeds only the skeleton files that are missing, never over the user's own", () => {
    writeFileSync(join(box.root, "etc", "skel", ".profile"), "# skel profile\n");
    mkdirSync(join(box.root, "home", "coder"), { recursive: true });
    writeFileSync(join(box.root, "home", "coder", ".profile"), "# my profile\n");
    const run = boot({ SPT_NESTED_VIRT: "false" });
    expect(run.status, run.output).toBe(0);
    expect(readFileSync(join(box.root, "home", "coder", ".profile"), "utf8")).toBe("# my profile\n");
    expect(readFileSync(join(box.root, "home", "coder", ".bashrc"), "utf8")).toBe("# skel bashrc\n");
    expect(run.output).not.toContain("seeding ~/.profile");
  });

  it("creates a group for an unknown device GID and opens a root-only device to it", () => {
    writeFileSync(kvm, "");
    chmodSync(kvm, 0o600);
    const run = boot({ SPT_NESTED_VIRT: "true", FAKE_KVM_GID: "0" });
    expect(run.status, run.output).toBe(0);
    expect(run.calls).toContain(`chgrp kvm ${kvm}`);
    expect(statSync(kvm).mode & 0o777).toBe(0o660);
    expect(run.calls).toContain("usermod -aG kvm coder");

    const other = new Sandbox();
    try {
      mkdirSync(join(other.root, "etc"), { recursive: true });
      mkdirSync(join(other.root, "dev"));
      writeFileSync(join(other.root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\n");
      writeFileSync(join(other.root, "etc", "group"), "root:x:0:\n");
      const device = join(other.root, "dev", "kvm");
      writeFileSync(device, "");
      chmodSync(device, 0o660);
      const fresh = other.run(
        "bootstrap.sh",
        { SPT_ROOT: other.root, FAKE_KVM: device, FAKE_KVM_GID: "108", SPT_NESTED_VIRT: "true" },
        [INIT_SCRIPT],
      );
      expect(fresh.status, fresh.output).toBe(0);
      expect(fresh.calls).toContain("groupadd -g 108 kvm-host");
      expect(fresh.calls).toContain("usermod -aG kvm-host coder");
    } finally {
      other.remove();
    }
  });

  it("skips every KVM step when nested virtualization is off", () => {
    writeFileSync(kvm, "");
    const run = boot({ SPT_NESTED_VIRT: "false", FAKE_KVM_GID: "993" });
    expect(run.status, run.output).toBe(0);
    expect(run.calls.find((c) => c.startsWith("apt-get install"))).not.toContain("cpu-checker");
    expect(run.calls.filter((c) => /^(usermod -aG|chgrp|groupadd -g 993)/.test(c))).toEqual([]);
    expect(run.output).toContain("nested virtualization off");
  });

  it("starts without KVM and says so when the device is missing", () => {
    const run = boot({ SPT_NESTED_VIRT: "true" });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/nested virtualization requested, but .*kvm is not in the container/);
    expect(run.calls.at(-1)).toContain("runuser -u coder");
  });

  it("renames an image's existing uid-1000 user (ubuntu:24.04) instead of colliding", () => {
    writeFileSync(
      join(box.root, "etc", "passwd"),
      "root:x:0:0:root:/root:/bin/bash\nubuntu:x:1000:1000::/home/ubuntu:/bin/bash\n",
    );
    writeFileSync(join(box.root, "etc", "group"), "root:x:0:\nubuntu:x:1000:\n");
    const run = boot({ SPT_NESTED_VIRT: "false" });
    expect(run.status, run.output).toBe(0);
    expect(run.calls).toContain("usermod -l coder -d /home/coder -s /bin/bash ubuntu");
    expect(run.calls).toContain("groupmod -n coder ubuntu");
    expect(run.calls.filter((c) => c.startsWith("useradd"))).toEqual([]);
    expect(passwd()).toMatch(/^coder:x:1000:/m);
  });

  it("still hands over to the agent when apt-get fails", () => {
    const run = boot({ SPT_NESTED_VIRT: "false", STUB_APT_FAIL: "1" });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain("WARNING: apt-get failed");
    expect(run.calls.at(-1)).toContain("runuser -u coder");
  });
});
