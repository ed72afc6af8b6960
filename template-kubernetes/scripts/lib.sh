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

# What the start scripts tell each other about this start only. The container (or pod) is new
# at every start, so its /tmp starts empty; the home volume would remember an older start.
SPT_RUN_DIR="${SPT_RUN_DIR:-${TMPDIR:-/tmp}/spt-flow-run}"
spt_run_mark() { mkdir -p "$SPT_RUN_DIR" && : >"$SPT_RUN_DIR/$1"; }
spt_run_marked() { [ -e "$SPT_RUN_DIR/$1" ]; }

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
    local list
    list=$(printf '%s, ' "${SPT_FAILED[@]}")
    spt_warn "failed steps: ${list%, } (they are retried at the next start)"
  fi
}

# Download sources, set by the template's admin variables; a mirror may stand in for each.
SPT_GITHUB_URL="${SPT_GITHUB_URL:-https://github.com}"
SPT_GITHUB_API_URL="${SPT_GITHUB_API_URL:-https://api.github.com}"
SPT_GO_DOWNLOAD_URL="${SPT_GO_DOWNLOAD_URL:-https://go.dev/dl}"
SPT_NODE_DOWNLOAD_URL="${SPT_NODE_DOWNLOAD_URL:-https://nodejs.org/dist}"
SPT_RUSTUP_DOWNLOAD_URL="${SPT_RUSTUP_DOWNLOAD_URL:-https://static.rust-lang.org/rustup}"

# spt_fetch URL FILE: download with retries; -f makes HTTP errors fail, and says which URL.
spt_fetch() {
  curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 20 -o "$2" "$1" || {
    spt_warn "download failed: $1"
    return 1
  }
}

# spt_sum_in_list LIST NAME: the sha256 for NAME in a checksum list ("<hex>  [*][dir/]NAME"
# lines), or the only hash of a one-line file that names nothing.
spt_sum_in_list() {
  awk -v n="$2" '
    { f = $2; sub(/^\*/, "", f); sub(/^.*\//, "", f) }
    NR == 1 && NF == 1 { single = $1 }
    f == n { print $1; found = 1; exit }
    END { if (!found && single != "") print single }' "$1"
}

# spt_verify FILE SHA256 NAME: fails with one clear line when FILE is not what was published.
spt_verify() {
  local got want
  want=$(printf '%s' "${2:-}" | tr 'A-F' 'a-f')
  if ! [[ $want =~ ^[0-9a-f]{64}$ ]]; then
    spt_warn "$3: no published sha256 found; not installed"
    return 1
  fi
  got=$(sha256sum "$1" | awk '{ print $1 }')
  if [ "$got" != "$want" ]; then
    spt_warn "$3: checksum mismatch (published $want, downloaded $got); not installed"
    return 1
  fi
  spt_log "$3: sha256 verified"
}

# spt_fetch_listed URL FILE LIST_URL: downloads URL and checks it against the project's
# checksum list at LIST_URL.
spt_fetch_listed() {
  local name=${1##*/} list="$2.sums"
  spt_fetch "$1" "$2" || return 1
  spt_fetch "$3" "$list" || return 1
  spt_verify "$2" "$(spt_sum_in_list "$list" "$name")" "$name"
}

# spt_fetch_github_asset OWNER/REPO TAG FILE ASSET...: the first of the ASSET names the release
# has, checked against the sha256 digest GitHub publishes for it, for projects that ship no
# checksum file of their own. Its "sha256 verified" line names the asset it took.
spt_fetch_github_asset() {
  local repo=$1 tag=$2 file=$3 picked asset digest
  shift 3
  spt_fetch "$SPT_GITHUB_API_URL/repos/$repo/releases/tags/$tag" "$file.release.json" || return 1
  picked=$(python3 - "$file.release.json" "$@" <<'PY'
import json, sys
assets = {a.get("name"): a for a in json.load(open(sys.argv[1])).get("assets", [])}
for name in sys.argv[2:]:
    if name in assets:
        print(name, (assets[name].get("digest") or "").removeprefix("sha256:"))
        break
PY
  )
  if [ -z "$picked" ]; then
    spt_warn "$repo $tag has none of the assets $*; not installed"
    return 1
  fi
  read -r asset digest <<<"$picked"
  spt_fetch "$SPT_GITHUB_URL/$repo/releases/download/$tag/$asset" "$file" || return 1
  spt_verify "$file" "$digest" "$asset"
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
