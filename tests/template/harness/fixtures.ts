import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Small stand-ins for every artifact the template downloads, laid out under the same paths as
 * upstream (below one prefix per download variable), with the checksum files each project
 * publishes. The "binaries" are shell scripts that answer the smoke checks the scripts run.
 * Two deliberate faults: the GitHub CLI's checksum list names a wrong sha256, and the NATS
 * server archive is missing (HTTP 404).
 */
export interface FixtureVersions {
  node: string;
  go: string;
  gh: string;
  wash: string;
  nex: string;
  nats: string;
  firecracker: string;
  kuasar: string;
  codeServer: string;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

export function write(root: string, path: string, text: string, mode = 0o644): string {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

const script = (body: string) => `#!/bin/sh\n${body}\n`;
const answers = (text: string) => script(`echo "${text}"`);

/** A tar archive of `files` (path -> [text, mode]) under one top folder; `flags` picks gzip or xz. */
function archive(
  root: string,
  path: string,
  top: string,
  files: Record<string, [string, number]>,
  flags: string,
) {
  const stage = join(root, ".stage", top);
  for (const [name, [text, mode]] of Object.entries(files)) write(stage, name, text, mode);
  const out = join(root, path);
  mkdirSync(dirname(out), { recursive: true });
  execFileSync("tar", [flags, out, "--owner=0", "--group=0", "-C", join(root, ".stage"), top]);
  return out;
}

/** A release JSON as GitHub's API gives it: every asset with its sha256 digest. */
function githubRelease(root: string, repo: string, tag: string, assets: string[]) {
  write(
    root,
    `api/repos/${repo}/releases/tags/${tag}`,
    JSON.stringify({
      tag_name: tag,
      assets: assets.map((file) => ({ name: file.split("/").pop(), digest: `sha256:${sha256(file)}` })),
    }),
  );
}

const FAKE_GO = script(`case "$1" in
  version) echo "go version go$GO_VERSION linux/amd64" ;;
  install)
    case "$2" in
      github.com/synadia-io/nex/*)
        # What the real go command says: cmd/nex's go.mod has a replace directive.
        echo "go: $2 (in github.com/synadia-io/nex): The go.mod file for the module providing named packages contains one or more replace directives." >&2
        exit 1 ;;
    esac
    name=\${2%@*}; name=\${name##*/}
    mkdir -p "$HOME/go/bin" && printf '#!/bin/sh\\necho %s\\n' "$name" >"$HOME/go/bin/$name" && chmod 0755 "$HOME/go/bin/$name" ;;
  *) echo "go (fixture): $*" >&2; exit 2 ;;
esac`);

// rustup-init lays a rustup that records what it was asked, as the real one would install it.
const FAKE_RUSTUP_INIT = script(`mkdir -p "$HOME/.cargo/bin"
cat >"$HOME/.cargo/bin/rustup" <<'EOF'
#!/bin/sh
echo "rustup $*" >>"$HOME/.cargo/rustup-calls.log"
EOF
chmod 0755 "$HOME/.cargo/bin/rustup"
echo "rustup-init $*" >>"$HOME/.cargo/rustup-calls.log"`);

const FAKE_CODE_SERVER = script(`case "$1" in
  --install-extension) mkdir -p "$HOME/.local/share/code-server/extensions/$2" && echo "Extension '$2' was successfully installed." ;;
  --version) echo "$CODE_SERVER_VERSION" ;;
  # Serving: stays up a moment, then exits, as an orphan of the start script.
  *) sleep 1 ;;
esac`);

/** Writes every artifact below `root`. */
export function writeDownloads(root: string, v: FixtureVersions): void {
  const node = `node-v${v.node}-linux-x64`;
  const nodeArchive = archive(
    root,
    `node/v${v.node}/${node}.tar.xz`,
    node,
    {
      "bin/node": [answers(`v${v.node}`), 0o755],
      "bin/npm": [answers("10.9.2"), 0o755],
    },
    "-cJf",
  );
  write(
    root,
    `node/v${v.node}/SHASUMS256.txt`,
    `${"0".repeat(64)}  node-v${v.node}-darwin-arm64.tar.gz\n${sha256(nodeArchive)}  ${node}.tar.xz\n`,
  );

  const goName = `go${v.go}.linux-amd64.tar.gz`;
  const goArchive = archive(
    root,
    `go/${goName}`,
    "go",
    { "bin/go": [FAKE_GO.replace("$GO_VERSION", v.go), 0o755] },
    "-czf",
  );
  write(
    root,
    "go/index.html",
    JSON.stringify([
      {
        version: `go${v.go}`,
        stable: true,
        files: [{ filename: goName, os: "linux", arch: "amd64", sha256: sha256(goArchive) }],
      },
    ]),
  );

  const rustupInit = write(root, "rustup/dist/x86_64-unknown-linux-gnu/rustup-init", FAKE_RUSTUP_INIT, 0o755);
  write(
    root,
    "rustup/dist/x86_64-unknown-linux-gnu/rustup-init.sha256",
    `${sha256(rustupInit)}  *rustup-init\n`,
  );

  const gh = `gh_${v.gh}_linux_amd64`;
  archive(
    root,
    `github/cli/cli/releases/download/v${v.gh}/${gh}.tar.gz`,
    gh,
    { "bin/gh": [answers(`gh version ${v.gh}`), 0o755] },
    "-czf",
  );
  // Fault 1: the published checksum does not match the archive.
  write(
    root,
    `github/cli/cli/releases/download/v${v.gh}/gh_${v.gh}_checksums.txt`,
    `${"ab".repeat(32)}  ${gh}.tar.gz\n`,
  );

  const washTag = `wash-v${v.wash}`;
  const wash = write(
    root,
    `github/wasmCloud/wasmCloud/releases/download/${washTag}/wash-x86_64-unknown-linux-gnu`,
    answers(`wash ${v.wash}`),
    0o755,
  );
  githubRelease(root, "wasmCloud/wasmCloud", washTag, [wash]);

  const nex = `nex_${v.nex}_linux_amd64`;
  const nexBinary = write(
    root,
    `github/synadia-io/nex/releases/download/${v.nex}/${nex}`,
    answers(`nex ${v.nex}`),
    0o755,
  );
  write(
    root,
    `github/synadia-io/nex/releases/download/${v.nex}/${nex}.sha256`,
    `${sha256(nexBinary)}  ${nex}\n`,
  );

  // Fault 2: the NATS server archive is not there (404); its checksum list is.
  write(
    root,
    `github/nats-io/nats-server/releases/download/v${v.nats}/SHA256SUMS`,
    `${"1".repeat(64)}  nats-server-v${v.nats}-linux-amd64.tar.gz\n`,
  );

  const fc = `v${v.firecracker}`;
  const fcName = `firecracker-${fc}-x86_64.tgz`;
  const fcArchive = archive(
    root,
    `github/firecracker-microvm/firecracker/releases/download/${fc}/${fcName}`,
    `release-${fc}-x86_64`,
    {
      [`firecracker-${fc}-x86_64`]: [answers(`Firecracker ${fc}`), 0o755],
      [`jailer-${fc}-x86_64`]: [answers(`Jailer ${fc}`), 0o755],
    },
    "-czf",
  );
  write(
    root,
    `github/firecracker-microvm/firecracker/releases/download/${fc}/${fcName}.sha256.txt`,
    `${sha256(fcArchive)}  ${fcName}\n`,
  );

  // Kuasar's release job packs artifacts that lost their executable bits: 0644 here too.
  const kuasar = `kuasar-v${v.kuasar}-linux-amd64`;
  const sandboxer = answers("usage: sandboxer --listen <socket> --dir <dir>");
  const kuasarArchive = archive(
    root,
    `github/kuasar-io/kuasar/releases/download/v${v.kuasar}/${kuasar}.tar.gz`,
    kuasar,
    {
      "vmm-sandboxer": [sandboxer, 0o644],
      "quark-sandboxer": [sandboxer, 0o644],
      "wasm-sandboxer": [sandboxer, 0o644],
      "runc-sandboxer": [sandboxer, 0o644],
      containerd: [answers("containerd (kuasar)"), 0o644],
      "config.toml": ["version = 2\n", 0o644],
    },
    "-czf",
  );
  githubRelease(root, "kuasar-io/kuasar", `v${v.kuasar}`, [kuasarArchive]);

  const cs = `code-server-${v.codeServer}-linux-amd64`;
  const csArchive = archive(
    root,
    `github/coder/code-server/releases/download/v${v.codeServer}/${cs}.tar.gz`,
    cs,
    {
      "bin/code-server": [FAKE_CODE_SERVER.replace("$CODE_SERVER_VERSION", v.codeServer), 0o755],
    },
    "-czf",
  );
  githubRelease(root, "coder/code-server", `v${v.codeServer}`, [csArchive]);
}

/** Clears both faults: the GitHub CLI's true checksum, and a NATS server archive with its sums. */
export function repairDownloads(root: string, v: FixtureVersions): void {
  const gh = `gh_${v.gh}_linux_amd64`;
  const base = `github/cli/cli/releases/download/v${v.gh}`;
  write(
    root,
    `${base}/gh_${v.gh}_checksums.txt`,
    `${sha256(join(root, base, `${gh}.tar.gz`))}  ${gh}.tar.gz\n`,
  );
  const nats = `nats-server-v${v.nats}-linux-amd64`;
  const natsBase = `github/nats-io/nats-server/releases/download/v${v.nats}`;
  const natsArchive = archive(
    root,
    `${natsBase}/${nats}.tar.gz`,
    nats,
    { "nats-server": [answers(`nats-server: v${v.nats}`), 0o755] },
    "-czf",
  );
  write(root, `${natsBase}/SHA256SUMS`, `${sha256(natsArchive)}  ${nats}.tar.gz\n`);
}
