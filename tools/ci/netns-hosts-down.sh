#!/usr/bin/env bash
# Stops what tools/ci/netns-hosts-up.sh DIR started: the two sshds and dummy nova-computes (by
# their pidfiles), any other process left in the two namespaces (by id), then the namespaces
# smog-hosta and smog-hostb (their veths go with them). Safe to run twice.
set -uo pipefail
D=${1:?usage: netns-hosts-down.sh DIR}
# A zombie (killed, not yet reaped by its parent) counts as stopped.
alive() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; }
stop() {
  local pid=$1
  alive "$pid" || return 0
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 20); do alive "$pid" || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
for h in a b; do
  for f in sshd.pid nova-compute.pid; do
    [ -f "$D/$h/$f" ] && stop "$(cat "$D/$h/$f")"
    rm -f "$D/$h/$f"
  done
done
for ns in smog-hosta smog-hostb; do
  ip netns list 2>/dev/null | grep -qw "^$ns" || continue
  for pid in $(ip netns pids "$ns" 2>/dev/null); do stop "$pid"; done
  ip netns del "$ns"
done
ip link del smog-ra 2>/dev/null || true
ip route del unreachable 10.231.0.0/16 2>/dev/null || true
if [ -f "$D/created-etc-modprobe.d" ]; then rmdir /etc/modprobe.d 2>/dev/null; rm -f "$D/created-etc-modprobe.d"; fi
exit 0
