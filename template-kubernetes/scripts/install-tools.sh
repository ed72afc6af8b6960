#!/usr/bin/env bash
# GENERATED from template/scripts/install-tools.sh by `pnpm sync-templates`: edit the source, not this copy.
# Installs the workspace's developer tools into $HOME (runs as the workspace user at each start).
# Each tool is one step: a finished step leaves a marker and is skipped next time, a failed one
# is reported and the others still run. Versions come from the template's admin variables.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SPT_LOG_TAG=tools

: "${SPT_NODE_VERSION:?set by the template}"
: "${SPT_GO_VERSION:?set by the template}"
: "${SPT_RUST_TOOLCHAIN:?set by the template}"
: "${SPT_GH_VERSION:?set by the template}"
: "${SPT_NEX_VERSION:?set by the template}"
: "${SPT_NATS_SERVER_VERSION:?set by the template}"
: "${SPT_WASH_VERSION:?set by the template}"
: "${SPT_FIRECRACKER_VERSION:?set by the template}"
: "${SPT_KUASAR_VERSION:?set by the template}"
SPT_NESTED_VIRT="${SPT_NESTED_VIRT:-false}"
SPT_INSTALL_WASM_TOOLS="${SPT_INSTALL_WASM_TOOLS:-false}"

# Node in $HOME: Turbo Flow's setup script keeps a Node it finds (v18-v24) instead of
# installing one under /usr, which a restart would wipe.
install_node() {
  local arch tmp base="$SPT_NODE_DOWNLOAD_URL/v$SPT_NODE_VERSION"
  case "$(spt_machine)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) return 1 ;;
  esac
  tmp=$(spt_tmpdir)
  spt_fetch_listed "$base/node-v$SPT_NODE_VERSION-linux-$arch.tar.xz" "$tmp/node.tar.xz" "$base/SHASUMS256.txt"
  rm -rf "$SPT_PREFIX/node"
  mkdir -p "$SPT_PREFIX/node"
  tar -C "$SPT_PREFIX/node" --strip-components=1 -xJf "$tmp/node.tar.xz"
  rm -rf "$tmp"
  # Global npm packages outside the Node folder survive a Node upgrade.
  touch "$HOME/.npmrc"
  grep -q '^prefix=' "$HOME/.npmrc" || echo "prefix=$HOME/.npm-global" >>"$HOME/.npmrc"
  mkdir -p "$HOME/.npm-global/bin"
}

# Go publishes the sha256 of every file in its download list (?mode=json&include=all).
install_go() {
  local tmp name
  name="go$SPT_GO_VERSION.linux-$(spt_goarch).tar.gz"
  tmp=$(spt_tmpdir)
  spt_fetch "$SPT_GO_DOWNLOAD_URL/$name" "$tmp/go.tar.gz"
  spt_fetch "$SPT_GO_DOWNLOAD_URL/?mode=json&include=all" "$tmp/go-downloads.json"
  spt_verify "$tmp/go.tar.gz" "$(python3 - "$tmp/go-downloads.json" "$name" <<'PY'
import json, sys
for release in json.load(open(sys.argv[1])):
    for f in release.get("files", []):
        if f.get("filename") == sys.argv[2]:
            print(f.get("sha256", ""))
            sys.exit(0)
PY
  )" "$name"
  rm -rf "$SPT_PREFIX/go"
  mkdir -p "$SPT_PREFIX/go"
  tar -C "$SPT_PREFIX/go" --strip-components=1 -xzf "$tmp/go.tar.gz"
  rm -rf "$tmp"
}

# The VS Code Go extension asks for gopls on first use; having it avoids that prompt.
install_gopls() {
  go install golang.org/x/tools/gopls@latest
}

# rustup-init itself (with its published .sha256) rather than the sh.rustup.rs script, which
# downloads it unchecked; rustup then verifies the toolchains it installs.
install_rust() {
  local tmp triple
  if [ ! -x "$HOME/.cargo/bin/rustup" ]; then
    triple="$(spt_machine)-unknown-linux-gnu"
    tmp=$(spt_tmpdir)
    spt_fetch_listed "$SPT_RUSTUP_DOWNLOAD_URL/dist/$triple/rustup-init" "$tmp/rustup-init" \
      "$SPT_RUSTUP_DOWNLOAD_URL/dist/$triple/rustup-init.sha256"
    chmod 0755 "$tmp/rustup-init"
    "$tmp/rustup-init" -y --no-modify-path --profile minimal --default-toolchain "$SPT_RUST_TOOLCHAIN"
    rm -rf "$tmp"
  fi
  rustup toolchain install "$SPT_RUST_TOOLCHAIN" --profile minimal
  # rust-analyzer needs the standard library sources.
  rustup component add --toolchain "$SPT_RUST_TOOLCHAIN" rust-src
}

# wasm32-wasi is gone since Rust 1.84: wasm32-wasip1 is its successor, and wash 2 builds
# components for wasm32-wasip2.
install_wasm_targets() {
  rustup target add --toolchain "$SPT_RUST_TOOLCHAIN" wasm32-wasip1 wasm32-wasip2 wasm32-unknown-unknown
}

install_gh() {
  local tmp name
  name="gh_${SPT_GH_VERSION}_linux_$(spt_goarch).tar.gz"
  local base="$SPT_GITHUB_URL/cli/cli/releases/download/v$SPT_GH_VERSION"
  tmp=$(spt_tmpdir)
  spt_fetch_listed "$base/$name" "$tmp/gh.tar.gz" "$base/gh_${SPT_GH_VERSION}_checksums.txt"
  rm -rf "$SPT_PREFIX/gh"
  mkdir -p "$SPT_PREFIX/gh" "$SPT_PREFIX/bin"
  tar -C "$SPT_PREFIX/gh" --strip-components=1 -xzf "$tmp/gh.tar.gz"
  ln -sfn ../gh/bin/gh "$SPT_PREFIX/bin/gh"
  rm -rf "$tmp"
}

# wash now lives in the wasmCloud/wasmCloud repository (its old install.sh is gone), released
# under tags wash-v<version> as one binary per target; the glibc build, else the static one.
install_wash() {
  local tmp machine
  machine=$(spt_machine)
  tmp=$(spt_tmpdir)
  spt_fetch_github_asset wasmCloud/wasmCloud "wash-v$SPT_WASH_VERSION" "$tmp/wash" \
    "wash-$machine-unknown-linux-gnu" "wash-$machine-unknown-linux-musl"
  mkdir -p "$SPT_PREFIX/bin"
  install -m 0755 "$tmp/wash" "$SPT_PREFIX/bin/wash"
  rm -rf "$tmp"
  wash --version
}

# Nex tags carry no v, and its go.mod's replace directive makes `go install` refuse it: the
# release binary it is.
install_nex() {
  local tmp name
  name="nex_${SPT_NEX_VERSION}_linux_$(spt_goarch)"
  local base="$SPT_GITHUB_URL/synadia-io/nex/releases/download/$SPT_NEX_VERSION"
  tmp=$(spt_tmpdir)
  spt_fetch_listed "$base/$name" "$tmp/nex" "$base/$name.sha256"
  mkdir -p "$SPT_PREFIX/bin"
  install -m 0755 "$tmp/nex" "$SPT_PREFIX/bin/nex"
  rm -rf "$tmp"
  nex --help >/dev/null
}

# nex nodes talk through NATS; a local nats-server lets nex run in the workspace.
install_nats_server() {
  local tmp dir
  dir="nats-server-v$SPT_NATS_SERVER_VERSION-linux-$(spt_goarch)"
  local base="$SPT_GITHUB_URL/nats-io/nats-server/releases/download/v$SPT_NATS_SERVER_VERSION"
  tmp=$(spt_tmpdir)
  spt_fetch_listed "$base/$dir.tar.gz" "$tmp/$dir.tar.gz" "$base/SHA256SUMS"
  tar -C "$tmp" -xzf "$tmp/$dir.tar.gz"
  mkdir -p "$SPT_PREFIX/bin"
  install -m 0755 "$tmp/$dir/nats-server" "$SPT_PREFIX/bin/nats-server"
  rm -rf "$tmp"
  nats-server --version
}

install_firecracker() {
  local tag="v$SPT_FIRECRACKER_VERSION" machine tmp base
  machine=$(spt_machine)
  base="$SPT_GITHUB_URL/firecracker-microvm/firecracker/releases/download/$tag"
  tmp=$(spt_tmpdir)
  spt_fetch_listed "$base/firecracker-$tag-$machine.tgz" "$tmp/firecracker.tgz" \
    "$base/firecracker-$tag-$machine.tgz.sha256.txt"
  tar -C "$tmp" -xzf "$tmp/firecracker.tgz"
  mkdir -p "$SPT_PREFIX/bin"
  install -m 0755 "$tmp/release-$tag-$machine/firecracker-$tag-$machine" "$SPT_PREFIX/bin/firecracker"
  install -m 0755 "$tmp/release-$tag-$machine/jailer-$tag-$machine" "$SPT_PREFIX/bin/jailer"
  rm -rf "$tmp"
  # Works without KVM: proves the binary runs here.
  firecracker --version
}

KUASAR_SANDBOXERS=(vmm-sandboxer quark-sandboxer wasm-sandboxer runc-sandboxer)

install_kuasar() {
  local dest="$SPT_PREFIX/kuasar/$SPT_KUASAR_VERSION" tmp name bin
  tmp=$(spt_tmpdir)
  spt_fetch_github_asset kuasar-io/kuasar "v$SPT_KUASAR_VERSION" "$tmp/kuasar.tar.gz" \
    "kuasar-v$SPT_KUASAR_VERSION-linux-amd64.tar.gz"
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -C "$dest" -xzf "$tmp/kuasar.tar.gz"
  rm -rf "$tmp"
  # The release job packs artifacts that lost their executable bits on the way.
  for name in "${KUASAR_SANDBOXERS[@]}" containerd; do
    while IFS= read -r bin; do chmod 0755 "$bin"; done < <(find "$dest" -type f -name "$name")
  done
  kuasar_smoke_check "$dest"
}

# Smoke check: each sandboxer binary exists and answers --help (a bare start would serve).
kuasar_smoke_check() {
  local dest=$1 name bin found=0
  for name in "${KUASAR_SANDBOXERS[@]}"; do
    bin=$(find "$dest" -type f -name "$name" -perm -u+x 2>/dev/null | head -n 1)
    if [ -z "$bin" ]; then
      spt_log "kuasar: $name not in the release archive"
    elif timeout 10 "$bin" --help >/dev/null 2>&1; then
      spt_log "kuasar: $name runs ($bin)"
      found=$((found + 1))
    else
      spt_warn "kuasar: $name is installed but does not start ($bin)"
    fi
  done
  [ "$found" -gt 0 ]
}

# Said at every start, installed or not: what Kuasar can and cannot do in this workspace.
kuasar_support_note() {
  spt_log "kuasar: not supported here: its sandboxers are root daemons behind containerd's CRI, which this workspace does not run; the binaries are for inspection and experiments with sudo."
  if spt_kvm_rw; then
    spt_log "kuasar: /dev/kvm is usable, so the vmm and quark sandboxers could start microVMs under sudo."
  else
    spt_log "kuasar: no usable /dev/kvm, so the vmm and quark sandboxers cannot start microVMs; wasm and runc sandboxers need no KVM."
  fi
}

main() {
  spt_step "Node.js $SPT_NODE_VERSION" "node@$SPT_NODE_VERSION" install_node
  # turbo-flow.sh waits for this Node; installed or not, it need not wait any longer.
  spt_run_mark node.tried
  spt_step "Go $SPT_GO_VERSION" "go@$SPT_GO_VERSION" install_go
  spt_step "gopls" "gopls" install_gopls
  spt_step "Rust ($SPT_RUST_TOOLCHAIN)" "rust@$SPT_RUST_TOOLCHAIN" install_rust
  if spt_is_true "$SPT_INSTALL_WASM_TOOLS"; then
    spt_step "Rust WASM targets" "wasm-targets@$SPT_RUST_TOOLCHAIN" install_wasm_targets
  else
    spt_log "Rust WASM targets: skipped (install_wasm_tools = false)"
  fi
  spt_step "GitHub CLI $SPT_GH_VERSION" "gh@$SPT_GH_VERSION" install_gh
  spt_step "wasmCloud wash $SPT_WASH_VERSION" "wash@$SPT_WASH_VERSION" install_wash
  spt_step "Synadia nex $SPT_NEX_VERSION" "nex@$SPT_NEX_VERSION" install_nex
  spt_step "NATS server $SPT_NATS_SERVER_VERSION" "nats-server@$SPT_NATS_SERVER_VERSION" install_nats_server

  if spt_is_true "$SPT_NESTED_VIRT"; then
    spt_step "Firecracker $SPT_FIRECRACKER_VERSION" "firecracker@$SPT_FIRECRACKER_VERSION" install_firecracker
    if [ "$(spt_machine)" != x86_64 ]; then
      spt_log "kuasar: skipped: release archives exist for x86_64 only, this is $(spt_machine)"
    elif ! spt_kvm_rw; then
      spt_log "kuasar: skipped: needs read/write access to ${KVM_DEVICE:-/dev/kvm} (see the KVM report)"
    else
      spt_step "Kuasar $SPT_KUASAR_VERSION" "kuasar@$SPT_KUASAR_VERSION" install_kuasar
      kuasar_support_note
    fi
  else
    spt_log "Firecracker and Kuasar: skipped (enable_nested_virt = false)"
  fi

  spt_summary
}

main "$@"
