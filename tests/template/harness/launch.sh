#!/usr/bin/env bash
# Starts one harness "container": run by the harness as root under
#   unshare --pid --fork --mount --kill-child --propagation private
# so this script is PID 1 of a new PID namespace with its own mounts, and it ends up exec'ing
# the container's entrypoint (or Docker's init in front of it) as that PID 1, chrooted into an
# overlay of the cached root filesystem. What it lays down comes from files the harness wrote
# from main.tf (see container.ts); nothing here restates the template.
#
# Inputs (environment): ROOTFS, RUN_DIR, HARNESS_DIR, RESULTS_DIR and in RUN_DIR the manifests
#   uploads.tsv  mode<TAB>container path<TAB>source file      (docker_container.upload)
#   volumes.tsv  container path<TAB>host folder                (docker_container.volumes)
#   devices.tsv  container path<TAB>host path                  (docker_container.devices)
#   env.bin, argv.bin: NUL-separated container env and command line (init + entrypoint)
set -euo pipefail
umask 022

merged="$RUN_DIR/merged"
mkdir -p "$RUN_DIR/upper" "$RUN_DIR/work" "$merged"
mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$RUN_DIR/upper,workdir=$RUN_DIR/work" "$merged"
mount -t proc proc "$merged/proc"

while IFS=$'\t' read -r target source; do
  [ -n "$target" ] || continue
  mkdir -p "$merged$target"
  mount --bind "$source" "$merged$target"
done <"$RUN_DIR/volumes.tsv"

# Docker extracts the upload tar into the container: missing folders 0755, files owned by root
# (the tar header names no owner), each with the mode the provider put in the header.
while IFS=$'\t' read -r mode target source; do
  [ -n "$target" ] || continue
  mkdir -p -m 0755 "$(dirname "$merged$target")"
  install -o 0 -g 0 -m "$mode" "$source" "$merged$target"
done <"$RUN_DIR/uploads.tsv"

# A device of its own for the container, with the host device's numbers, owner and mode (as
# runc creates it): never a bind mount, so a chmod or chgrp inside cannot reach the host's.
while IFS=$'\t' read -r target host; do
  [ -n "$target" ] || continue
  read -r major minor mode uid gid < <(stat -c '%t %T %a %u %g' "$host")
  mkdir -p "$(dirname "$merged$target")"
  rm -f "$merged$target"
  mknod -m "$mode" "$merged$target" c "$((16#$major))" "$((16#$minor))"
  chown "$uid:$gid" "$merged$target"
done <"$RUN_DIR/devices.tsv"

mkdir -p "$merged/spt-harness" "$merged/spt-results"
mount --bind -o ro "$HARNESS_DIR" "$merged/spt-harness"
mount --bind "$RESULTS_DIR" "$merged/spt-results"

mapfile -d '' -t env <"$RUN_DIR/env.bin"
mapfile -d '' -t argv <"$RUN_DIR/argv.bin"
exec chroot "$merged" /usr/bin/env -i "${env[@]}" "${argv[@]}"
