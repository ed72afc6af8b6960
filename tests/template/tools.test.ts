import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FixtureVersions, writeDownloads } from "./harness/fixtures.js";
import { templateVersions } from "./harness/host.js";
import { type FixtureServer, serveFixtures } from "./harness/server.js";
import { Sandbox } from "./helpers/sandbox.js";
import { block, loadTemplate } from "./helpers/template.js";

// install-tools.sh and code-server.sh with real curl, tar, sha256sum and python3, against the
// harness's loopback downloads (real archives and checksum lists, with a wrong gh checksum and
// a missing NATS archive). tests/template/real-host.test.ts runs the same inside a container.
const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";
const UNAME_STUB = fileURLToPath(new URL("./stubs/uname", import.meta.url));

let env: Record<string, string>;
let v: FixtureVersions;
let fixtures: string;
let server: FixtureServer;

beforeAll(async () => {
  const template = await loadTemplate();
  const value = (name: string) => String(block(template, "variable", name).default);
  v = templateVersions(template);
  fixtures = mkdtempSync(join(tmpdir(), "spt-flow-tools-"));
  writeDownloads(fixtures, v);
  server = await serveFixtures(fixtures);
  // What the agent env passes: the versions and the download variables, here on loopback.
  env = {
    SPT_NODE_VERSION: v.node,
    SPT_GO_VERSION: v.go,
    SPT_RUST_TOOLCHAIN: value("rust_toolchain"),
    SPT_CODE_SERVER_VERSION: v.codeServer,
    SPT_GH_VERSION: v.gh,
    SPT_WASH_VERSION: v.wash,
    SPT_NEX_VERSION: v.nex,
    SPT_NATS_SERVER_VERSION: v.nats,
    SPT_FIRECRACKER_VERSION: v.firecracker,
    SPT_KUASAR_VERSION: v.kuasar,
    SPT_GITHUB_URL: `${server.url}/github`,
    SPT_GITHUB_API_URL: `${server.url}/api`,
    SPT_GO_DOWNLOAD_URL: `${server.url}/go`,
    SPT_NODE_DOWNLOAD_URL: `${server.url}/node`,
    SPT_RUSTUP_DOWNLOAD_URL: `${server.url}/rustup`,
  };
});

afterAll(async () => {
  await server?.close();
  if (fixtures) rmSync(fixtures, { recursive: true, force: true });
});

describe("install-tools.sh against loopback downloads", () => {
  let box: Sandbox;
  let kvm: string;

  beforeEach(() => {
    box = new Sandbox();
    kvm = join(box.dir, "kvm");
    writeFileSync(kvm, "");
  });
  afterEach(() => box.remove());

  function install(extra: Record<string, string> = {}, path = SYSTEM_PATH) {
    return box.runAsync(
      "install-tools.sh",
      { ...env, SPT_NESTED_VIRT: "true", SPT_INSTALL_WASM_TOOLS: "true", KVM_DEVICE: kvm, ...extra },
      path,
    );
  }
  const asked = (from: number) => server.requests.slice(from).map((r) => r.path);
  const rustupCalls = () => readFileSync(join(box.home, ".cargo", "rustup-calls.log"), "utf8");

  it("installs every tool it can verify, and fails just the wrong and the missing download", async () => {
    const run = await install();
    expect(run.status, run.output).toBe(0);
    for (const step of [
      "Node.js",
      "Go",
      "gopls",
      "Rust",
      "Rust WASM targets",
      "wasmCloud wash",
      "Synadia nex",
      "Firecracker",
      "Kuasar",
    ]) {
      expect(run.output, step).toMatch(new RegExp(`\\] ${step}( \\S+)?: done`));
    }
    expect(run.output).toMatch(
      /gh_\S+: checksum mismatch \(published (ab)+, downloaded [0-9a-f]{64}\); not installed/,
    );
    expect(run.output).toMatch(/download failed: \S+\/nats-server-v\S+-linux-amd64\.tar\.gz/);
    expect(run.output).toMatch(/failed steps: GitHub CLI \S+, NATS server \S+ \(they are retried/);
    expect(rustupCalls()).toContain(
      "rustup target add --toolchain stable wasm32-wasip1 wasm32-wasip2 wasm32-unknown-unknown",
    );
    expect(rustupCalls()).toContain("rustup component add --toolchain stable rust-src");
    expect(readFileSync(join(box.home, ".npmrc"), "utf8")).toContain(`prefix=${box.home}/.npm-global`);
    expect(run.output).toMatch(/kuasar: not supported here: .*containerd/);
  });

  it("tells turbo-flow.sh, for this start only, that Node was tried, also when it failed", async () => {
    const run = await install({ SPT_NODE_DOWNLOAD_URL: `${server.url}/offline` });
    expect(run.output).toMatch(/Node\.js \S+ failed \(exit 1\)/);
    // In the container's /tmp, which is new at every start.
    expect(existsSync(join(box.dir, "tmp", "spt-flow-run", "node.tried"))).toBe(true);
  });

  it("does no repeated work on a second run, and retries only what failed", async () => {
    await install();
    const from = server.requests.length;
    const again = await install();
    expect(again.output).toMatch(/Go \S+: already done/);
    expect(asked(from)).toEqual([
      `/github/cli/cli/releases/download/v${v.gh}/gh_${v.gh}_linux_amd64.tar.gz`,
      `/github/cli/cli/releases/download/v${v.gh}/gh_${v.gh}_checksums.txt`,
      `/github/nats-io/nats-server/releases/download/v${v.nats}/nats-server-v${v.nats}-linux-amd64.tar.gz`,
    ]);
  });

  it("takes wash's static build when a release has no glibc one, and says so when it has neither", async () => {
    const tag = `wash-v${v.wash}`;
    const api = join(fixtures, "api/repos/wasmCloud/wasmCloud/releases/tags", tag);
    const dir = join(fixtures, "github/wasmCloud/wasmCloud/releases/download", tag);
    const original = readFileSync(api, "utf8");
    try {
      writeFileSync(api, original.replaceAll("linux-gnu", "linux-musl"));
      renameSync(join(dir, "wash-x86_64-unknown-linux-gnu"), join(dir, "wash-x86_64-unknown-linux-musl"));
      const musl = await install();
      expect(musl.output).toContain("wash-x86_64-unknown-linux-musl: sha256 verified");
      expect(musl.output).toMatch(/wasmCloud wash \S+: done/);
      writeFileSync(api, JSON.stringify({ assets: [] }));
      rmSync(join(box.home, ".local/state/spt-flow/done", `wash@${v.wash}`));
      const none = await install();
      expect(none.output).toContain(
        `wasmCloud/wasmCloud ${tag} has none of the assets wash-x86_64-unknown-linux-gnu wash-x86_64-unknown-linux-musl; not installed`,
      );
    } finally {
      writeFileSync(api, original);
      if (existsSync(join(dir, "wash-x86_64-unknown-linux-musl")))
        renameSync(join(dir, "wash-x86_64-unknown-linux-musl"), join(dir, "wash-x86_64-unknown-linux-gnu"));
    }
  });

  it("adds no wasm targets when install_wasm_tools is false", async () => {
    const run = await install({ SPT_INSTALL_WASM_TOOLS: "false" });
    expect(run.output).toContain("Rust WASM targets: skipped (install_wasm_tools = false)");
    expect(rustupCalls()).not.toContain("wasm32");
    expect(rustupCalls()).toContain("rust-src");
  });

  it("takes no KVM steps when nested virtualization is off", async () => {
    const from = server.requests.length;
    const run = await install({ SPT_NESTED_VIRT: "false" });
    expect(run.output).toContain("Firecracker and Kuasar: skipped (enable_nested_virt = false)");
    expect(asked(from).filter((p) => /firecracker|kuasar/.test(p))).toEqual([]);
  });

  it("skips Kuasar without read/write /dev/kvm", async () => {
    const noKvm = await install({ KVM_DEVICE: join(box.dir, "missing-kvm") });
    expect(noKvm.output).toMatch(/kuasar: skipped: needs read\/write access/);
    expect(noKvm.output).toMatch(/Firecracker \S+: done/);
  });

  it("asks for the arm64 and aarch64 assets on aarch64, and skips Kuasar there", async () => {
    const arm = join(box.dir, "arm-bin");
    mkdirSync(arm);
    copyFileSync(UNAME_STUB, join(arm, "uname"));
    chmodSync(join(arm, "uname"), 0o755);
    const from = server.requests.length;
    const run = await install({ STUB_MACHINE: "aarch64" }, `${arm}:${SYSTEM_PATH}`);
    expect(run.output).toContain("kuasar: skipped: release archives exist for x86_64 only, this is aarch64");
    expect(run.output).toContain(
      "has none of the assets wash-aarch64-unknown-linux-gnu wash-aarch64-unknown-linux-musl",
    );
    const paths = asked(from).join("\n");
    for (const name of [
      `node-v${v.node}-linux-arm64.tar.xz`,
      `gh_${v.gh}_linux_arm64.tar.gz`,
      "aarch64-unknown-linux-gnu/rustup-init",
      `firecracker-v${v.firecracker}-aarch64.tgz`,
    ]) {
      expect(paths).toContain(name);
    }
  });
});

describe("code-server.sh against loopback downloads", () => {
  let box: Sandbox;
  beforeEach(() => {
    box = new Sandbox();
  });
  afterEach(() => box.remove());

  const start = () =>
    box.runAsync(
      "code-server.sh",
      { ...env, SPT_REPO_DIR: box.home, SPT_CODE_SERVER_PORT: "1" },
      SYSTEM_PATH,
    );

  it("installs the checked release into ~/.local with both extensions, and does it once", async () => {
    const run = await start();
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(`code-server-${v.codeServer}-linux-amd64.tar.gz: sha256 verified`);
    expect(run.output).toContain("Extension 'golang.go' was successfully installed.");
    expect(run.output).toContain("Extension 'rust-lang.rust-analyzer' was successfully installed.");
    expect(run.output).toContain("starting on 127.0.0.1:1");
    expect(box.hasInHome(`.local/lib/code-server-${v.codeServer}/bin/code-server`)).toBe(true);
    const again = await start();
    expect(again.output).not.toContain("installing");
  });
});
