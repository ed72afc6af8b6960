#!/usr/bin/env bash
# GENERATED from template/scripts/bootstrap.sh by `pnpm sync-templates`: edit the source, not this copy.
# Container entrypoint, run as root at every start (the container is recreated each time):
# installs what a bare apt-based image lacks, creates the non-root workspace user, grants it
# /dev/kvm, then hands over to the Coder agent's init script (passed as $1) as that user.
#
# SPT_ROOT prefixes every file this script writes, so tests can run it in a throwaway folder.
set -uo pipefail

SPT_ROOT="${SPT_ROOT:-}"
SPT_USER="${SPT_USER:-coder}"
SPT_UID="${SPT_UID:-1000}"
SPT_HOME="${SPT_HOME:-/home/$SPT_USER}"
SPT_NESTED_VIRT="${SPT_NESTED_VIRT:-false}"
KVM_DEVICE="${KVM_DEVICE:-$SPT_ROOT/dev/kvm}"
HOME_DIR="$SPT_ROOT$SPT_HOME"
PASSWD="$SPT_ROOT/etc/passwd"
GROUP="$SPT_ROOT/etc/group"
# Kept on the home volume so a restart reinstalls from the cache instead of downloading.
APT_ARCHIVES="$HOME_DIR/.cache/spt-flow/apt-archives"

# curl or wget: the agent's init script downloads the agent; git and ssh: the clone;
# build tools, python3, jq, tmux: Turbo Flow's setup script and its aliases; xz-utils: Node.
BASE_PACKAGES=(ca-certificates curl git openssh-client sudo gnupg jq build-essential python3
  tmux htop less procps unzip xz-utils direnv)
# kvm-ok lives in cpu-checker.
KVM_PACKAGES=(cpu-checker)

log() { printf '[bootstrap] %s\n' "$*"; }
warn() { printf '[bootstrap] WARNING: %s\n' "$*"; }

is_true() { [ "${1:-}" = true ]; }

passwd_field() { # NAME FIELD: a field of NAME's passwd line
  awk -F: -v n="$1" -v f="$2" '$1 == n { print $f; exit }' "$PASSWD" 2>/dev/null
}
user_with_uid() { awk -F: -v u="$1" '$3 == u { print $1; exit }' "$PASSWD" 2>/dev/null; }
group_with_gid() { awk -F: -v g="$1" '$3 == g { print $1; exit }' "$GROUP" 2>/dev/null; }
group_gid() { awk -F: -v n="$1" '$1 == n { print $3; exit }' "$GROUP" 2>/dev/null; }
in_group() { # USER GROUP
  awk -F: -v u="$1" -v g="$2" '$1 == g { n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) found = 1 }
    END { exit !found }' "$GROUP" 2>/dev/null
}

install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "packages already present: $*"
    return 0
  fi
  log "installing ${missing[*]}"
  mkdir -p "$APT_ARCHIVES/partial"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq &&
    apt-get install -y -qq --no-install-recommends -o "Dir::Cache::archives=$APT_ARCHIVES" "${missing[@]}"
}

# ubuntu:24.04 and later ship a user "ubuntu" with uid 1000: rename it instead of colliding.
ensure_user() {
  local other
  if [ -n "$(passwd_field "$SPT_USER" 1)" ]; then
    log "user $SPT_USER exists"
    return 0
  fi
  other=$(user_with_uid "$SPT_UID")
  if [ -n "$other" ]; then
    log "renaming user $other (uid $SPT_UID) to $SPT_USER"
    usermod -l "$SPT_USER" -d "$SPT_HOME" -s /bin/bash "$other" || return 1
    if [ -n "$(group_gid "$other")" ] && [ -z "$(group_gid "$SPT_USER")" ]; then
      groupmod -n "$SPT_USER" "$other" || return 1
    fi
    return 0
  fi
  log "creating user $SPT_USER (uid $SPT_UID)"
  if [ -z "$(group_gid "$SPT_USER")" ]; then
    if [ -z "$(group_with_gid "$SPT_UID")" ]; then
      groupadd -g "$SPT_UID" "$SPT_USER" || return 1
    else
      groupadd "$SPT_USER" || return 1
    fi
  fi
  # bash, not useradd's default sh: the agent runs scripts and terminals with the login shell.
  useradd -u "$SPT_UID" -g "$SPT_USER" -d "$SPT_HOME" -s /bin/bash "$SPT_USER"
}

ensure_home() {
  local gid entry dir
  gid=$(passwd_field "$SPT_USER" 4)
  gid=${gid:-$SPT_UID}
  mkdir -p "$HOME_DIR"
  # A new Docker volume mounted where the image has no folder belongs to root.
  if [ "$(stat -c %u "$HOME_DIR")" != "$SPT_UID" ]; then
    chown "$SPT_UID:$gid" "$HOME_DIR" || warn "could not chown $HOME_DIR"
  fi
  # The volume hides the image's home: copy the skeleton files that are missing, never over
  # the user's own.
  for entry in "$SPT_ROOT/etc/skel"/.[!.]* "$SPT_ROOT/etc/skel"/*; do
    if [ ! -e "$entry" ] || [ -e "$HOME_DIR/${entry##*/}" ]; then continue; fi
    log "seeding ~/${entry##*/} from /etc/skel"
    cp -r "$entry" "$HOME_DIR/" && chown -R "$SPT_UID:$gid" "$HOME_DIR/${entry##*/}"
  done
  # Made here, as the user's, so the root-owned apt cache below cannot claim ~/.cache.
  for dir in "$HOME_DIR/.cache" "$HOME_DIR/.cache/spt-flow"; do
    [ -d "$dir" ] || { mkdir -p "$dir" && chown "$SPT_UID:$gid" "$dir"; }
  done
}

ensure_sudo() {
  local file="$SPT_ROOT/etc/sudoers.d/90-spt-flow" line="$SPT_USER ALL=(ALL) NOPASSWD:ALL"
  if [ "$(cat "$file" 2>/dev/null)" = "$line" ]; then
    return 0
  fi
  mkdir -p "$(dirname "$file")"
  echo "$line" >"$file"
  chmod 0440 "$file"
  log "passwordless sudo for $SPT_USER"
}

# Docker's group_add would be lost when runuser rebuilds the groups from /etc/group, so the
# user joins a group with the device's GID here, before the switch.
grant_kvm() {
  local gid group mode
  gid=$(stat -c %g "$KVM_DEVICE") || return 1
  if [ "$gid" = 0 ]; then
    # Some hosts leave the device root:root; regroup the container's own device node.
    group=kvm
    [ -n "$(group_gid "$group")" ] || groupadd -r "$group" || return 1
    chgrp "$group" "$KVM_DEVICE" || return 1
  else
    group=$(group_with_gid "$gid")
    if [ -z "$group" ]; then
      group=kvm-host
      groupadd -g "$gid" "$group" || return 1
    fi
  fi
  mode=$(stat -c %a "$KVM_DEVICE") || return 1
  # Group read+write is the 6 in the middle digit; the host may set 0600.
  case "${mode: -2:1}" in
    6 | 7) ;;
    *) chmod g+rw "$KVM_DEVICE" || return 1 ;;
  esac
  if in_group "$SPT_USER" "$group"; then
    log "$SPT_USER already in group $group for $KVM_DEVICE"
  else
    usermod -aG "$group" "$SPT_USER" || return 1
    log "$SPT_USER added to group $group (gid $(group_gid "$group")) for $KVM_DEVICE"
  fi
}

main() {
  local init_script=${1:-}
  if [ -z "$init_script" ]; then
    warn "usage: bootstrap.sh AGENT_INIT_SCRIPT"
    return 2
  fi
  local packages=("${BASE_PACKAGES[@]}")
  is_true "$SPT_NESTED_VIRT" && packages+=("${KVM_PACKAGES[@]}")
  # useradd and groupadd are in every apt-based image, so the user comes first.
  ensure_user || warn "could not create user $SPT_USER"
  ensure_home
  install_packages "${packages[@]}" || warn "apt-get failed; the agent or some tools may not work"
  ensure_sudo
  if ! is_true "$SPT_NESTED_VIRT"; then
    log "nested virtualization off: no KVM setup"
  elif [ -e "$KVM_DEVICE" ]; then
    grant_kvm || warn "could not grant $SPT_USER access to $KVM_DEVICE"
  else
    warn "nested virtualization requested, but $KVM_DEVICE is not in the container; the workspace starts without KVM"
  fi
  cd "$HOME_DIR" || true
  log "starting the Coder agent as $SPT_USER"
  exec runuser -u "$SPT_USER" -- sh -c "$init_script"
}

main "$@"
