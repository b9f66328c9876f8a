#!/usr/bin/python3
"""One simulated compute host of lab/allinone: a real nova-compute (the libvirt driver,
the resource tracker, placement reporting, RPC) whose libvirt connection is Nova's own
test double, fakelibvirt, built from one host of the lab YAML (see labhosts.py).

Run with Debian's /usr/bin/python3 (python3-nova, python3-fixtures).

  simcompute.py run --lab FILE --host NAME --state DIR -- NOVA-COMPUTE-ARGS...
      start nova-compute (nova.cmd.compute.main, with Nova's eventlet monkey patching)
      for host NAME. It writes DIR/libvirt/capabilities.xml once, and
      DIR/libvirt/domains/<name>.xml|.state on every define/start/stop/undefine, then
      calls simhost.refresh so the host's sysfs facts follow the guests. Domains found
      in DIR/libvirt/domains at start are defined again (and started if they were
      running), so a restarted host still has the guests Nova thinks it has.
  simcompute.py hosts --lab FILE
      print the host names of the lab file, one a line (exit 2 with labhosts' one-line
      message if the file is wrong)
  simcompute.py merge --lab FILE (--controller | --host NAME --state DIR) < BASE.conf
      print BASE (an INI file) with the lab's settings merged over it: the controller's
      nova_conf, or everything one simulated host's nova-compute runs with (its
      [DEFAULT] host and directories, the controller's nova_conf as on an all-in-one
      node, then the host's own nova_conf). An option set by an overlay replaces every
      line of that option in BASE (so multi-valued options like [pci] alias are replaced
      as a whole); [compute] cpu_dedicated_set/cpu_shared_set of BASE (the QEMU host's)
      are dropped for a simulated host.

Only fixture setup lives here: the fake connection is fakelibvirt's Connection, the global
stubbing is fakelibvirt's LibvirtFixture, as in Nova's functional tests.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

STATES = {1: "running", 2: "running", 3: "paused", 4: "shutoff", 5: "shutoff", 6: "shutoff", 7: "paused"}


# ---------------------------------------------------------------- INI merge
def parse_ini(text):
    """[(section, [(key or None, [raw lines])])]: keys keep every occurrence and their
    continuation lines; comments and blank lines are kept with key None. Section "" holds
    what comes before the first header; a repeated header continues its section."""
    sections = [("", [])]
    current = sections[0][1]
    for raw in text.splitlines():
        s = raw.strip()
        if s.startswith("[") and s.endswith("]"):
            name = s[1:-1].strip()
            current = next((e for n, e in sections if n == name), None)
            if current is None:
                current = []
                sections.append((name, current))
        elif s and not s.startswith(("#", ";")) and raw[:1] in (" ", "\t") and current \
                and current[-1][0] is not None:
            current[-1][1].append(raw)          # continuation of the previous value
        elif s and not s.startswith(("#", ";")) and "=" in s:
            current.append((s.split("=", 1)[0].strip(), [raw]))
        else:
            current.append((None, [raw]))
    return sections


def merge_ini(base, overlay, drop=()):
    """base and overlay as from parse_ini; returns the merged list."""
    out = [(name, list(entries)) for name, entries in base]
    for name, entries in overlay:
        keys = {k for k, _ in entries if k is not None}
        if not keys:
            continue
        target = next((e for n, e in out if n == name), None)
        if target is None:
            target = []
            out.append((name, target))
        target[:] = [(k, v) for k, v in target if k not in keys]
        target.extend((k, v) for k, v in entries if k is not None)
    for section, key in drop:
        for name, entries in out:
            if name == section:
                entries[:] = [(k, v) for k, v in entries if k != key]
    return out


def format_ini(sections):
    lines = []
    for name, entries in sections:
        if name:
            lines.append("[%s]" % name)
        for _, raw in entries:
            lines.extend(raw)
    return "\n".join(lines).rstrip("\n") + "\n"


def host_settings(name, state):
    """What makes one nova-compute a separate host on this machine."""
    return parse_ini("""
[DEFAULT]
host = {name}
state_path = {state}/state
instances_path = {state}/instances
compute_driver = libvirt.LibvirtDriver
# the resource audit every 2 s, not every 60 s: until it runs, Nova's scheduler still counts a
# finished build as I/O work on its host (compute node stats io_workload), which changes how
# the IoOpsWeigher ranks hosts; the differential test lets one audit period pass before each boot
update_resources_interval = 2
[oslo_concurrency]
lock_path = {state}/lock
[libvirt]
virt_type = qemu
connection_uri = qemu:///system
""".format(name=name, state=state))


def cmd_merge(args):
    import labhosts
    lab = labhosts.load(args.lab)
    sections = parse_ini(sys.stdin.read())
    if args.controller:
        sections = merge_ini(sections, parse_ini(lab.controller_nova_conf))
    else:
        host = find_host(lab, args.host)
        sections = merge_ini(sections, host_settings(host.name, os.path.abspath(args.state)),
                             drop=[("compute", "cpu_dedicated_set"), ("compute", "cpu_shared_set")])
        sections = merge_ini(sections, parse_ini(lab.controller_nova_conf))
        sections = merge_ini(sections, parse_ini(host.nova_conf))
    sys.stdout.write(format_ini(sections))
    return 0


def find_host(lab, name):
    for h in lab.hosts:
        if h.name == name:
            return h
    raise SystemExit("simcompute: host %s is not in the lab file (hosts: %s)"
                     % (name, ", ".join(h.name for h in lab.hosts)))


# ---------------------------------------------------------------- fake hypervisor
def build_host_info(fakelibvirt, vconfig, host):
    """fakelibvirt.HostInfo whose capabilities list exactly the host's cells and CPU ids."""
    topo = vconfig.LibvirtConfigCapsNUMATopology()
    sockets = max(1, int(host.sockets))
    core_index = {}                      # (socket, first sibling) -> core id within the socket
    total_kib = 0
    cpus = 0
    threads = 1
    for c in host.cells:
        cell = vconfig.LibvirtConfigCapsNUMACell()
        cell.id = int(c.id)
        cell.memory = int(c.memory_kib)
        total_kib += cell.memory
        groups = c.siblings or [[cpu] for cpu in c.cpus]
        group_of = {cpu: g for g in groups for cpu in g}
        for cpu_id in sorted(c.cpus):
            g = group_of.get(cpu_id, [cpu_id])
            threads = max(threads, len(g))
            key = (int(c.socket), min(g))
            if key not in core_index:
                core_index[key] = sum(1 for s, _ in core_index if s == int(c.socket))
            cpu = vconfig.LibvirtConfigCapsNUMACPU()
            cpu.id = cpu_id
            cpu.socket_id = int(c.socket)
            cpu.core_id = core_index[key]
            cpu.siblings = set(g)
            cell.cpus.append(cpu)
            cpus += 1
        cell.mempages = fakelibvirt.create_mempages(sorted((int(k), int(v)) for k, v in c.pages.items()))
        topo.cells.append(cell)
    info = fakelibvirt.HostInfo(cpu_nodes=len(host.cells), cpu_sockets=sockets,
                                cpu_cores=max(1, cpus // (sockets * threads)),
                                cpu_threads=threads, kB_mem=total_kib)
    info.cpus = cpus
    # getInfo()[1] is what the driver reads as memory_mb (libvirt's Python binding gives MiB)
    info.kB_mem = total_kib // 1024
    info.numa_topology = topo
    if sorted(cpu.id for cell in topo.cells for cpu in cell.cpus) != list(range(cpus)):
        raise SystemExit("simcompute: host %s: CPU ids must be 0..%d" % (host.name, cpus - 1))
    return info


def split_address(address):
    dom, bus, rest = address.split(":")
    slot, fn = rest.split(".")
    if int(dom, 16) != 0:
        raise SystemExit("simcompute: PCI address %s: fakelibvirt only models PCI domain 0000" % address)
    return int(bus, 16), int(slot, 16), int(fn, 16)


def build_pci_info(fakelibvirt, host):
    """fakelibvirt's PCI pool with the lab's addresses, NUMA nodes and ids. fakelibvirt
    numbers a PF's VFs its own way, so the SR-IOV capabilities are written here from the
    lab's addresses (VFs of a PF are the devices whose parent is that PF)."""
    pci = fakelibvirt.HostPCIDevicesInfo(num_pci=0, num_pfs=0, num_vfs=0)
    devices = list(host.pci)
    vfs_of = {}
    for d in devices:
        if d.kind == "vf":
            vfs_of.setdefault(d.parent, []).append(d)
    by_address = {d.address: d for d in devices}
    addr = "<address domain='0x0000' bus='0x%02x' slot='0x%02x' function='0x%x'/>"
    for group, d in enumerate(devices):
        bus, slot, fn = split_address(d.address)
        kind = {"pci": "PCI", "pf": "PF", "vf": "VF"}[d.kind]
        kw = dict(dev_type=kind, bus=bus, slot=slot, function=fn, iommu_group=40 + group,
                  numa_node=int(d.cell), vend_id=d.vendor_id, prod_id=d.product_id)
        if kind == "PF":
            kw["vf_ratio"] = max(1, len(vfs_of.get(d.address, [])) or int(d.vf_count or 1))
        if kind == "VF":
            kw["vf_ratio"] = max(1, len(vfs_of.get(d.parent, [])))
            kw["parent"] = split_address(d.parent)
        dev = pci.add_device(**kw)
        cap = ""
        if kind == "PF":
            cap = "<capability type='virt_functions'>%s</capability>" % "".join(
                addr % split_address(v.address) for v in vfs_of.get(d.address, []))
        elif kind == "VF":
            if d.parent not in by_address:
                raise SystemExit("simcompute: VF %s: parent %s is not a device of the host" % (d.address, d.parent))
            cap = "<capability type='phys_function'>%s</capability>" % (addr % split_address(d.parent))
        if cap:
            dev.generate_xml(skip_capability=True)
            dev.pci_device = dev.pci_device.replace("    <iommuGroup", "    %s\n    <iommuGroup" % cap, 1)
    return pci


class DomainFiles:
    """libvirt/domains/<name>.xml (as the driver defined it) and <name>.state."""

    def __init__(self, state_dir, host_name, log):
        self.state_dir = state_dir
        self.host_name = host_name
        self.dir = os.path.join(state_dir, "libvirt", "domains")
        self.log = log
        os.makedirs(self.dir, exist_ok=True)

    def _write(self, path, text):
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)

    def defined(self, dom, xml):
        self._write(os.path.join(self.dir, dom.name() + ".xml"), xml)
        self.changed(dom)

    def changed(self, dom):
        if dom.name() not in dom._connection._vms:
            return
        self._write(os.path.join(self.dir, dom.name() + ".state"), STATES.get(dom._state, "shutoff") + "\n")
        self.refresh()

    def removed(self, dom):
        for ext in (".xml", ".state"):
            try:
                os.unlink(os.path.join(self.dir, dom.name() + ext))
            except FileNotFoundError:
                pass
        self.refresh()

    def refresh(self):
        try:
            import simhost
            simhost.refresh(self.state_dir, self.host_name)
        except Exception as e:          # the guest must not fail because a fact file did
            self.log.warning("simhost.refresh failed: %s", e)

    def xml_of(self, name):
        with open(os.path.join(self.dir, name + ".xml")) as f:
            return f.read()

    def hand_over(self, dest_host, name, xml):
        """A live migration's end on this machine: the guest, running, in the destination
        host's domain directory (state first: the destination adopts a domain by its XML)."""
        d = os.path.join(os.path.dirname(self.state_dir), dest_host, "libvirt", "domains")
        if not os.path.isdir(d):
            raise RuntimeError("no simulated host %s next to %s" % (dest_host, self.state_dir))
        self._write(os.path.join(d, name + ".state"), "running\n")
        self._write(os.path.join(d, name + ".xml"), xml)

    def adopt(self, conn, define):
        """Domains that appeared in this host's directory from elsewhere (a live migration's
        source) become domains of its connection."""
        for name, xml, state in self.saved():
            if name not in conn._vms:
                dom = define(conn, xml)
                if state in ("running", "paused"):
                    dom.createWithFlags(0)
                self.log.info("adopted domain %s (%s) handed over by a live migration", name, state)

    def saved(self):
        for f in sorted(os.listdir(self.dir)):
            if f.endswith(".xml"):
                name = f[:-4]
                try:
                    with open(os.path.join(self.dir, name + ".state")) as s:
                        state = s.read().strip()
                except FileNotFoundError:
                    state = "shutoff"
                with open(os.path.join(self.dir, f)) as x:
                    yield name, x.read(), state


def hook_domains(fakelibvirt, files):
    """Mirror every domain change of the fake connection into the state directory, and make
    live migration between two simulated hosts (two processes) hand the guest over through
    those directories, as libvirt with UNDEFINE_SOURCE | PERSIST_DEST moves it."""
    Conn, Dom = fakelibvirt.Connection, fakelibvirt.Domain
    plain_define = Conn.defineXML

    def adopting(orig):
        def wrapper(self, *a, **kw):
            files.adopt(self, plain_define)
            return orig(self, *a, **kw)
        return wrapper

    def migrate(self, dconnuri, params, flags):
        # fakelibvirt's own migrateToURI3 always fails and leaves the job running, so Nova's
        # monitor would wait for it forever
        from urllib.parse import urlparse
        dest = urlparse(dconnuri).hostname
        xml = (params or {}).get("destination_xml") or files.xml_of(self.name())
        try:
            files.hand_over(dest, self.name(), xml)
        except Exception as e:
            self.fail_job()
            raise fakelibvirt.make_libvirtError(
                fakelibvirt.libvirtError, "simulated migration to %s failed: %s" % (dest, e),
                error_code=fakelibvirt.VIR_ERR_INTERNAL_ERROR, error_domain=fakelibvirt.VIR_FROM_QEMU)
        self.complete_job()
        self._state = fakelibvirt.VIR_DOMAIN_SHUTOFF
        self._connection._mark_not_running(self)
        if self.name() in self._connection._vms:
            self._connection._undefine(self)

    def define(orig):
        def wrapper(self, xml, *a):
            dom = orig(self, xml, *a)
            files.defined(dom, xml)
            return dom
        return wrapper

    def after(orig):
        def wrapper(self, *a, **kw):
            r = orig(self, *a, **kw)
            files.changed(self)
            return r
        return wrapper

    def undefine(orig):
        def wrapper(self, dom, *a):
            r = orig(self, dom, *a)
            files.removed(dom)
            return r
        return wrapper

    plain_xmldesc = Dom.XMLDesc

    def xmldesc(self, flags=0):
        # the XML as the driver defined it, as libvirt gives it back (fakelibvirt rebuilds a
        # lossy one: no <cpu>, no numatune modes), so Nova's live-migration XML update
        # works on the real definition
        try:
            return files.xml_of(self.name())
        except OSError:
            return plain_xmldesc(self, flags)

    Dom.XMLDesc = xmldesc
    Conn.defineXML = define(Conn.defineXML)
    Conn.createXML = define(Conn.createXML)
    Conn._undefine = undefine(Conn._undefine)
    Conn.lookupByUUIDString = adopting(Conn.lookupByUUIDString)
    Conn.listAllDomains = adopting(Conn.listAllDomains)
    Dom.migrateToURI3 = migrate
    for m in ("createWithFlags", "destroy", "suspend", "resume", "shutdown", "reset", "managedSave"):
        setattr(Dom, m, after(getattr(Dom, m)))


def cmd_run(args, nova_args):
    t0 = __import__("time").monotonic()
    import labhosts
    host = find_host(labhosts.load(args.lab), args.host)
    state = os.path.abspath(args.state)

    # Nova's entry point first: importing nova.cmd applies its eventlet monkey patching
    import nova.cmd.compute as compute_cmd
    import types
    import fixtures
    import nova.tests
    # fakelibvirt without nova.tests.fixtures/__init__, which pulls in the API test
    # harness (wsgi_intercept, ...) that a compute host has no use for
    pkg = types.ModuleType("nova.tests.fixtures")
    pkg.__path__ = [os.path.join(os.path.dirname(nova.tests.__file__), "fixtures")]
    sys.modules.setdefault("nova.tests.fixtures", pkg)
    from nova.tests.fixtures import libvirt as fakelibvirt
    from nova.virt.libvirt import config as vconfig
    from oslo_log import log as logging
    log = logging.getLogger("simcompute")

    conn = fakelibvirt.Connection("qemu:///system", version=fakelibvirt.FAKE_LIBVIRT_VERSION,
                                  hv_version=fakelibvirt.FAKE_QEMU_VERSION,
                                  host_info=build_host_info(fakelibvirt, vconfig, host),
                                  pci_info=build_pci_info(fakelibvirt, host), hostname=host.name)

    fixture = fakelibvirt.LibvirtFixture()
    fixture.setUp()
    for target, value in (
            ("nova.virt.libvirt.host.Host.get_connection", conn),
            # fakelibvirt's fixture stubs get_fs_info; report the lab's disk instead
            ("nova.virt.libvirt.driver.LibvirtDriver._get_local_gb_info",
             {"total": int(getattr(host, "disk_gb", 1000) or 1000), "used": 0,
              "free": int(getattr(host, "disk_gb", 1000) or 1000)})):
        fixtures.MockPatch(target, return_value=value).setUp()

    libvirt_dir = os.path.join(state, "libvirt")
    os.makedirs(libvirt_dir, exist_ok=True)
    files = DomainFiles(state, host.name, log)
    tmp = os.path.join(libvirt_dir, "capabilities.xml.tmp")
    with open(tmp, "w") as f:
        f.write(conn.getCapabilities())
    os.replace(tmp, os.path.join(libvirt_dir, "capabilities.xml"))
    for name, xml, st in files.saved():          # the guests this host had before a restart
        dom = conn.defineXML(xml)
        if st in ("running", "paused"):
            dom.createWithFlags(0)
            if st == "paused":
                dom.suspend()
    hook_domains(fakelibvirt, files)
    files.refresh()
    for d in ("state", "instances", "lock"):
        os.makedirs(os.path.join(state, d), exist_ok=True)

    sys.argv = ["nova-compute"] + nova_args
    print("simcompute: host %s (%d cells, %d CPUs, %d PCI devices) ready to start nova-compute after %.1fs"
          % (host.name, len(host.cells), sum(len(c.cpus) for c in host.cells), len(host.pci),
             __import__("time").monotonic() - t0), file=sys.stderr, flush=True)
    return compute_cmd.main()


def main(argv):
    nova_args = []
    if "--" in argv:
        i = argv.index("--")
        argv, nova_args = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(prog="simcompute.py", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run")
    run.add_argument("--lab", required=True)
    run.add_argument("--host", required=True)
    run.add_argument("--state", required=True)
    hosts = sub.add_parser("hosts")
    hosts.add_argument("--lab", required=True)
    merge = sub.add_parser("merge")
    merge.add_argument("--lab", required=True)
    merge.add_argument("--controller", action="store_true")
    merge.add_argument("--host")
    merge.add_argument("--state")
    args = ap.parse_args(argv)
    if args.cmd == "hosts":
        import labhosts
        try:
            lab = labhosts.load(args.lab)
        except SystemExit:
            raise
        except Exception as e:          # labhosts' own message names file and field
            print(str(e), file=sys.stderr)
            return 2
        for h in lab.hosts:
            print(h.name)
        return 0
    if args.cmd == "merge":
        if not args.controller and not (args.host and args.state):
            ap.error("merge needs --controller or --host and --state")
        return cmd_merge(args)
    return cmd_run(args, nova_args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
