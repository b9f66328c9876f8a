#!/usr/bin/env bash
# Starts a private libvirtd holding a tiny L1 domain for the `smog env fake-numa` / `nested` tests.
# Usage: tools/ci/libvirt-l1-up.sh DIR   (DIR is created, mode 700; everything lives in it)
#
# - libvirtd + virtlogd run in their own mount namespace with /etc/libvirt, /run/libvirt,
#   /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt bound to DIR/lv/* (the recipe of
#   lab/allinone's private mode), so another daemon on /run/libvirt is never touched.
#   URI: qemu:///system?socket=DIR/lv/run/libvirt-sock
# - The L1 ("smog-l1", type qemu = TCG, 2 vCPUs, 1 GiB, one NUMA node) boots a Debian kernel
#   directly with a BusyBox initramfs built here. Its /init prints what the guest sees in
#   numactl -H form (nodes, CPUs, MemTotal per node) between "smog-l1: begin" and "smog-l1: end"
#   on the serial console, which libvirt writes to DIR/l1-console.log, then waits for the ACPI
#   power button and powers off — so `virsh shutdown` works. With "smog.ignore_acpi" on the
#   kernel command line it ignores the button (for the shutdown-timeout tests).
# - DIR/inventory.yml: host "l0" (access: local, libvirt_uri as above) and host "smog-l1"
#   (parent: l0, domain: smog-l1, no access of its own: it has no network).
# Last line of stdout: export SMOG_L1_INVENTORY=DIR/inventory.yml SMOG_L1_DIR=DIR
# Stop with tools/ci/libvirt-l1-down.sh DIR. Recipe: shared/research/real-components.md §2.
set -euo pipefail
D=${1:?usage: libvirt-l1-up.sh DIR}
mkdir -p "$D" && chmod 700 "$D" && D=$(cd "$D" && pwd)
LV=$D/lv
URI="qemu:///system?socket=$LV/run/libvirt-sock"
log() { echo "[libvirt-l1-up] $*" >&2; }
die() { log "$*"; for f in "$LV"/log/libvirtd.log "$D"/libvirtd.out; do [ -f "$f" ] && tail -15 "$f" >&2; done; exit 1; }

apt_get() {
  local try
  for try in 1 2 3; do
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 "$@" >>"$D/apt.log" 2>&1 && return 0
    log "apt-get $* failed (try $try)"; sleep 5
  done
  tail -20 "$D/apt.log" >&2; return 1
}

if ! command -v libvirtd >/dev/null || ! command -v virtlogd >/dev/null || ! command -v qemu-system-x86_64 >/dev/null || ! command -v virsh >/dev/null; then
  log "installing libvirt + QEMU"
  apt_get install -y --no-install-recommends libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils
fi
# The QEMU driver looks its default user up before reading qemu.conf (§2 blocker 2).
getent group kvm >/dev/null || groupadd --system kvm
getent group libvirt >/dev/null || groupadd --system libvirt
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd --system --gid kvm --groups libvirt-qemu --home-dir /var/lib/libvirt \
  --no-create-home --shell /usr/sbin/nologin libvirt-qemu

# ---- guest: Debian kernel + BusyBox initramfs (downloaded, not installed: no postinst, no /boot) ----
G=$D/guest
mkdir -p "$G/debs"
if [ ! -f "$G/vmlinuz" ] || [ ! -f "$G/initrd.cpio" ]; then
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 to a kernel package (apt-get update?)"
  ( cd "$G/debs" && { ls ./*.deb >/dev/null 2>&1 || apt_get download "$kpkg" busybox-static; } ) || die "apt-get download failed"
  rm -rf "$G/x" && mkdir -p "$G/x"
  for deb in "$G"/debs/*.deb; do dpkg-deb -x "$deb" "$G/x"; done
  cp "$G"/x/boot/vmlinuz-* "$G/vmlinuz"
  R=$G/root
  rm -rf "$R" && mkdir -p "$R"/{bin,dev,proc,sys,lib/modules}
  cp "$G/x/bin/busybox" "$R/bin/busybox"
  # power-button events reach user space through these two modules (Debian builds them as =m)
  for m in drivers/acpi/button.ko drivers/input/evdev.ko; do
    find "$G"/x/lib/modules -path "*/kernel/$m*" -exec cp {} "$R/lib/modules/" \;
  done
  cat >"$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs dev /dev
for m in /lib/modules/*.ko*; do insmod "$m" 2>/dev/null; done
expand() {  # "0-2,5" -> "0 1 2 5"
  for part in $(echo "$1" | tr ',' ' '); do
    case $part in *-*) seq "${part%-*}" "${part#*-}" ;; *) echo "$part" ;; esac
  done | tr '\n' ' '
}
nodes=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
echo "smog-l1: begin"
# numactl -H spelling: "(0)" for one node, "(0-N)" for more
if [ "$nodes" = 1 ]; then echo "available: 1 nodes (0)"; else echo "available: $nodes nodes (0-$((nodes - 1)))"; fi
for n in $(seq 0 $((nodes - 1))); do
  d=/sys/devices/system/node/node$n
  echo "node $n cpus: $(expand "$(cat $d/cpulist)")"
  kb=$(awk '/MemTotal/ {print $4}' $d/meminfo)
  echo "node $n size: $((kb / 1024)) MB"
done
echo "smog-l1: end"
case " $(cat /proc/cmdline) " in
  *" smog.ignore_acpi "*) echo "smog-l1: ignoring the power button"; while :; do sleep 3600; done ;;
esac
for e in /sys/class/input/event*; do
  if grep -q "Power Button" "$e/device/name" 2>/dev/null; then btn=/dev/input/${e##*/}; fi
done
echo "smog-l1: waiting for the power button on ${btn:-nothing}"
[ -n "$btn" ] && dd if="$btn" bs=24 count=1 >/dev/null 2>&1 || while :; do sleep 3600; done
echo "smog-l1: power button pressed, powering off"
poweroff -f
INIT
  chmod 755 "$R/init"
  ( cd "$R" && find . | "$R/bin/busybox" cpio -o -H newc 2>/dev/null ) >"$G/initrd.cpio.tmp"
  mv "$G/initrd.cpio.tmp" "$G/initrd.cpio"
  rm -rf "$G/x"
fi

# ---- private libvirtd (a stale one from an earlier run in the same DIR goes first) ----
"$(dirname "$0")/libvirt-l1-down.sh" "$D" >/dev/null 2>&1 || true
mkdir -p "$LV"/{etc,run,lib,cache,log}
[ -f "$LV/etc/libvirtd.conf" ] || cp -a /etc/libvirt/. "$LV/etc/" 2>/dev/null || true
rm -f "$LV"/etc/qemu/autostart/*.xml "$LV"/etc/qemu/networks/autostart/*.xml 2>/dev/null || true
cat >"$LV/etc/qemu.conf" <<'EOF'
user = "root"
group = "root"
security_driver = "none"
EOF
printf 'unix_sock_dir = "/run/libvirt"\n' >"$LV/etc/libvirtd.conf"
binds="mount --bind '$LV/etc' /etc/libvirt && mount --bind '$LV/run' /run/libvirt &&
  mount --bind '$LV/lib' /var/lib/libvirt && mount --bind '$LV/cache' /var/cache/libvirt &&
  mount --bind '$LV/log' /var/log/libvirt"
mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
# One namespace for both daemons: virtlogd starts it, libvirtd joins it by nsenter.
setsid unshare --mount --propagation private -- /bin/sh -c "$binds && exec virtlogd --pid-file /run/libvirt/virtlogd.pid" \
  >"$D/virtlogd.out" 2>&1 </dev/null &
for _ in $(seq 1 40); do [ -S "$LV/run/virtlogd-sock" ] && break; sleep 0.25; done
[ -S "$LV/run/virtlogd-sock" ] || die "virtlogd did not create its socket"
vlpid=$(cat "$LV/run/virtlogd.pid")
setsid nsenter --target "$vlpid" --mount -- libvirtd --pid-file /run/libvirt/libvirtd.pid >"$D/libvirtd.out" 2>&1 </dev/null &
ok=0
for _ in $(seq 1 120); do virsh -c "$URI" version >/dev/null 2>&1 && { ok=1; break; }; sleep 0.5; done
[ "$ok" = 1 ] || die "libvirtd did not answer on $URI"
log "libvirtd up on $URI"

# ---- the L1 domain ----
cat >"$D/smog-l1.xml" <<XML
<domain type='qemu'>
  <name>smog-l1</name>
  <memory unit='KiB'>1048576</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$G/vmlinuz</kernel>
    <initrd>$G/initrd.cpio</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features><acpi/></features>
  <cpu mode='maximum' migratable='off'>
    <topology sockets='1' dies='1' cores='2' threads='1'/>
  </cpu>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <serial type='file'>
      <source path='$D/l1-console.log'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
XML
# a definition left from an earlier run in the same DIR is replaced (libvirt keeps its uuid otherwise)
virsh -c "$URI" undefine smog-l1 >/dev/null 2>&1 || true
virsh -c "$URI" define "$D/smog-l1.xml" >/dev/null || die "virsh define failed"
virsh -c "$URI" dumpxml --inactive smog-l1 >"$D/smog-l1.defined.xml"

cat >"$D/inventory.yml" <<YML
# written by tools/ci/libvirt-l1-up.sh: the private libvirtd (L0 = this machine) and its TCG L1
hosts:
  - name: l0
    access: local
    libvirt_uri: "$URI"
  - name: smog-l1
    parent: l0
    domain: smog-l1
YML
log "L1 smog-l1 defined (shut off); console log $D/l1-console.log"
echo "export SMOG_L1_INVENTORY=$D/inventory.yml SMOG_L1_DIR=$D"
