#!/usr/bin/env python3
"""Host access to a simulated lab host (real nova-compute on fakelibvirt), as Smog reads a real one.

A simulated host's state dir (`${SMOG_LAB_STATE:-/var/lib/smog-lab}/sim/<host>/`, see
/work/tasks/lab12-contract.md and lab/README.md) holds:

  root/                        the host's file root (inventory `files_root`): root/sys/... written here
  libvirt/capabilities.xml     the driver's getCapabilities() (written by the nova-compute wrapper)
  libvirt/domains/NAME.xml     each domain as the driver defined it, NAME.state one word
                               (running, paused, shutoff)

Commands:
  simhost.py render --lab FILE --host NAME --root DIR [--capabilities FILE]
      writes the host's sysfs tree under DIR/sys (NUMA nodes, CPUs, huge page pools, PCI devices
      with SR-IOV links), laid out as Linux does; --capabilities also writes a libvirt
      capabilities XML of the topology (a stand-in for the wrapper's; never overwrites one).
  simhost.py refresh --state DIR
      recounts free huge pages and free memory per node from the running domains.
  simhost.py exec --state DIR -- PROGRAM ARGS...
      answers virsh (list, dumpxml, domstate, capabilities) and numactl -H from the state dir, in
      the real tools' output formats, and runs the inventory's `restart:` (sh -c
      "<lab>/allinone restart-host HOST"); any other program exits 127 (not installed).

`refresh(state_dir, host)` is importable: the wrapper calls it after every domain change.
Only the Python standard library and python3-yaml (through labhosts.py).
"""
from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labhosts  # noqa: E402

NODE_DIR = "sys/devices/system/node"
CPU_DIR = "sys/devices/system/cpu"
PCI_BUS_DIR = "sys/bus/pci/devices"
MM_HUGEPAGES_DIR = "sys/kernel/mm/hugepages"
STATES = {"running": "running", "paused": "paused", "shutoff": "shut off"}
NOT_INSTALLED = 127


class SimError(Exception):
    """A fault worded for one line on stderr."""


# ---------------------------------------------------------------- files


def _write(path: str, text: str) -> None:
    """Atomic: a reader (Smog, mid-discovery) never sees half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _symlink(path: str, target: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.islink(path) or os.path.exists(path):
        os.remove(path)
    os.symlink(target, path)


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return None


def _cpu_list(text: str) -> list[int]:
    cpus: list[int] = []
    for part in text.strip().split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        cpus.extend(range(int(low), int(high or low) + 1))
    return cpus


# ---------------------------------------------------------------- render


def render(host: labhosts.Host, root: str) -> None:
    """The host's sysfs tree under ROOT/sys, as Linux lays it out (the files Smog's loader reads, and their neighbours)."""
    cells = host.cells
    node_ids = labhosts.cpu_ranges(c.id for c in cells)
    all_cpus = labhosts.cpu_ranges(host.cpus)
    for name in ("online", "possible", "has_cpu", "has_memory", "has_normal_memory"):
        _write(f"{root}/{NODE_DIR}/{name}", node_ids + "\n")
    cells_per_socket = len(cells) // host.sockets
    for cell in cells:
        node = f"{root}/{NODE_DIR}/node{cell.id}"
        _write(f"{node}/cpulist", labhosts.cpu_ranges(cell.cpus) + "\n")
        _write(f"{node}/distance", " ".join(str(d) for _, d in sorted(cell.distances.items())) + "\n")
        for size in (s for s in cell.pages if s != 4):
            pool = f"{node}/hugepages/hugepages-{size}kB"
            _write(f"{pool}/nr_hugepages", f"{cell.pages[size]}\n")
            _write(f"{pool}/free_hugepages", f"{cell.pages[size]}\n")
            _write(f"{pool}/surplus_hugepages", "0\n")
        for cpu in cell.cpus:
            _symlink(f"{node}/cpu{cpu}", f"../../cpu/cpu{cpu}")
        for k, core in enumerate(cell.siblings):
            # core_id counts cores within the package, as Linux numbers them on Intel.
            core_id = (cell.id % cells_per_socket) * len(cell.siblings) + k
            package = [c for other in cells if other.socket == cell.socket for c in other.cpus]
            for cpu in core:
                topo = f"{root}/{CPU_DIR}/cpu{cpu}/topology"
                siblings = labhosts.cpu_ranges(core)
                _write(f"{topo}/thread_siblings_list", siblings + "\n")
                _write(f"{topo}/core_cpus_list", siblings + "\n")
                _write(f"{topo}/core_siblings_list", labhosts.cpu_ranges(package) + "\n")
                _write(f"{topo}/package_cpus_list", labhosts.cpu_ranges(package) + "\n")
                _write(f"{topo}/core_id", f"{core_id}\n")
                _write(f"{topo}/physical_package_id", f"{cell.socket}\n")
                _write(f"{topo}/die_id", "0\n")
                _symlink(f"{root}/{CPU_DIR}/cpu{cpu}/node{cell.id}", f"../../node/node{cell.id}")
    for name in ("online", "possible", "present"):
        _write(f"{root}/{CPU_DIR}/{name}", all_cpus + "\n")
    _write(f"{root}/{CPU_DIR}/offline", "\n")
    _write(f"{root}/{CPU_DIR}/kernel_max", "8191\n")

    for d in host.pci:
        bus = d.address[5:7]
        real = f"{root}/sys/devices/pci{d.address[:4]}:{bus}/{d.address}"
        local_cpus = labhosts.cpu_ranges(host.cells[d.cell].cpus)
        _write(f"{real}/vendor", f"0x{d.vendor_id}\n")
        _write(f"{real}/device", f"0x{d.product_id}\n")
        _write(f"{real}/class", "0x020000\n")  # Ethernet controller
        _write(f"{real}/numa_node", f"{d.cell}\n")
        _write(f"{real}/local_cpulist", local_cpus + "\n")
        if d.kind == "pf":
            _write(f"{real}/sriov_totalvfs", f"{d.vf_count}\n")
            _write(f"{real}/sriov_numvfs", f"{d.vf_count}\n")
            for i in range(d.vf_count):
                _symlink(f"{real}/virtfn{i}", f"../{labhosts.vf_address(d.address, i)}")
        if d.parent:
            _symlink(f"{real}/physfn", f"../{d.parent}")
        _symlink(f"{root}/{PCI_BUS_DIR}/{d.address}", f"../../../devices/pci{d.address[:4]}:{bus}/{d.address}")
    _write_meminfo(root, host.cells, {c.id: 0 for c in cells})
    _write_global_hugepages(root)


def _write_meminfo(root: str, cells: list[labhosts.Cell], small_used_kib: dict[int, int]) -> None:
    """Node N MemTotal/MemFree/MemUsed: huge page pools count as used, as Linux shows them."""
    for cell in cells:
        huge = sum(size * count for size, count in cell.pages.items() if size != 4)
        free = max(0, cell.memory_kib - huge - small_used_kib.get(cell.id, 0))
        lines = [("MemTotal", cell.memory_kib), ("MemFree", free), ("MemUsed", cell.memory_kib - free)]
        text = "".join(f"Node {cell.id} {k + ':':<15} {v:>8} kB\n" for k, v in lines)
        _write(f"{root}/{NODE_DIR}/node{cell.id}/meminfo", text)


def _write_global_hugepages(root: str) -> None:
    """/sys/kernel/mm/hugepages: the per-node pools summed."""
    totals: dict[str, list[int]] = {}
    for node, pool, nr, free in _node_pools(root):
        t = totals.setdefault(pool, [0, 0])
        t[0] += nr
        t[1] += free
    for pool, (nr, free) in totals.items():
        base = f"{root}/{MM_HUGEPAGES_DIR}/{pool}"
        _write(f"{base}/nr_hugepages", f"{nr}\n")
        _write(f"{base}/free_hugepages", f"{free}\n")
        _write(f"{base}/resv_hugepages", "0\n")
        _write(f"{base}/surplus_hugepages", "0\n")


def _node_ids(root: str) -> list[int]:
    text = _read(f"{root}/{NODE_DIR}/online")
    return _cpu_list(text) if text else []


def _node_pools(root: str):
    """(node, 'hugepages-NkB', nr, free) for every per-node pool under ROOT."""
    for node in _node_ids(root):
        base = f"{root}/{NODE_DIR}/node{node}/hugepages"
        for pool in sorted(os.listdir(base)) if os.path.isdir(base) else []:
            nr = int((_read(f"{base}/{pool}/nr_hugepages") or "0").strip())
            free = int((_read(f"{base}/{pool}/free_hugepages") or "0").strip())
            yield node, pool, nr, free


def capabilities_xml(host: labhosts.Host) -> str:
    """The topology as libvirt's capabilities report it (host part; no guests)."""
    sizes = sorted({s for c in host.cells for s in c.pages})
    out = ["<capabilities>", "", "  <host>", "    <cpu>", "      <arch>x86_64</arch>",
           f"      <topology sockets='{host.sockets}' dies='1' cores='{len(host.cells[0].siblings) * len(host.cells) // host.sockets}' threads='{host.threads_per_core}'/>"]
    out += [f"      <pages unit='KiB' size='{s}'/>" for s in sizes]
    out += ["    </cpu>", "    <topology>", f"      <cells num='{len(host.cells)}'>"]
    per_socket = len(host.cells) // host.sockets
    for cell in host.cells:
        out += [f"        <cell id='{cell.id}'>", f"          <memory unit='KiB'>{cell.memory_kib}</memory>"]
        out += [f"          <pages unit='KiB' size='{s}'>{n}</pages>" for s, n in cell.pages.items()]
        out += ["          <distances>"] + [f"            <sibling id='{o}' value='{d}'/>" for o, d in sorted(cell.distances.items())]
        out += ["          </distances>", f"          <cpus num='{len(cell.cpus)}'>"]
        rows = []
        for k, core in enumerate(cell.siblings):
            core_id = (cell.id % per_socket) * len(cell.siblings) + k
            rows += [(cpu, f"            <cpu id='{cpu}' socket_id='{cell.socket}' die_id='0' core_id='{core_id}' siblings='{labhosts.cpu_ranges(core)}'/>") for cpu in core]
        out += [r for _, r in sorted(rows)]
        out += ["          </cpus>", "        </cell>"]
    out += ["      </cells>", "    </topology>", "  </host>", "", "</capabilities>", ""]
    return "\n".join(out)


# ---------------------------------------------------------------- domains and refresh


def _domains_dir(state_dir: str) -> str:
    return os.path.join(state_dir, "libvirt", "domains")


def domains(state_dir: str) -> list[tuple[str, str, ET.Element | None]]:
    """(name, state, parsed XML) of every defined domain, by name."""
    base = _domains_dir(state_dir)
    out = []
    for f in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        if not f.endswith(".xml"):
            continue
        name = f[:-4]
        state = (_read(os.path.join(base, name + ".state")) or "shutoff").strip() or "shutoff"
        try:
            xml = ET.parse(os.path.join(base, f)).getroot()
        except (ET.ParseError, OSError):
            xml = None
        out.append((name, state, xml))
    return out


_UNITS = {"b": 1 / 1024, "bytes": 1 / 1024, "kb": 1000 / 1024, "k": 1, "kib": 1, "mb": 1000 ** 2 / 1024, "m": 1024, "mib": 1024,
          "gb": 1000 ** 3 / 1024, "g": 1024 ** 2, "gib": 1024 ** 2, "tb": 1000 ** 4 / 1024, "t": 1024 ** 3, "tib": 1024 ** 3}


def _kib(value: str | None, unit: str | None) -> int:
    return int(int(value or 0) * _UNITS.get((unit or "KiB").lower(), 1))


def _nodeset_first(text: str | None) -> int | None:
    return _cpu_list(text)[0] if text and text.strip() else None


def guest_memory(xml: ET.Element) -> list[tuple[int, int, int]]:
    """(host node, page size KiB, KiB) for each guest NUMA cell of a domain (or its whole memory)."""
    pages = []  # (size KiB, guest cells or None for all)
    hp = xml.find("memoryBacking/hugepages")
    if hp is not None:
        for p in hp.findall("page"):
            pages.append((_kib(p.get("size"), p.get("unit")), set(_cpu_list(p.get("nodeset"))) if p.get("nodeset") else None))
        if not pages:
            pages.append((2048, None))  # <hugepages/> alone: the default huge page size
    memnodes = {int(m.get("cellid")): _nodeset_first(m.get("nodeset")) for m in xml.findall("numatune/memnode")}
    memory = xml.find("numatune/memory")
    default_node = _nodeset_first(memory.get("nodeset")) if memory is not None else None

    def size_for(cell: int | None) -> int:
        for size, cells in pages:
            if cells is None or cell in cells:
                return size
        return 4

    cells = xml.findall("cpu/numa/cell")
    if not cells:
        total = xml.find("memory")
        return [(default_node or 0, size_for(None), _kib(total.text if total is not None else None, total.get("unit") if total is not None else None))]
    out = []
    for c in cells:
        cid = int(c.get("id", "0"))
        node = memnodes.get(cid, default_node)
        out.append((node if node is not None else cid, size_for(cid), _kib(c.get("memory"), c.get("unit"))))
    return out


def refresh(state_dir: str, host: str | None = None) -> None:
    """free_hugepages per node = total - pages held by running (or paused) domains; MemFree less their 4 KiB memory."""
    root = os.path.join(state_dir, "root")
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(state_dir, ".refresh.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        held: dict[tuple[int, int], int] = {}
        small: dict[int, int] = {}
        for _, state, xml in domains(state_dir):
            if state not in ("running", "paused") or xml is None:
                continue
            for node, size, kib in guest_memory(xml):
                if size == 4:
                    small[node] = small.get(node, 0) + kib
                else:
                    held[(node, size)] = held.get((node, size), 0) + kib // size
        for node, pool, nr, _ in list(_node_pools(root)):
            size = int(pool[len("hugepages-"):-2])
            _write(f"{root}/{NODE_DIR}/node{node}/hugepages/{pool}/free_hugepages", f"{max(0, nr - held.get((node, size), 0))}\n")
        cells = []
        for node in _node_ids(root):
            meminfo = _read(f"{root}/{NODE_DIR}/node{node}/meminfo") or ""
            m = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
            pages = {int(pool[len("hugepages-"):-2]): nr for n, pool, nr, _ in _node_pools(root) if n == node}
            cells.append(labhosts.Cell(node, [], [], 0, int(m.group(1)) if m else 0, pages))
        _write_meminfo(root, cells, small)
        _write_global_hugepages(root)


# ---------------------------------------------------------------- exec: virsh and numactl


def _host_name(state_dir: str) -> str:
    return os.path.basename(os.path.normpath(state_dir))


def virsh(state_dir: str, args: list[str], out, err) -> int:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a in ("-c", "--connect"):
            i += 2
            continue
        if a.startswith("--connect=") or a in ("-r", "--readonly", "-q", "--quiet"):
            i += 1
            continue
        err.write(f"error: unsupported option '{a}'. See --help.\n")
        return 1
    if i >= len(args):
        err.write("error: simhost answers virsh list, dumpxml, domstate and capabilities only\n")
        return 1
    command, rest = args[i], args[i + 1:]
    doms = domains(state_dir)
    running = [d for d in doms if d[1] in ("running", "paused")]
    ids = {name: n for n, (name, _, _) in enumerate(running, start=1)}

    def find(key: str):
        for name, state, xml in doms:
            uuid = xml.findtext("uuid") if xml is not None else None
            if key in (name, uuid) or (key.isdigit() and ids.get(name) == int(key)):
                return name, state
        return None

    if command == "list":
        flags = set(rest)
        unknown = flags - {"--all", "--inactive", "--name", "--uuid", "--table"}
        if unknown:
            err.write(f"error: command 'list' doesn't support option {sorted(unknown)[0]}\n")
            return 1
        shown = doms if "--all" in flags else [d for d in doms if d[1] not in ("running", "paused")] if "--inactive" in flags else running
        shown = sorted(shown, key=lambda d: (d[0] not in ids, ids.get(d[0], 0), d[0]))
        if "--name" in flags or "--uuid" in flags:
            for name, _, xml in shown:
                uuid = (xml.findtext("uuid") or "").strip() if xml is not None else ""
                out.write(" ".join(x for x, on in ((uuid, "--uuid" in flags), (name, "--name" in flags)) if on) + "\n")
            out.write("\n")
            return 0
        rows = [[str(ids[name]) if name in ids else "-", name, STATES.get(state, state)] for name, state, _ in shown]
        header = ["Id", "Name", "State"]
        widths = [max(len(r[k]) for r in rows + [header]) for k in range(3)]

        def line(r):
            return " " + "   ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() + "\n"
        out.write(line(header))
        out.write("-" * (sum(widths) + 3 * len(widths)) + "\n")
        for r in rows:
            out.write(line(r))
        out.write("\n")
        return 0
    if command in ("dumpxml", "domstate"):
        names = [a for a in rest if not a.startswith("--")]
        if len(names) != 1:
            err.write(f"error: command '{command}' requires <domain> option\n")
            return 1
        found = find(names[0])
        if found is None:
            err.write(f"error: failed to get domain '{names[0]}'\n")
            return 1
        name, state = found
        if command == "domstate":
            out.write(STATES.get(state, state) + "\n\n")
            return 0
        text = _read(os.path.join(_domains_dir(state_dir), name + ".xml"))
        if text is None:
            err.write(f"error: failed to get domain '{names[0]}'\n")
            return 1
        out.write(text if text.endswith("\n") else text + "\n")
        return 0
    if command == "capabilities":
        text = _read(os.path.join(state_dir, "libvirt", "capabilities.xml"))
        if text is None:
            err.write("error: failed to get capabilities\n"
                      f"error: simhost: {state_dir}/libvirt/capabilities.xml is missing (the nova-compute wrapper writes it)\n")
            return 1
        out.write(text if text.endswith("\n") else text + "\n")
        return 0
    err.write(f"error: unknown command: '{command}'\n")
    return 1


def numactl_hardware(state_dir: str, out) -> int:
    """numactl -H from the rendered sysfs tree: sizes and free memory in MB (MiB), as numactl prints them."""
    root = os.path.join(state_dir, "root")
    nodes = _node_ids(root)
    if not nodes:
        out.write("No NUMA available on this system\n")
        return 1
    out.write(f"available: {len(nodes)} nodes ({labhosts.cpu_ranges(nodes)})\n")
    for n in nodes:
        base = f"{root}/{NODE_DIR}/node{n}"
        cpus = _cpu_list(_read(f"{base}/cpulist") or "")
        meminfo = _read(f"{base}/meminfo") or ""
        total = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
        free = re.search(r"MemFree:\s+(\d+) kB", meminfo)
        out.write(f"node {n} cpus: {' '.join(str(c) for c in cpus)}\n")
        out.write(f"node {n} size: {int(total.group(1)) // 1024 if total else 0} MB\n")
        out.write(f"node {n} free: {int(free.group(1)) // 1024 if free else 0} MB\n")
    out.write("node distances:\n")
    out.write("node " + "".join(f"{n:>3} " for n in nodes) + "\n")
    for n in nodes:
        dist = (_read(f"{root}/{NODE_DIR}/node{n}/distance") or "").split()
        out.write(f"{n:>3}: " + "".join(f"{d:>3} " for d in dist) + "\n")
    return 0


def run_exec(state_dir: str, argv: list[str], out=sys.stdout, err=sys.stderr) -> int:
    if not argv:
        err.write("simhost: exec needs a program after --\n")
        return 2
    program = os.path.basename(argv[0])
    host = _host_name(state_dir)
    if not os.path.isdir(state_dir):
        err.write(f"simhost: no state directory {state_dir} for simulated host {host}\n")
        return NOT_INSTALLED
    if program == "virsh":
        return virsh(state_dir, argv[1:], out, err)
    if program == "numactl" and argv[1:] in (["-H"], ["--hardware"]):
        return numactl_hardware(state_dir, out)
    if program == "numactl":
        err.write(f"simhost: numactl {' '.join(argv[1:])}: only -H/--hardware is simulated on {host}\n")
        return 1
    if program == "sh" and len(argv) == 3 and argv[1] == "-c" and argv[2] == restart_command(host):
        # the one shell command a simulated host runs for real: the inventory's `restart:`
        # (smog env nova-conf --restart runs it as sh -c); no other shell reaches this machine
        out.flush()
        return subprocess.run([os.path.join(LAB_DIR, "allinone"), "restart-host", host],
                              stdout=out, stderr=err, check=False).returncode
    err.write(f"simhost: {program} is not available on simulated host {host}\n")
    return NOT_INSTALLED


LAB_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def restart_command(host: str) -> str:
    """The `restart:` lab/allinone writes into the inventory for a simulated host."""
    return f"{os.path.join(LAB_DIR, 'allinone')} restart-host {host}"


# ---------------------------------------------------------------- command line


def _options(args: list[str], names: tuple[str, ...], flags: tuple[str, ...] = ()) -> dict[str, str]:
    found: dict[str, str] = {}
    i = 0
    while i < len(args):
        a = args[i]
        if a in flags:
            found[a] = ""
            i += 1
        elif a in names and i + 1 < len(args):
            found[a] = args[i + 1]
            i += 2
        else:
            raise SimError(f"unexpected argument '{a}'")
    return found


USAGE = ("usage: simhost.py render --lab FILE --host NAME --root DIR [--capabilities FILE]\n"
         "       simhost.py refresh --state DIR\n"
         "       simhost.py exec --state DIR -- PROGRAM [ARGS...]\n")


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["exec"]:
            if "--" not in argv:
                raise SimError("exec needs -- before the program")
            split = argv.index("--")
            opts = _options(argv[1:split], ("--state",))
            if "--state" not in opts:
                raise SimError("exec needs --state DIR")
            return run_exec(opts["--state"], argv[split + 1:])
        if argv[:1] == ["render"]:
            opts = _options(argv[1:], ("--lab", "--host", "--root", "--capabilities"))
            for required in ("--lab", "--host", "--root"):
                if required not in opts:
                    raise SimError(f"render needs {required}")
            lab = labhosts.load(opts["--lab"])
            try:
                host = lab.host(opts["--host"])
            except labhosts.LabError as e:
                raise SimError(f"{opts['--lab']}: {e}") from None
            render(host, opts["--root"])
            caps = opts.get("--capabilities")
            if caps and not os.path.exists(caps):
                _write(caps, capabilities_xml(host))
            return 0
        if argv[:1] == ["refresh"]:
            opts = _options(argv[1:], ("--state",))
            if "--state" not in opts:
                raise SimError("refresh needs --state DIR")
            refresh(opts["--state"], _host_name(opts["--state"]))
            return 0
        sys.stderr.write(USAGE)
        return 2
    except (SimError, labhosts.LabError) as e:
        sys.stderr.write(f"simhost: {e}\n")
        return 2
    except OSError as e:
        sys.stderr.write(f"simhost: {e.filename}: {e.strerror}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
