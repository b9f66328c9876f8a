#!/usr/bin/env bash
# Stops the sshd that tools/ci/sshd-up.sh DIR started (by its pidfile only).
set -uo pipefail
D=${1:?usage: sshd-down.sh DIR}
pidfile="$D/sshd.pid"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q sshd "/proc/$pid/cmdline" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
fi
rm -f "$pidfile"
