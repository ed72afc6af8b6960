#!/usr/bin/env bash
# Builds (once) the Debian root filesystem the template harness starts "containers" from, and
# prints its path. The packages are the ones template/scripts/bootstrap.sh installs, so the
# bootstrap finds them in place and nothing downloads while the tests run; tini stands in for
# Docker's docker-init (`init = true`). Cached in .cache/rootfs/<hash of suite and packages>/.
# Needs root and mmdebstrap (apt-get install mmdebstrap); .ci/run runs it before the tests.
# --built: build nothing; print the path and exit 0 when it is built, else exit 1 (the tests ask this, so that a
# plain `pnpm test` never starts a 600 MB build: SPT_TEMPLATE_HARNESS=1 opts in).
set -euo pipefail
only_check=false
[ "${1:-}" = "--built" ] && only_check=true
repo=$(cd "$(dirname "$0")/../../.." && pwd)
bootstrap="$repo/template/scripts/bootstrap.sh"
suite=bookworm

# The bash arrays BASE_PACKAGES=( ... ) and KVM_PACKAGES=( ... ), which may span lines.
packages=$(awk '
  /^(BASE|KVM)_PACKAGES=\(/ { grab = 1; sub(/^[A-Z_]+=\(/, "") }
  grab { line = $0; done = sub(/\).*$/, "", line); printf "%s ", line; if (done) grab = 0 }
' "$bootstrap" | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
[ -n "$packages" ] || { echo "build-rootfs: no package list found in $bootstrap" >&2; exit 1; }
packages=$(printf '%s\ntini\n' "$packages" | sort -u)

key=$(printf '%s\n%s\n' "$suite minbase" "$packages" | sha256sum | cut -c1-16)
cache="$repo/.cache/rootfs"
root="$cache/$key"
if [ -f "$root/.complete" ]; then
  echo "$root"
  exit 0
fi
$only_check && exit 1
command -v mmdebstrap >/dev/null || { echo "build-rootfs: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 1; }
mkdir -p "$cache"
# One builder at a time: parallel test files wait for the first one.
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$root/.complete" ]; then
  rm -rf "$root" "$root.tmp"
  mkdir -p "$root.tmp"
  echo "build-rootfs: mmdebstrap --variant=minbase $suite with $(echo "$packages" | wc -l) packages into $root" >&2
  # No apt sources afterwards: the rootfs can never reach an archive during a test.
  mmdebstrap --quiet --variant=minbase --include="$(echo "$packages" | paste -sd,)" \
    --customize-hook='rm -f "$1/etc/apt/sources.list" "$1"/etc/apt/sources.list.d/*' \
    --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
    "$suite" "$root.tmp/root" >&2
  printf '%s\n' "$packages" >"$root.tmp/packages"
  mv "$root.tmp" "$root"
  touch "$root/.complete"
  # Older builds of another package list are of no further use.
  find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} +
fi
echo "$root"
