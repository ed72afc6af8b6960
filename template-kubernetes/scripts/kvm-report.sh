#!/usr/bin/env bash
# GENERATED from template/scripts/kvm-report.sh by `pnpm sync-templates`: edit the source, not this copy.
# Says whether KVM (nested virtualization) is usable in this workspace: kvm-ok's verdict, read/write
# access to /dev/kvm, and a functional probe that creates a VM and a vCPU on it. kvm-ok only reads
# the CPU flags and checks that /dev/kvm exists, so the probe is what decides "ready".
# Without arguments it prints a report for the startup log;
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
SPT_MICROVM_NETWORKING="${SPT_MICROVM_NETWORKING:-false}"
TUN_DEVICE="${TUN_DEVICE:-/dev/net/tun}"

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

# The probe asks the device itself, as a VMM would: KVM_GET_API_VERSION must answer 12, then
# KVM_CREATE_VM and KVM_CREATE_VCPU must each return a new file descriptor.
kvm_probe() {
  if [ ! -e "$KVM_DEVICE" ]; then
    echo "not run (no $KVM_DEVICE)"
    return 0
  fi
  if ! command -v python3 >/dev/null 2>&1; then
    echo "not run (python3 missing)"
    return 0
  fi
  timeout 10 python3 - "$KVM_DEVICE" <<'PY' 2>&1 || true
import fcntl, os, sys
KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_CREATE_VCPU = 0xAE00, 0xAE01, 0xAE41
step = "open"
try:
    kvm = os.open(sys.argv[1], os.O_RDWR | os.O_CLOEXEC)
    step = "KVM_GET_API_VERSION"
    version = fcntl.ioctl(kvm, KVM_GET_API_VERSION, 0)
    if version != 12:
        print(f"failed: KVM_GET_API_VERSION answered {version}, not 12")
        sys.exit(0)
    step = "KVM_CREATE_VM"
    vm = fcntl.ioctl(kvm, KVM_CREATE_VM, 0)
    step = "KVM_CREATE_VCPU"
    vcpu = fcntl.ioctl(vm, KVM_CREATE_VCPU, 0)
    for fd in (vcpu, vm, kvm):
        os.close(fd)
    print("ok (API 12, KVM_CREATE_VM and KVM_CREATE_VCPU work)")
except OSError as error:
    print(f"failed at {step}: {error.strerror}")
PY
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
      *) echo "the Coder provisioner saw no KVM on its host (neither /sys/class/misc/kvm nor /dev/kvm), so it was not passed in (kvm_passthrough = $SPT_KVM_PASSTHROUGH_MODE); if the workspace host does have KVM (the provisioner runs elsewhere), an admin can set kvm_passthrough = always" ;;
    esac
  else
    echo "it was requested from Docker but is absent in the container"
  fi
}

probe_ok() { [[ $1 == ok* ]]; }

report_short() {
  local verdict=$1 access=$2 probe=$3
  case "$verdict" in
    "KVM acceleration can be used") verdict="can be used" ;;
    "KVM acceleration can NOT be used") verdict="can NOT be used" ;;
    "not installed"*) verdict="not installed" ;;
    *) verdict="no verdict" ;;
  esac
  case "$probe" in
    ok*) probe="VM+vCPU ok" ;;
    "not run"*) probe="not run" ;;
    *) probe="failed" ;;
  esac
  echo "kvm-ok: $verdict | probe: $probe | $KVM_DEVICE: $access"
}

report_full() {
  local verdict=$1 access=$2 probe=$3
  spt_log "kvm-ok: $verdict"
  spt_log "probe: $probe"
  if probe_ok "$probe" && [ "$verdict" != "KVM acceleration can be used" ]; then
    spt_log "kvm-ok's verdict is a false negative here: it only reads the CPU flags (vmx/svm) in /proc/cpuinfo, which this host hides, while $KVM_DEVICE really creates VMs and vCPUs."
  fi
  case "$access" in
    rw) spt_log "$KVM_DEVICE: read/write access for $(id -un)" ;;
    missing) spt_log "$KVM_DEVICE: not present: $(missing_reason)" ;;
    denied) spt_log "$KVM_DEVICE: present, but $(id -un) cannot read and write it (groups: $(id -Gn)); restarting the workspace lets the bootstrap grant access" ;;
  esac
  if spt_is_true "$SPT_MICROVM_NETWORKING"; then
    if [ -e "$TUN_DEVICE" ]; then
      spt_log "microVM networking: $TUN_DEVICE is there for tap devices (creating them needs sudo: NET_ADMIN)"
    else
      spt_log "microVM networking: requested, but $TUN_DEVICE is not in the container"
    fi
  fi
  if probe_ok "$probe"; then
    spt_log "nested virtualization: ready (Firecracker and other KVM tools can start microVMs)"
  else
    spt_log "nested virtualization: NOT available here; the workspace works, but microVMs (Firecracker, Kuasar) will not start. Host requirements: see the template README."
  fi
}

main() {
  local verdict access probe
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
  probe=$(kvm_probe)
  if [ "${1:-}" = --short ]; then
    report_short "$verdict" "$access" "$probe"
  else
    report_full "$verdict" "$access" "$probe"
  fi
}

main "$@"
exit 0
