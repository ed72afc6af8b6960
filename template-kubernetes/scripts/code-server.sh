#!/usr/bin/env bash
# GENERATED from template/scripts/code-server.sh by `pnpm sync-templates`: edit the source, not this copy.
# Installs code-server into $HOME with the Go and rust-analyzer extensions, then starts it for
# the template's coder_app. Separate from install-tools.sh so the editor is up before the slow
# toolchain downloads finish (Coder runs start scripts in parallel).
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SPT_LOG_TAG=code-server

: "${SPT_CODE_SERVER_VERSION:?set by the template}"
SPT_CODE_SERVER_PORT="${SPT_CODE_SERVER_PORT:-13337}"
# Extensions come from Open VSX, code-server's default gallery.
CODE_SERVER_EXTENSIONS=(golang.go rust-lang.rust-analyzer)

# The release archive, laid out as code-server's install.sh --method standalone does it
# (~/.local/lib/code-server-<version>, linked from ~/.local/bin), but checked against the
# digest GitHub publishes, which the install script does not do.
install_code_server() {
  local tmp name
  name="code-server-$SPT_CODE_SERVER_VERSION-linux-$(spt_goarch)"
  tmp=$(spt_tmpdir)
  spt_fetch_github_asset coder/code-server "v$SPT_CODE_SERVER_VERSION" "$tmp/$name.tar.gz" "$name.tar.gz"
  mkdir -p "$SPT_PREFIX/lib" "$SPT_PREFIX/bin"
  rm -rf "$SPT_PREFIX/lib/code-server-$SPT_CODE_SERVER_VERSION"
  tar -C "$tmp" -xzf "$tmp/$name.tar.gz"
  mv "$tmp/$name" "$SPT_PREFIX/lib/code-server-$SPT_CODE_SERVER_VERSION"
  ln -sfn "../lib/code-server-$SPT_CODE_SERVER_VERSION/bin/code-server" "$SPT_PREFIX/bin/code-server"
  rm -rf "$tmp"
}

install_extension() {
  code-server --install-extension "$1"
}

start_code_server() {
  local folder="${SPT_REPO_DIR:-$HOME}" log="$SPT_STATE_DIR/code-server.log"
  if curl -fsS "http://127.0.0.1:$SPT_CODE_SERVER_PORT/healthz" >/dev/null 2>&1; then
    spt_log "already running on port $SPT_CODE_SERVER_PORT"
    return 0
  fi
  if ! command -v code-server >/dev/null 2>&1; then
    spt_warn "code-server is not installed; the code-server app stays unavailable"
    return 0
  fi
  [ -d "$folder" ] || folder=$HOME
  mkdir -p "$SPT_STATE_DIR"
  spt_log "starting on 127.0.0.1:$SPT_CODE_SERVER_PORT (log: $log)"
  # Detached with its own output, so this script can end and the agent does not wait on it.
  nohup code-server --auth none --disable-telemetry --bind-addr "127.0.0.1:$SPT_CODE_SERVER_PORT" "$folder" \
    >"$log" 2>&1 </dev/null &
}

main() {
  local ext
  spt_step "code-server $SPT_CODE_SERVER_VERSION" "code-server@$SPT_CODE_SERVER_VERSION" install_code_server
  for ext in "${CODE_SERVER_EXTENSIONS[@]}"; do
    spt_step "extension $ext" "code-server-extension@$ext" install_extension "$ext"
  done
  start_code_server
  spt_summary
}

main "$@"
