#!/bin/bash
# End-to-end check of a running lab/allinone (called by `lab/allinone smoke`).
#  1. member user gets 403 on flavor create
#  2. admin creates a pinned + 2 MiB huge-page flavor and a hw:numa_nodes=2 flavor
#  3. member boots a server with no network -> ACTIVE; libvirt XML has <vcpupin> and <hugepages>
#  4. member boots the 2-node flavor -> ERROR with "No valid host was found"
#  5. both servers and flavors are deleted and confirmed gone
set -o pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYENV_VERSION
export OS_CLIENT_CONFIG_FILE=${1:?clouds.yaml path}
export OS_COMPUTE_API_VERSION=2.79
T0=$SECONDS
log() { printf '%s [+%3ds] smoke: %s\n' "$(date -u +%H:%M:%S)" "$((SECONDS - T0))" "$*"; }
fail() { log "FAILED: $*"; cleanup; exit 1; }
osa() { /usr/bin/openstack --os-cloud smog-admin "$@"; }
osm() { /usr/bin/openstack --os-cloud smog-member "$@"; }

RUNID=smoke-$$
FLV_PIN=$RUNID-pinned-hp
FLV_NUMA2=$RUNID-numa2
SRV_PIN=$RUNID-vm-pinned
SRV_NUMA2=$RUNID-vm-numa2
AGG=$RUNID-qemu
QEMU_HOST=$(hostname)

cleanup() {
  osm server delete --wait "$SRV_PIN" "$SRV_NUMA2" >/dev/null 2>&1
  osa flavor delete "$FLV_PIN" "$FLV_NUMA2" >/dev/null 2>&1
  osa aggregate remove host "$AGG" "$QEMU_HOST" >/dev/null 2>&1
  osa aggregate delete "$AGG" >/dev/null 2>&1
  return 0
}

wait_status() { # wait_status SERVER WANT TIMEOUT
  local s t=$SECONDS
  while :; do
    s=$(osm server show -f value -c status "$1" 2>/dev/null)
    [ "$s" = "$2" ] && return 0
    [ "$s" = ERROR ] && [ "$2" != ERROR ] && return 1
    ((SECONDS - t >= $3)) && return 1
    sleep 2
  done
}

# 1. member cannot create flavors
out=$(osm flavor create --vcpus 1 --ram 64 --disk 1 "$RUNID-forbidden" 2>&1) &&
  fail "member user could create a flavor"
grep -qE "(HTTP |HttpException: )403" <<<"$out" || fail "member flavor create did not give 403: $out"
log "member flavor create -> 403 ($(grep -o "Policy doesn't allow [^ ]*" <<<"$out" | head -1))"

# 2. flavors
osa flavor create --vcpus 1 --ram 128 --disk 1 \
  --property hw:cpu_policy=dedicated --property hw:mem_page_size=2MB "$FLV_PIN" >/dev/null ||
  fail "flavor create $FLV_PIN"
osa flavor create --vcpus 2 --ram 128 --disk 1 --property hw:numa_nodes=2 "$FLV_NUMA2" >/dev/null ||
  fail "flavor create $FLV_NUMA2"
log "admin created flavors $FLV_PIN (dedicated, 2MB pages) and $FLV_NUMA2 (hw:numa_nodes=2)"
# both flavors stay on the QEMU host, which may share the lab with simulated hosts (up --hosts)
osa aggregate create --property "smog-smoke=$RUNID" "$AGG" >/dev/null &&
  osa aggregate add host "$AGG" "$QEMU_HOST" >/dev/null || fail "aggregate $AGG with host $QEMU_HOST"
for f in "$FLV_PIN" "$FLV_NUMA2"; do
  osa flavor set --property "aggregate_instance_extra_specs:smog-smoke=$RUNID" "$f" || fail "flavor set $f"
done

# 3. pinned huge-page server, no network
osm server create --flavor "$FLV_PIN" --image smog-blank --nic none "$SRV_PIN" >/dev/null ||
  fail "server create $SRV_PIN"
t=$SECONDS
wait_status "$SRV_PIN" ACTIVE 240 ||
  fail "$SRV_PIN not ACTIVE: $(osm server show -f value -c status -c fault "$SRV_PIN" 2>&1)"
log "$SRV_PIN ACTIVE after $((SECONDS - t))s"
dom=$(osa server show -f value -c OS-EXT-SRV-ATTR:instance_name "$SRV_PIN") || fail "instance name"
xml=$(virsh -c "${LIBVIRT_DEFAULT_URI:-qemu:///system}" dumpxml "$dom") || fail "virsh dumpxml $dom"
grep -q "<vcpupin vcpu='0' cpuset=" <<<"$xml" || fail "no <vcpupin> in $dom XML"
grep -q "<page size='2048' unit='KiB'" <<<"$xml" || fail "no 2 MiB <hugepages> in $dom XML"
log "virsh dumpxml $dom: $(grep -o "<vcpupin[^>]*>" <<<"$xml" | head -1) $(grep -o "<page size='2048'[^>]*>" <<<"$xml" | head -1)"

# 4. two guest NUMA nodes on a one-cell host -> NoValidHost
osm server create --flavor "$FLV_NUMA2" --image smog-blank --nic none "$SRV_NUMA2" >/dev/null ||
  fail "server create $SRV_NUMA2"
t=$SECONDS
wait_status "$SRV_NUMA2" ERROR 180 || fail "$SRV_NUMA2 did not go to ERROR"
fault=$(osm server show -f json -c fault "$SRV_NUMA2")
grep -q "No valid host was found" <<<"$fault" || fail "$SRV_NUMA2 fault is not NoValidHost: $fault"
log "$SRV_NUMA2 ERROR after $((SECONDS - t))s: No valid host was found"

# 5. delete and confirm gone
osm server delete --wait "$SRV_PIN" "$SRV_NUMA2" || fail "server delete"
for s in "$SRV_PIN" "$SRV_NUMA2"; do
  osm server show "$s" >/dev/null 2>&1 && fail "$s still exists after delete"
done
virsh -c "${LIBVIRT_DEFAULT_URI:-qemu:///system}" dominfo "$dom" >/dev/null 2>&1 && fail "libvirt domain $dom still defined"
osa flavor delete "$FLV_PIN" "$FLV_NUMA2" || fail "flavor delete"
osa aggregate remove host "$AGG" "$QEMU_HOST" >/dev/null && osa aggregate delete "$AGG" || fail "aggregate delete"
log "servers, domain $dom, flavors and aggregate deleted"
log "PASS ($((SECONDS - T0))s)"
