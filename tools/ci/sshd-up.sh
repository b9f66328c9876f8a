#!/usr/bin/env bash
# Starts a throwaway OpenSSH server on 127.0.0.1 for the SSH integration tests.
# Usage: tools/ci/sshd-up.sh DIR   (DIR is created, mode 700; everything lives in it)
# Writes DIR/inventory.yml (host "sshd-loopback") and DIR/known_hosts, plus a client key
# that sshd does not accept (DIR/wrong_ed25519) and one encrypted with the passphrase
# smog-ci-passphrase (DIR/client_pass_ed25519) for the refusal and passphrase tests, and
# accepted RSA and ECDSA client keys (DIR/client_rsa, DIR/client_ecdsa) for the ssh-agent tests.
# Last line of stdout: export SMOG_SSHD_INVENTORY=DIR/inventory.yml
# Recipe: research/real-components.md §3. Never listens on anything but 127.0.0.1.
set -euo pipefail
D=${1:?usage: sshd-up.sh DIR}
mkdir -p "$D" && chmod 700 "$D" && D=$(cd "$D" && pwd)
log() { echo "[sshd-up] $*" >&2; }

if [ ! -x /usr/sbin/sshd ] || ! command -v ssh-keyscan >/dev/null; then
  log "installing openssh-server openssh-client"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends \
    openssh-server openssh-client >"$D/apt.log" 2>&1 || { tail -20 "$D/apt.log" >&2; exit 1; }
fi

# A stale server from an earlier run in the same DIR goes first.
"$(dirname "$0")/sshd-down.sh" "$D" >/dev/null 2>&1 || true

for k in host_ed25519 client_ed25519 wrong_ed25519; do
  [ -f "$D/$k" ] || ssh-keygen -q -t ed25519 -N '' -C "smog-ci-$k" -f "$D/$k"
done
# An encrypted client key for the passphrase test; the passphrase is a throwaway test value.
[ -f "$D/client_pass_ed25519" ] || ssh-keygen -q -t ed25519 -N 'smog-ci-passphrase' -C smog-ci-client_pass -f "$D/client_pass_ed25519"
# RSA and ECDSA keys the agent tests load into a private ssh-agent (rsa-sha2-256/512 and ecdsa paths).
[ -f "$D/client_rsa" ] || ssh-keygen -q -t rsa -b 3072 -N '' -C smog-ci-client_rsa -f "$D/client_rsa"
[ -f "$D/client_ecdsa" ] || ssh-keygen -q -t ecdsa -b 256 -N '' -C smog-ci-client_ecdsa -f "$D/client_ecdsa"
cat "$D/client_ed25519.pub" "$D/client_pass_ed25519.pub" "$D/client_rsa.pub" "$D/client_ecdsa.pub" >"$D/authorized_keys"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=""
for p in 2222 2223 2224 2225 2226 2227 2228 2229 22220 22221 22222; do
  if port_free "$p"; then PORT=$p; break; fi
done
[ -n "$PORT" ] || { log "no free port among 2222-2229, 22220-22222"; exit 1; }

mkdir -p /run/sshd   # privilege-separation directory sshd insists on
cat >"$D/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $PORT
HostKey $D/host_ed25519
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp /usr/lib/openssh/sftp-server
CFG
/usr/sbin/sshd -t -f "$D/sshd_config"
/usr/sbin/sshd -f "$D/sshd_config" -E "$D/sshd.log"

# Wait until it answers with its host key (bounded: 20 tries, 0.5 s apart).
ok=0
for _ in $(seq 1 20); do
  if ssh-keyscan -T 2 -p "$PORT" -t ed25519 127.0.0.1 >"$D/known_hosts.tmp" 2>/dev/null && [ -s "$D/known_hosts.tmp" ]; then ok=1; break; fi
  sleep 0.5
done
[ "$ok" = 1 ] || { log "sshd did not answer on 127.0.0.1:$PORT"; tail -20 "$D/sshd.log" >&2; exit 1; }
mv "$D/known_hosts.tmp" "$D/known_hosts"

# One real login proves key auth and host-key checking before the tests rely on them.
ssh -p "$PORT" -i "$D/client_ed25519" -o UserKnownHostsFile="$D/known_hosts" -o StrictHostKeyChecking=yes \
  -o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=5 "$(id -un)@127.0.0.1" true \
  || { log "test login failed"; tail -20 "$D/sshd.log" >&2; exit 1; }

cat >"$D/inventory.yml" <<INV
# Written by tools/ci/sshd-up.sh: the loopback sshd, which is this same machine.
hosts:
  - name: sshd-loopback
    access: ssh
    address: 127.0.0.1
    port: $PORT
    user: $(id -un)
    key: client_ed25519
    known_hosts: known_hosts
INV
log "sshd listening on 127.0.0.1:$PORT (pid $(cat "$D/sshd.pid"))"
echo "export SMOG_SSHD_INVENTORY=$D/inventory.yml"
