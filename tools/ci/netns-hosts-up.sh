#!/usr/bin/env bash
# Starts two SSH hosts that look like separate machines, each an sshd in a network namespace
# (smog-hosta, smog-hostb) and its own mount + UTS namespace, for the smog env / jump-host tests.
# Usage: tools/ci/netns-hosts-up.sh DIR   (DIR is created, mode 700; everything lives in it)
#
#   root namespace --veth smog-ra-- A (netns-a, hostname compute-a, 10.231.0.2)
#                                   A --veth-- B (netns-b, hostname compute-b, 10.231.1.2)
# The root namespace reaches A only; B is reachable ONLY from A's namespace, so reaching B
# needs A as a jump host (inventory: jump: netns-a). 10.231.0.1 on smog-ra is this script's;
# nothing else routes to 10.231.0.0/16.
#
# What each host shows (all fakes live in its private mount namespace; the machine is untouched):
#   - hostname (UTS namespace); `numactl -H` (a script bind-mounted over /usr/bin/numactl);
#     `lstopo-no-graphics` reads a synthetic topology that agrees with it (sshd's SetEnv
#     HWLOC_XMLFILE=); a tmpfs over /sys/devices/system/node and /sys/devices/system/cpu with
#     the same cells, CPUs and sibling threads. A: 2 nodes x 4 cores x 2 threads; B: 4 nodes x
#     2 cores, no SMT.
#   - huge pages: plain files in that tmpfs (nodeN/hugepages/hugepages-2048kB/nr_hugepages, …).
#     A write is kept as written: no kernel is involved, nothing is reserved. Real kernels are
#     in the libvirt-l1 stage (a TCG guest).
#   - /etc/nova (tmpfs) with a nova.conf (comments, [DEFAULT], a repeated key); `restart:` runs
#     DIR/<host>/restart-nova-compute, which restarts a dummy long-running "nova-compute" and
#     appends a line per restart to DIR/<host>/restarts.log.
#   - A only, for smog env nested as an L0: /proc/cpuinfo (bind mount) says GenuineIntel with
#     vmx; /sys/module/kvm_intel/parameters/nested (tmpfs) says N; /etc/modprobe.d is a tmpfs;
#     /usr/local/sbin (tmpfs, first on root's PATH) holds a fake modprobe that logs its
#     arguments to DIR/a/modprobe.log and, on a load, takes nested= from /etc/modprobe.d, and a
#     domain l1-fake that the fake virsh (both hosts: no guest runs, capabilities fails as with
#     no libvirtd) dumps. No PCI devices (an empty tmpfs over /sys/bus/pci/devices).
#     The real module reload needs real hardware.
# Writes DIR/inventory.yml (netns-a, netns-b with jump: netns-a) and DIR/known_hosts (both
# host keys under their addresses). Last line of stdout: export SMOG_NETNS_INVENTORY=DIR/inventory.yml
# Recipe: research/real-components.md §3. Stop with tools/ci/netns-hosts-down.sh DIR.
set -euo pipefail
D=${1:?usage: netns-hosts-up.sh DIR}
mkdir -p "$D" && chmod 700 "$D" && D=$(cd "$D" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
log() { echo "[netns-hosts-up] $*" >&2; }
fail() { log "$*"; for h in a b; do [ -f "$D/$h/sshd.log" ] && { log "sshd log of $h:"; tail -20 "$D/$h/sshd.log" >&2; }; [ -f "$D/$h/setup.log" ] && { log "setup log of $h:"; tail -20 "$D/$h/setup.log" >&2; }; done; exit 1; }

[ "$(id -u)" = 0 ] || { log "needs root (network and mount namespaces)"; exit 1; }
need=()
[ -x /usr/sbin/sshd ] && command -v ssh-keygen >/dev/null || need+=(openssh-server openssh-client)
command -v lstopo-no-graphics >/dev/null || need+=(hwloc-nox)
[ -x /usr/bin/numactl ] || need+=(numactl)
command -v ip >/dev/null || need+=(iproute2)
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${need[@]}" >"$D/apt.log" 2>&1 || { tail -20 "$D/apt.log" >&2; exit 1; }
fi

# Idempotent: whatever an earlier run in this DIR left goes first.
"$HERE/netns-hosts-down.sh" "$D" >/dev/null 2>&1 || true
for ns in smog-hosta smog-hostb; do
  ip netns list | grep -qw "^$ns" && fail "network namespace $ns exists and is not from $D (remove it with: ip netns del $ns)"
done
if ip route show table all | grep -qE '(^| )10\.231\.'; then fail "the root namespace already routes 10.231.x.x: $(ip route show table all | grep -E '(^| )10\.231\.' | head -1)"; fi

for k in client_ed25519 a/host_ed25519 b/host_ed25519 other_host_ed25519; do
  mkdir -p "$D/$(dirname "$k")"
  [ -f "$D/$k" ] || ssh-keygen -q -t ed25519 -N '' -C "smog-netns-$(basename "$k")" -f "$D/$k"
done
cp "$D/client_ed25519.pub" "$D/authorized_keys"
rm -f "$D"/a/*.log "$D"/b/*.log

# ---- each host's files: topology (numactl, hwloc XML, sysfs), nova.conf, fakes ----
# host_files HOST HOSTNAME NODES CORES_PER_NODE THREADS MEMORY_MB_PER_NODE
host_files() {
  local h=$1 name=$2 nodes=$3 cores=$4 threads=$5 mem=$6 H="$D/$1"
  local per=$((cores * threads)) total=$((nodes * cores * threads))
  mkdir -p "$H"
  echo "$name" >"$H/hostname"
  lstopo-no-graphics --input "pack:$nodes [numa(memory=${mem}MiB)] core:$cores pu:$threads" --of xml >"$H/topology.xml"
  # numactl -H as numactl 2.0.16 prints it (shape of tests/fixtures/numactl/fake-numactl-2node.txt).
  {
    echo "available: $nodes nodes (0-$((nodes - 1)))"
    for n in $(seq 0 $((nodes - 1))); do
      echo "node $n cpus: $(seq -s ' ' $((n * per)) $((n * per + per - 1)))"
      echo "node $n size: $mem MB"
      echo "node $n free: $((mem - 100 - n)) MB"
    done
    echo "node distances:"
    printf 'node '; for n in $(seq 0 $((nodes - 1))); do printf '%3d ' "$n"; done; echo
    for i in $(seq 0 $((nodes - 1))); do
      printf '%3d:' "$i"; for j in $(seq 0 $((nodes - 1))); do if [ "$i" = "$j" ]; then printf ' %3d' 10; else printf ' %3d' 21; fi; done; echo ' '
    done
  } >"$H/numactl-H.txt"
  cat >"$H/numactl" <<EOF
#!/bin/sh
# Fake numactl of $name (smog netns CI host): prints this host's numactl -H.
case "\$1" in
  -H|--hardware) exec cat $H/numactl-H.txt ;;
  *) echo "numactl (smog netns fake): only -H is supported" >&2; exit 1 ;;
esac
EOF
  chmod 755 "$H/numactl"
  # The sysfs seed, copied into the tmpfs mounts at start (so a restart begins clean).
  rm -rf "$H/sys" && mkdir -p "$H/sys/node" "$H/sys/cpu"
  local all; all="0-$((nodes - 1))"
  for f in online possible has_cpu has_memory has_normal_memory; do echo "$all" >"$H/sys/node/$f"; done
  for n in $(seq 0 $((nodes - 1))); do
    local nd="$H/sys/node/node$n"
    mkdir -p "$nd"
    echo "$((n * per))-$((n * per + per - 1))" >"$nd/cpulist"
    local dist=""; for j in $(seq 0 $((nodes - 1))); do if [ "$j" = "$n" ]; then dist+="10 "; else dist+="21 "; fi; done
    echo "${dist% }" >"$nd/distance"
    printf 'Node %d MemTotal:       %8d kB\nNode %d MemFree:        %8d kB\nNode %d MemUsed:        %8d kB\nNode %d HugePages_Total:     0\nNode %d HugePages_Free:      0\n' \
      "$n" $((mem * 1024)) "$n" $(((mem - 100 - n) * 1024)) "$n" $(((100 + n) * 1024)) "$n" "$n" >"$nd/meminfo"
    for size in 2048 1048576; do
      mkdir -p "$nd/hugepages/hugepages-${size}kB"
      for f in nr_hugepages free_hugepages surplus_hugepages; do echo 0 >"$nd/hugepages/hugepages-${size}kB/$f"; done
    done
  done
  echo "0-$((total - 1))" >"$H/sys/cpu/online"
  echo "0-$((total - 1))" >"$H/sys/cpu/possible"
  for c in $(seq 0 $((total - 1))); do
    local core=$((c / threads)) first=$(((c / threads) * threads))
    mkdir -p "$H/sys/cpu/cpu$c/topology"
    if [ "$threads" = 1 ]; then echo "$c"; else echo "$first-$((first + threads - 1))"; fi >"$H/sys/cpu/cpu$c/topology/thread_siblings_list"
    echo $((core % cores)) >"$H/sys/cpu/cpu$c/topology/core_id"
    echo $((c / per)) >"$H/sys/cpu/cpu$c/topology/physical_package_id"
    echo 0 >"$H/sys/cpu/cpu$c/topology/die_id"
  done
  # nova.conf: comments, [DEFAULT], a repeated (multi-valued) key, an unrelated section.
  cat >"$H/nova.conf.seed" <<EOF
# nova.conf of $name (smog netns CI host)
[DEFAULT]
# the host name Nova reports
host = $name
debug = false

[pci]
# two aliases: a repeated key
alias = {"name": "nic-a", "vendor_id": "8086", "product_id": "1572"}
alias = {"name": "nic-b", "vendor_id": "8086", "product_id": "1583"}

[libvirt]
virt_type = qemu

[oslo_concurrency]
lock_path = /var/lib/nova/tmp
EOF
  # The dummy nova-compute and the restart command the inventory names.
  cat >"$H/nova-compute" <<'EOF'
#!/bin/sh
# Dummy long-running "nova-compute" of a smog netns CI host: sleeps until killed.
trap 'kill $s 2>/dev/null; exit 0' TERM
while :; do sleep 3600 & s=$!; wait $s; done
EOF
  cat >"$H/restart-nova-compute" <<EOF
#!/bin/sh
# Restarts the dummy nova-compute of $name and logs the restart (smog netns CI host).
set -e
if [ -f $H/nova-compute.pid ]; then
  old=\$(cat $H/nova-compute.pid)
  if kill -0 "\$old" 2>/dev/null; then kill "\$old"; for i in 1 2 3 4 5 6 7 8 9 10; do kill -0 "\$old" 2>/dev/null || break; sleep 0.2; done; fi
else old=none; fi
setsid $H/nova-compute </dev/null >/dev/null 2>&1 &
echo \$! >$H/nova-compute.pid
echo "\$(date -u +%FT%TZ) restarted: \$old -> \$(cat $H/nova-compute.pid)" >>$H/restarts.log
EOF
  chmod 755 "$H/nova-compute" "$H/restart-nova-compute"
  : >"$H/restarts.log"
  cat >"$H/sshd_config" <<CFG
ListenAddress $7
Port 22
HostKey $H/host_ed25519
PidFile $H/sshd.pid
AuthorizedKeysFile $D/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
SetEnv HWLOC_XMLFILE=$H/topology.xml
Subsystem sftp /usr/lib/openssh/sftp-server
CFG
}
host_files a compute-a 2 4 2 4096 10.231.0.2
host_files b compute-b 4 2 1 2048 10.231.1.2

# A's L0 fakes for smog env nested.
A="$D/a"
for c in $(seq 0 15); do
  printf 'processor\t: %d\nvendor_id\t: GenuineIntel\nmodel name\t: smog netns fake CPU\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc pni vmx ssse3 sse4_1 sse4_2 x2apic popcnt hypervisor\n\n' "$c"
done >"$A/cpuinfo"
mkdir -p "$A/local-sbin"
cat >"$A/local-sbin/modprobe" <<EOF
#!/bin/sh
# Fake modprobe of compute-a (smog netns CI host): records its arguments; a load takes
# nested= from /etc/modprobe.d as the real one would. No kernel module is touched.
echo "\$*" >>$A/modprobe.log
case "\$1" in
  -r) exit 0 ;;
  kvm_intel) v=\$(sed -n 's/^options kvm_intel .*nested=\([0-9YN]\).*/\1/p' /etc/modprobe.d/*.conf 2>/dev/null | tail -1)
     case "\$v" in 1|Y) echo Y ;; *) echo N ;; esac >/sys/module/kvm_intel/parameters/nested ;;
esac
EOF
chmod 755 "$A/local-sbin/modprobe"
# Both hosts: a fake virsh first on PATH, so nothing reaches this machine's own libvirtd
# through the shared filesystem (its socket) and "capabilities" fails as with no libvirtd.
for h in a b; do
  mkdir -p "$D/$h/local-sbin"
  cat >"$D/$h/local-sbin/virsh" <<EOF
#!/bin/sh
# Fake virsh of a smog netns CI host: no libvirtd, no guest running, one defined domain on A.
[ "\$1" = -c ] && shift 2
case "\$1" in
  list) exit 0 ;;
  dumpxml) for a; do d=\$a; done; [ "\$d" = l1-fake ] && [ -f $D/$h/l1-fake.xml ] && exec cat $D/$h/l1-fake.xml; echo "error: failed to get domain '\$d'" >&2; exit 1 ;;
  domstate) echo "shut off" ;;
  *) echo "error: failed to connect to the hypervisor (smog netns fake virsh)" >&2; exit 1 ;;
esac
EOF
  chmod 755 "$D/$h/local-sbin/virsh"
done
cat >"$A/l1-fake.xml" <<'EOF'
<domain type='kvm'>
  <name>l1-fake</name>
  <uuid>6b1f5a3e-3c1d-4b59-9d7e-0b8a3b2f1c11</uuid>
  <memory unit='KiB'>1048576</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <cpu mode='host-passthrough'/>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
  </devices>
</domain>
EOF
: >"$A/modprobe.log"

# ---- inside the namespace: mounts, the dummy nova-compute, sshd (setup.sh runs under unshare) ----
for h in a b; do
  H="$D/$h"
  {
    echo '#!/bin/sh'
    echo "# Runs in the host's network namespace under unshare --mount --uts --propagation private."
    echo 'set -e'
    echo "hostname \$(cat $H/hostname)"
    echo "mount --bind $H/numactl /usr/bin/numactl"
    echo "mount -t tmpfs -o mode=755 smog-node /sys/devices/system/node && cp -a $H/sys/node/. /sys/devices/system/node/"
    echo "mount -t tmpfs -o mode=755 smog-cpu /sys/devices/system/cpu && cp -a $H/sys/cpu/. /sys/devices/system/cpu/"
    echo "mount -t tmpfs -o mode=755 smog-nova /etc/nova && cp $H/nova.conf.seed /etc/nova/nova.conf"
    if [ "$h" = a ]; then
      echo "mount --bind $H/cpuinfo /proc/cpuinfo"
      echo "mount -t tmpfs -o mode=755 smog-module /sys/module && mkdir -p /sys/module/kvm_intel/parameters && echo N >/sys/module/kvm_intel/parameters/nested"
      echo "mount -t tmpfs -o mode=755 smog-modprobe /etc/modprobe.d"
    fi
    echo "mount -t tmpfs -o mode=755 smog-sbin /usr/local/sbin && cp $H/local-sbin/* /usr/local/sbin/"
    echo "mount -t tmpfs -o mode=755 smog-pci /sys/bus/pci/devices"
    echo "$H/restart-nova-compute"
    echo "exec /usr/sbin/sshd -f $H/sshd_config -E $H/sshd.log"
  } >"$H/setup.sh"
  chmod 755 "$H/setup.sh"
done

# ---- network ----
ip netns add smog-hosta
ip netns add smog-hostb
ip link add smog-ra type veth peer name eth0 netns smog-hosta
ip addr add 10.231.0.1/30 dev smog-ra && ip link set smog-ra up
# Everything else in 10.231/16 (B's link) is unreachable from here, so nothing leaks out the default route.
ip route add unreachable 10.231.0.0/16
ip -n smog-hosta addr add 10.231.0.2/30 dev eth0 && ip -n smog-hosta link set eth0 up && ip -n smog-hosta link set lo up
ip -n smog-hosta link add eth1 type veth peer name eth0 netns smog-hostb
ip -n smog-hosta addr add 10.231.1.1/30 dev eth1 && ip -n smog-hosta link set eth1 up
ip -n smog-hostb addr add 10.231.1.2/30 dev eth0 && ip -n smog-hostb link set eth0 up && ip -n smog-hostb link set lo up

mkdir -p /run/sshd   # privilege-separation directory sshd insists on
# A tmpfs needs a mount point: a machine without kmod has no /etc/modprobe.d. Created empty
# (and removed again by the -down script), so the machine's own modprobe config is unchanged.
if [ ! -d /etc/modprobe.d ]; then mkdir /etc/modprobe.d && touch "$D/created-etc-modprobe.d"; fi
for h in a b; do
  /usr/sbin/sshd -t -f "$D/$h/sshd_config" || fail "sshd config of $h is not valid"
  # sshd daemonizes; the namespaces live on through it (and the dummy nova-compute).
  ip netns exec "smog-host$h" unshare --mount --uts --propagation private "$D/$h/setup.sh" >"$D/$h/setup.log" 2>&1 \
    || fail "setup of host $h failed"
done

{ echo "10.231.0.2 $(cut -d' ' -f1,2 "$D/a/host_ed25519.pub")"; echo "10.231.1.2 $(cut -d' ' -f1,2 "$D/b/host_ed25519.pub")"; } >"$D/known_hosts"

# Bounded wait for A, then one real login to each (B through A with OpenSSH's own -J) before the tests rely on them.
SSH=(ssh -i "$D/client_ed25519" -o UserKnownHostsFile="$D/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes -o ConnectTimeout=5)
ok=0
for _ in $(seq 1 20); do
  if "${SSH[@]}" root@10.231.0.2 true 2>/dev/null; then ok=1; break; fi
  sleep 0.5
done
[ "$ok" = 1 ] || fail "sshd of A did not answer on 10.231.0.2:22"
a_name=$("${SSH[@]}" root@10.231.0.2 hostname) || fail "login to A failed"
b_name=""
for _ in $(seq 1 10); do
  if b_name=$("${SSH[@]}" -o ProxyCommand="ssh -i $D/client_ed25519 -o UserKnownHostsFile=$D/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes -W %h:%p root@10.231.0.2" root@10.231.1.2 hostname 2>/dev/null); then break; fi
  sleep 0.5
done
[ "$a_name" = compute-a ] && [ "$b_name" = compute-b ] || fail "expected hostnames compute-a and compute-b, got '$a_name' and '$b_name'"
if ip route get 10.231.1.2 >/dev/null 2>&1; then fail "the root namespace has a route to B: $(ip route get 10.231.1.2 2>&1)"; fi

cat >"$D/inventory.yml" <<INV
# Written by tools/ci/netns-hosts-up.sh: two sshd hosts in network namespaces; B only through A.
hosts:
  - name: netns-a
    address: 10.231.0.2
    user: root
    key: client_ed25519
    known_hosts: known_hosts
    connect_timeout: 5
    nova_conf: /etc/nova/nova.conf
    restart: $D/a/restart-nova-compute
  - name: netns-b
    address: 10.231.1.2
    user: root
    key: client_ed25519
    known_hosts: known_hosts
    connect_timeout: 5
    jump: netns-a
    nova_conf: /etc/nova/nova.conf
    restart: $D/b/restart-nova-compute
INV
log "A (compute-a) on 10.231.0.2:22 pid $(cat "$D/a/sshd.pid"); B (compute-b) on 10.231.1.2:22 pid $(cat "$D/b/sshd.pid"), through A only"
echo "export SMOG_NETNS_INVENTORY=$D/inventory.yml"
