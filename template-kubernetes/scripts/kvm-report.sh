#!/usr/bin/env bash
# GENERATED from template/scripts/kvm-report.sh by `pnpm sync-templates`: edit the source, not this copy.
# Says whether KVM (nested virtualization) is usable in this workspace: kvm-ok's verdict plus
# read/write access to /dev/kvm. Without arguments it prints a report for the startup log;
# with --short, one line for the agent metadata item. Always exits 0: no KVM is a state, not a
# failure, and the workspace works without it.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SPT_LOG_TAG=kvm

KVM_DEVICE="${KVM_DEVICE:-/dev/kvm}"
SPT_NESTED_VIRT="${SPT_NESTED_VIRT:-false}"
SPT_KVM_PASSTHROUGH="${SPT_KVM_PASSTHROUGH:-$SPT_NESTED_VIRT}"
SPT_KVM_PASSTHROUGH_MODE="${SPT_KVM_PASSTHROUGH_MODE:-auto}"

# kvm-ok prints its verdict line only as root when the CPU flags are missing, so a verdict-less
# run is repeated through passwordless sudo when that is available.
kvm_ok_output() {
  local out
  out=$(timeout 20 kvm-ok 2>&1)
  if ! grep -q 'KVM acceleration can' <<<"$out" && sudo -n true >/dev/null 2>&1; then
    out=$(timeout 20 sudo -n kvm-ok 2>&1)
  fi
  printf '%s\n' "$out"
}

# "KVM acceleration can be used", "... can NOT be used", or why there is no verdict.
# kvm-ok comes from cpu-checker, which the bootstrap installs only with nested virtualization.
kvm_verdict() {
  local out line
  if ! command -v kvm-ok >/dev/null 2>&1; then
    echo "not installed (package cpu-checker)"
    return 0
  fi
  out=$(kvm_ok_output)
  line=$(grep -m 1 'KVM acceleration can' <<<"$out")
  if [ -n "$line" ]; then
    printf '%s\n' "$line"
  else
    line=$(grep -E '^(INFO|HINT|kvm-ok)' <<<"$out" | head -n 1)
    printf 'no verdict (%s)\n' "${line:-no output}"
  fi
}

kvm_access() {
  if [ ! -e "$KVM_DEVICE" ]; then
    echo missing
  elif spt_kvm_rw; then
    echo rw
  else
    echo denied
  fi
}

missing_reason() {
  if ! spt_is_true "$SPT_KVM_PASSTHROUGH"; then
    case "$SPT_KVM_PASSTHROUGH_MODE" in
      never) echo "the template admin turned KVM passthrough off (kvm_passthrough = never)" ;;
      *) echo "the Coder provisioner saw no $KVM_DEVICE on the Docker host, so it was not passed in (kvm_passthrough = $SPT_KVM_PASSTHROUGH_MODE); if the host does have KVM, an admin can set kvm_passthrough = always" ;;
    esac
  else
    echo "it was requested from Docker but is absent in the container"
  fi
}

report_short() {
  local verdict=$1 access=$2
  case "$verdict" in
    "KVM acceleration can be used") verdict="can be used" ;;
    "KVM acceleration can NOT be used") verdict="can NOT be used" ;;
    "not installed"*) verdict="not installed" ;;
    *) verdict="no verdict" ;;
  esac
  echo "kvm-ok: $verdict | $KVM_DEVICE: $access"
}

report_full() {
  local verdict=$1 access=$2
  spt_log "kvm-ok: $verdict"
  case "$access" in
    rw) spt_log "$KVM_DEVICE: read/write access for $(id -un)" ;;
    missing) spt_log "$KVM_DEVICE: not present: $(missing_reason)" ;;
    denied) spt_log "$KVM_DEVICE: present, but $(id -un) cannot read and write it (groups: $(id -Gn)); restarting the workspace lets the bootstrap grant access" ;;
  esac
  if [ "$access" = rw ] && [ "$verdict" = "KVM acceleration can be used" ]; then
    spt_log "nested virtualization: ready (Firecracker and other KVM tools can start microVMs)"
  else
    spt_log "nested virtualization: NOT available here; the workspace works, but microVMs (Firecracker, Kuasar) will not start. Host requirements: see the template README."
  fi
}

main() {
  local verdict access
  if ! spt_is_true "$SPT_NESTED_VIRT"; then
    if [ "${1:-}" = --short ]; then
      echo "off (enable_nested_virt = false)"
    else
      spt_log "nested virtualization: off (enable_nested_virt = false); no KVM checks"
    fi
    return 0
  fi
  verdict=$(kvm_verdict)
  access=$(kvm_access)
  if [ "${1:-}" = --short ]; then
    report_short "$verdict" "$access"
  else
    report_full "$verdict" "$access"
  fi
}

main "$@"
exit 0
