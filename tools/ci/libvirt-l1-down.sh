#!/usr/bin/env bash
# Stops what tools/ci/libvirt-l1-up.sh DIR started: its L1 domains, its libvirtd and virtlogd
# (by their pidfiles in DIR/lv/run only; another libvirtd on this machine is never touched).
set -uo pipefail
D=${1:?usage: libvirt-l1-down.sh DIR}
LV=$D/lv
URI="qemu:///system?socket=$LV/run/libvirt-sock"
if [ -S "$LV/run/libvirt-sock" ]; then
  virsh -c "$URI" list --name 2>/dev/null | while IFS= read -r dom; do
    [ -n "$dom" ] && virsh -c "$URI" destroy -- "$dom" >/dev/null 2>&1
  done
fi
stop() {
  local pidfile=$1 name=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "$name" "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$pidfile"
}
stop "$LV/run/libvirtd.pid" libvirtd
stop "$LV/run/virtlogd.pid" virtlogd
rm -f "$LV/run/libvirt-sock" "$LV/run/libvirt-sock-ro" "$LV/run/libvirt-admin-sock" "$LV/run/virtlogd-sock" "$LV/run/virtlogd-admin-sock"
exit 0
