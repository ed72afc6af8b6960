#!/usr/bin/env bash
# Clones the Turbo Flow repository into the home folder and runs its setup script once.
# Runs as a non-blocking start script: the user can log in while setup (5-10 minutes) works.
# Output goes to a log file; a marker records success so the next start skips the setup.
# Turbo Flow's devpods/setup.sh exits 0 whatever happened, so success is judged by what it
# leaves behind, not by its exit code.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SPT_LOG_TAG=turbo-flow

: "${SPT_REPO_URL:?set by the template}"
: "${SPT_SETUP_SCRIPT:?set by the template}"
SPT_REPO_DIR="${SPT_REPO_DIR:-$HOME/$(basename "${SPT_REPO_URL%/}" .git)}"
# Turbo Flow's devcontainer uses the clone as the workspace folder and clone/agents for the
# agent library; its setup script reads both but sets neither.
export WORKSPACE_FOLDER="${WORKSPACE_FOLDER:-$SPT_REPO_DIR}"
export AGENTS_DIR="${AGENTS_DIR:-$SPT_REPO_DIR/agents}"
# How long to wait for install-tools.sh's Node before setup falls back to its own install.
SPT_NODE_WAIT_SECONDS="${SPT_NODE_WAIT_SECONDS:-900}"
# The template sets the coder_script's timeout 10 minutes above this, so a hung setup is
# reported here instead of being killed with the status still "running".
SPT_SETUP_TIMEOUT="${SPT_SETUP_TIMEOUT:-4800}"

SETUP_LOG="$SPT_STATE_DIR/setup.log"
SETUP_STATUS="$SPT_STATE_DIR/setup.status"
SETUP_MARKER="$SPT_STATE_DIR/setup.done"

set_status() {
  mkdir -p "$SPT_STATE_DIR"
  echo "$1" >"$SETUP_STATUS"
}

# git@ and ssh:// hosts must be known before a non-interactive clone.
trust_ssh_host() {
  local host
  case "$SPT_REPO_URL" in
    ssh://*) host=${SPT_REPO_URL#ssh://} host=${host#*@} host=${host%%/*} host=${host%%:*} ;;
    https://*) return 0 ;;
    *@*:*) host=${SPT_REPO_URL#*@} host=${host%%:*} ;;
    *) return 0 ;;
  esac
  mkdir -p "$HOME/.ssh"
  chmod 700 "$HOME/.ssh"
  if ! ssh-keygen -F "$host" -f "$HOME/.ssh/known_hosts" >/dev/null 2>&1; then
    ssh-keyscan -T 10 "$host" >>"$HOME/.ssh/known_hosts" 2>/dev/null || spt_warn "ssh-keyscan $host failed"
  fi
}

clone_repo() {
  if [ -d "$SPT_REPO_DIR/.git" ]; then
    spt_log "repository already in $SPT_REPO_DIR"
    return 0
  fi
  if [ -e "$SPT_REPO_DIR" ] && [ -n "$(ls -A "$SPT_REPO_DIR" 2>/dev/null)" ]; then
    spt_warn "$SPT_REPO_DIR exists and is not a git clone; not cloning over it"
    return 1
  fi
  trust_ssh_host
  spt_log "cloning $SPT_REPO_URL into $SPT_REPO_DIR"
  git clone -- "$SPT_REPO_URL" "$SPT_REPO_DIR"
}

# The parameter's regex already refuses absolute paths and `..`; this also catches a symlink
# in the clone that points outside it.
resolve_setup_script() {
  local repo path
  repo=$(realpath "$SPT_REPO_DIR") || return 1
  path=$(realpath -m "$SPT_REPO_DIR/$SPT_SETUP_SCRIPT") || return 1
  case "$path" in
    "$repo"/*) ;;
    *)
      spt_warn "setup script $SPT_SETUP_SCRIPT resolves outside the repository ($path)"
      return 1
      ;;
  esac
  if [ ! -f "$path" ]; then
    spt_warn "setup script $SPT_SETUP_SCRIPT not found in $SPT_REPO_DIR"
    return 1
  fi
  printf '%s\n' "$path"
}

# Until install-tools.sh has tried Node at this start: an offline host fails that at once, and
# waiting the whole SPT_NODE_WAIT_SECONDS for it kept the workspace from being ready.
wait_for_node() {
  local waited=0 marker="node@${SPT_NODE_VERSION:-}"
  [ -n "${SPT_NODE_VERSION:-}" ] || return 0
  while ! spt_is_done "$marker" && ! spt_run_marked node.tried && [ "$waited" -lt "$SPT_NODE_WAIT_SECONDS" ]; do
    sleep 5
    waited=$((waited + 5))
  done
  if spt_is_done "$marker"; then
    return 0
  elif spt_run_marked node.tried; then
    spt_log "Node from install-tools.sh failed at this start (see the Developer tools log); the setup script may install its own"
  else
    spt_log "Node from install-tools.sh is not ready after $waited s; the setup script may install its own"
  fi
}

# What a finished Turbo Flow setup leaves: claude on PATH, .claude-flow/ in the clone, the agent
# library in $AGENTS_DIR and the alias block in ~/.bashrc. Prints what is missing.
missing_traits() {
  local missing=()
  # The session PATH (agent env) plus where Claude's installer and npm put claude.
  PATH="$HOME/.local/bin:$HOME/.claude/bin:$HOME/.npm-global/bin:$PATH" command -v claude >/dev/null 2>&1 ||
    missing+=("claude on PATH")
  [ -d "$SPT_REPO_DIR/.claude-flow" ] || missing+=(".claude-flow/")
  [ -n "$(find "$AGENTS_DIR" -maxdepth 1 -name '*.md' -print -quit 2>/dev/null)" ] ||
    missing+=("agents in $AGENTS_DIR")
  grep -q '^# === TURBO FLOW ALIASES' "$HOME/.bashrc" 2>/dev/null || missing+=("aliases in ~/.bashrc")
  local IFS=,
  printf '%s' "${missing[*]}" | sed 's/,/, /g'
}

run_setup() {
  local script rc missing
  # The marker names the script that succeeded: choosing another one runs it once too.
  if [ -f "$SETUP_MARKER" ] && [ "$(cat "$SETUP_MARKER")" = "$SPT_SETUP_SCRIPT" ]; then
    spt_log "$SPT_SETUP_SCRIPT already ran successfully (delete $SETUP_MARKER to run it again)"
    set_status "done"
    return 0
  fi
  script=$(resolve_setup_script) || {
    set_status "failed: setup script not usable"
    return 1
  }
  wait_for_node
  mkdir -p "$AGENTS_DIR"
  set_status "running since $(date -u +%H:%M) UTC, log: $SETUP_LOG"
  spt_log "running $SPT_SETUP_SCRIPT (log: $SETUP_LOG)"
  (
    echo "=== $SPT_SETUP_SCRIPT started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    # timeout signals the whole process group, so a hung child (claude doctor) ends too.
    cd "$SPT_REPO_DIR" && timeout --kill-after=30 "$SPT_SETUP_TIMEOUT" bash "$script" </dev/null
    rc=$?
    echo "=== $SPT_SETUP_SCRIPT exited with $rc"
    exit "$rc"
  ) >"$SETUP_LOG" 2>&1
  rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    set_status "failed (timeout), log: $SETUP_LOG"
    spt_warn "$SPT_SETUP_SCRIPT did not finish within $SPT_SETUP_TIMEOUT s and was stopped; it runs again at the next start (see $SETUP_LOG)"
    return 1
  fi
  if [ "$rc" -ne 0 ]; then
    set_status "failed (exit $rc), log: $SETUP_LOG"
    spt_warn "$SPT_SETUP_SCRIPT failed with exit $rc; see $SETUP_LOG"
    return 1
  fi
  missing=$(missing_traits)
  if [ -n "$missing" ]; then
    set_status "partial: missing $missing; log: $SETUP_LOG"
    spt_warn "$SPT_SETUP_SCRIPT exited 0 but left no $missing; it runs again at the next start (see $SETUP_LOG)"
    return 1
  fi
  echo "$SPT_SETUP_SCRIPT" >"$SETUP_MARKER"
  set_status "done"
  spt_log "$SPT_SETUP_SCRIPT finished; open a new terminal for the Turbo Flow aliases"
}

report() {
  local agents=0
  [ -d "$AGENTS_DIR" ] && agents=$(find "$AGENTS_DIR" -maxdepth 1 -name '*.md' | wc -l)
  spt_log "agent library: $agents agent files in $AGENTS_DIR"
  if command -v claude >/dev/null 2>&1; then
    spt_log "claude: $(command -v claude)"
  else
    spt_log "claude: not on PATH yet"
  fi
}

main() {
  if ! clone_repo; then
    set_status "failed: could not clone $SPT_REPO_URL"
    spt_warn "clone failed; the setup script does not run"
    return 0
  fi
  run_setup
  report
}

main "$@"
