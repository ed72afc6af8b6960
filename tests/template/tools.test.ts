import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "./helpers/sandbox.js";
import { block, loadTemplate } from "./helpers/template.js";

/** Stands in for the code-server and wash installers (both URLs end in install.sh). */
function fakeInstaller(box: Sandbox): void {
  box.fixture("install.sh", [
    `printf "install.sh %s INSTALL_DIR=%s\\n" "$*" "\${INSTALL_DIR:-}" >>"$STUB_LOG"`,
  ]);
}

/** The versions a workspace gets: the template variables' defaults, as the agent env passes them. */
let versions: Record<string, string>;

beforeAll(async () => {
  const template = await loadTemplate();
  const value = (name: string) => String(block(template, "variable", name).default);
  versions = {
    SPT_NODE_VERSION: value("node_version"),
    SPT_GO_VERSION: value("go_version"),
    SPT_RUST_TOOLCHAIN: value("rust_toolchain"),
    SPT_CODE_SERVER_VERSION: value("code_server_version"),
    SPT_GH_VERSION: value("gh_version"),
    SPT_NEX_VERSION: value("nex_version"),
    SPT_FIRECRACKER_VERSION: value("firecracker_version"),
    SPT_KUASAR_VERSION: value("kuasar_version"),
  };
});

describe("install-tools.sh with stubbed downloads", () => {
  let box: Sandbox;
  let kvm: string;

  beforeEach(() => {
    box = new Sandbox();
    fakeInstaller(box);
    kvm = join(box.dir, "kvm");
    writeFileSync(kvm, "");
    const fc = `v${versions.SPT_FIRECRACKER_VERSION}`;
    for (const machine of ["x86_64", "aarch64"]) {
      box.fixture(`firecracker-${fc}-${machine}.tgz`, [
        `release-${fc}-${machine}/firecracker-${fc}-${machine}`,
        `release-${fc}-${machine}/jailer-${fc}-${machine}`,
      ]);
    }
    const kuasar = `kuasar-v${versions.SPT_KUASAR_VERSION}-linux-amd64`;
    box.fixture(
      `${kuasar}.tar.gz`,
      ["vmm-sandboxer", "wasm-sandboxer", "runc-sandboxer"].map((b) => `${kuasar}/bin/${b}`),
    );
  });
  afterEach(() => box.remove());

  function install(env: Record<string, string> = {}) {
    return box.run("install-tools.sh", {
      ...versions,
      SPT_NESTED_VIRT: "true",
      SPT_INSTALL_WASM_TOOLS: "true",
      KVM_DEVICE: kvm,
      ...env,
    });
  }
  const downloads = (calls: string[]) => calls.filter((c) => c.startsWith("curl "));

  it("installs every tool into $HOME, wasm targets and KVM tools included", () => {
    const run = install();
    expect(run.status, run.output).toBe(0);
    const urls = downloads(run.calls).join("\n");
    expect(urls).toContain(
      `nodejs.org/dist/v${versions.SPT_NODE_VERSION}/node-v${versions.SPT_NODE_VERSION}-linux-x64.tar.xz`,
    );
    expect(urls).toContain(`go.dev/dl/go${versions.SPT_GO_VERSION}.linux-amd64.tar.gz`);
    expect(urls).toContain("sh.rustup.rs");
    expect(urls).toContain(`cli/cli/releases/download/v${versions.SPT_GH_VERSION}/`);
    expect(urls).toContain("wasmcloud/wash");
    expect(urls).toContain("firecracker-microvm/firecracker/releases/download/");
    expect(urls).toContain("kuasar-io/kuasar/releases/download/");
    expect(run.calls).toContain(
      `rustup target add --toolchain ${versions.SPT_RUST_TOOLCHAIN} wasm32-wasip1 wasm32-unknown-unknown`,
    );
    expect(run.calls).toContain("go install golang.org/x/tools/gopls@latest");
    expect(run.calls).toContain(`go install github.com/synadia-io/nex/cmd/nex@v${versions.SPT_NEX_VERSION}`);
    expect(run.calls).toContain(`install.sh  INSTALL_DIR=${box.home}/.local/bin`);
    expect(run.calls).toContain("firecracker --version");
    expect(run.calls).toContain("vmm-sandboxer --help");
    expect(box.hasInHome(".local/bin/firecracker")).toBe(true);
    expect(box.hasInHome(".local/bin/jailer")).toBe(true);
    expect(readFileSync(join(box.home, ".npmrc"), "utf8")).toContain(`prefix=${box.home}/.npm-global`);
    expect(run.output).toContain("all steps succeeded");
    expect(run.output).toMatch(/kuasar: not supported here: .*containerd/);
    for (const marker of [
      "node@",
      "go@",
      "gopls",
      "rust@",
      "wasm-targets@",
      "gh@",
      "wash",
      "nex@",
      "firecracker@",
      "kuasar@",
    ]) {
      expect(run.output, marker).not.toContain(`WARNING: ${marker}`);
    }
  });

  it("does no repeated work on a second run", () => {
    install();
    const again = install();
    expect(again.status, again.output).toBe(0);
    expect(
      again.calls.filter((c) => /^(curl|tar|rustup|go|wash|firecracker|vmm-sandboxer) /.test(c)),
    ).toEqual([]);
    expect(again.output).toMatch(/Go .*: already done/);
  });

  it("adds no wasm targets when install_wasm_tools is false", () => {
    const run = install({ SPT_INSTALL_WASM_TOOLS: "false" });
    expect(run.status, run.output).toBe(0);
    expect(run.calls.filter((c) => c.includes("wasm32"))).toEqual([]);
    expect(run.output).toContain("Rust WASM targets: skipped (install_wasm_tools = false)");
    expect(run.calls.some((c) => c.startsWith("rustup component add"))).toBe(true);
  });

  it("takes no KVM steps when nested virtualization is off", () => {
    const run = install({ SPT_NESTED_VIRT: "false" });
    expect(run.status, run.output).toBe(0);
    expect(run.calls.filter((c) => /firecracker|kuasar|sandboxer/.test(c))).toEqual([]);
    expect(run.output).toContain("Firecracker and Kuasar: skipped (enable_nested_virt = false)");
  });

  it("keeps installing the other tools when one fails, and retries only that one", () => {
    const run = install({ STUB_FAIL_URL: "go\\.dev/dl/" });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/WARNING: Go \S+ failed/);
    expect(run.output).toMatch(/WARNING: failed steps: Go \S+/);
    const urls = downloads(run.calls).join("\n");
    for (const later of ["sh.rustup.rs", "cli/cli/releases", "wasmcloud/wash", "firecracker-microvm"]) {
      expect(urls).toContain(later);
    }
    const retry = install();
    expect(downloads(retry.calls).map((c) => c.replace(/^.* /, ""))).toEqual([
      `https://go.dev/dl/go${versions.SPT_GO_VERSION}.linux-amd64.tar.gz`,
    ]);
  });

  it("skips Kuasar without read/write /dev/kvm, and off x86_64, saying why", () => {
    const noKvm = install({ KVM_DEVICE: join(box.dir, "missing-kvm") });
    expect(noKvm.output).toMatch(/kuasar: skipped: needs read\/write access/);
    expect(noKvm.calls.filter((c) => c.includes("kuasar"))).toEqual([]);
    expect(noKvm.calls).toContain("firecracker --version");

    const arm = new Sandbox();
    try {
      const run = arm.run("install-tools.sh", {
        ...versions,
        SPT_NESTED_VIRT: "true",
        SPT_INSTALL_WASM_TOOLS: "true",
        KVM_DEVICE: kvm,
        STUB_MACHINE: "aarch64",
      });
      expect(run.output).toContain(
        "kuasar: skipped: release archives exist for x86_64 only, this is aarch64",
      );
      const urls = downloads(run.calls).join("\n");
      expect(urls).toContain("linux-arm64.tar.gz");
      expect(urls).toContain("node-v");
      expect(urls).toContain("-linux-arm64.tar.xz");
    } finally {
      arm.remove();
    }
  });
});

describe("code-server.sh with stubbed downloads", () => {
  let box: Sandbox;
  beforeEach(() => {
    box = new Sandbox();
    fakeInstaller(box);
  });
  afterEach(() => box.remove());

  const start = () => box.run("code-server.sh", { ...versions, SPT_REPO_DIR: box.home });

  it("installs code-server into ~/.local with both extensions, then starts it", async () => {
    const run = start();
    expect(run.status, run.output).toBe(0);
    expect(run.calls[0]).toMatch(/^curl .* https:\/\/code-server\.dev\/install\.sh$/);
    expect(run.calls[1]).toBe(
      `install.sh --method standalone --prefix ${box.home}/.local --version ${versions.SPT_CODE_SERVER_VERSION} INSTALL_DIR=`,
    );
    expect(run.calls.filter((c) => c.startsWith("code-server --install-extension"))).toEqual([
      "code-server --install-extension golang.go",
      "code-server --install-extension rust-lang.rust-analyzer",
    ]);
    // The server is started in the background; give it a moment to record its call.
    let calls: string[] = [];
    for (let i = 0; i < 40 && !calls.some((c) => c.startsWith("code-server --auth")); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      calls = box.allCalls();
    }
    expect(calls).toContain(
      `code-server --auth none --disable-telemetry --bind-addr 127.0.0.1:13337 ${box.home}`,
    );
  });

  it("does not reinstall code-server or its extensions on a second run", () => {
    start();
    const again = start();
    expect(again.calls.filter((c) => c.includes("install"))).toEqual([]);
    expect(again.calls.filter((c) => c.includes("code-server.dev"))).toEqual([]);
  });
});
