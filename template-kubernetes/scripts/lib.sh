# shellcheck shell=bash
# GENERATED from template/scripts/lib.sh by `pnpm sync-templates`: edit the source, not this copy.
# Helpers shared by the spt-flow user scripts. Sourced, never run on its own.
#
# Only /home/coder survives a workspace stop (the container is destroyed), so every tool
# goes under $HOME and every finished step leaves a marker there: the next start skips it.

: "${HOME:?HOME must be set}"
SPT_PREFIX="${SPT_PREFIX:-$HOME/.local}"
SPT_STATE_DIR="${SPT_STATE_DIR:-$HOME/.local/state/spt-flow}"
SPT_LOG_TAG="${SPT_LOG_TAG:-spt-flow}"
SPT_FAILED=()

# The agent's env sets the same PATH; repeating it here keeps the scripts usable by hand.
PATH="$SPT_PREFIX/bin:$SPT_PREFIX/node/bin:$HOME/.npm-global/bin:$SPT_PREFIX/go/bin:$HOME/go/bin:$HOME/.cargo/bin:$PATH:/usr/sbin:/sbin"
export PATH

spt_log() { printf '[%s] %s\n' "$SPT_LOG_TAG" "$*"; }
# On stderr, so a warning inside $(...) still reaches the log.
spt_warn() { printf '[%s] WARNING: %s\n' "$SPT_LOG_TAG" "$*" >&2; }

# Coder hands parameter values over as strings ("true"/"false").
spt_is_true() {
  case "${1:-}" in
    true | TRUE | True | 1 | yes) return 0 ;;
    *) return 1 ;;
  esac
}

spt_marker_path() { printf '%s/done/%s\n' "$SPT_STATE_DIR" "$1"; }
spt_is_done() { [ -e "$(spt_marker_path "$1")" ]; }
spt_mark_done() {
  mkdir -p "$SPT_STATE_DIR/done"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$(spt_marker_path "$1")"
}

# spt_step LABEL MARKER COMMAND...: runs COMMAND in a subshell with errexit, once per MARKER.
# A failure is reported and remembered, and the caller goes on with the next step.
spt_step() {
  local label=$1 marker=$2 rc
  shift 2
  if spt_is_done "$marker"; then
    spt_log "$label: already done ($marker), skipping"
    return 0
  fi
  spt_log "$label: installing"
  # Not inside `if`: bash ignores errexit in a tested subshell, and each line must count.
  (
    set -euo pipefail
    "$@"
  )
  rc=$?
  if [ "$rc" -eq 0 ]; then
    spt_mark_done "$marker"
    spt_log "$label: done"
  else
    spt_warn "$label failed (exit $rc); the other tools are still installed"
    SPT_FAILED+=("$label")
  fi
  return 0
}

# Prints the failed steps, if any; the scripts still exit 0 so the workspace stays healthy.
spt_summary() {
  if [ "${#SPT_FAILED[@]}" -eq 0 ]; then
    spt_log "all steps succeeded"
  else
    spt_warn "failed steps: ${SPT_FAILED[*]} (they are retried at the next start)"
  fi
}

# spt_fetch URL FILE: download with retries; -f makes HTTP errors fail.
spt_fetch() {
  curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 20 -o "$2" "$1"
}

spt_tmpdir() { mktemp -d "${TMPDIR:-/tmp}/spt-flow.XXXXXX"; }

# The kernel's name for the CPU (x86_64, aarch64), as Firecracker and Kuasar name assets.
spt_machine() { uname -m; }

# Go-style architecture names (amd64, arm64), as Go, gh and most release assets use.
spt_goarch() {
  case "$(spt_machine)" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) return 1 ;;
  esac
}

# True when the current user can both read and write the KVM device.
spt_kvm_rw() {
  local dev="${KVM_DEVICE:-/dev/kvm}"
  [ -e "$dev" ] && [ -r "$dev" ] && [ -w "$dev" ]
}
