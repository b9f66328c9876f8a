#!/usr/bin/env python3
"""Reads a lab YAML (the embedded cloud's schema, src/Smog.Cloud/Lab/README.md) into plain dataclasses.

The Python twin of Smog.Cloud's LabReader for the pieces lab/allinone needs (the simulated hosts'
hardware and nova.conf text). It expands the `topology:` shorthand exactly as TopologyShorthand.cs
does; a test in tests/Smog.Tests checks that both readers agree on the default lab. The long form
(`topology: {file: x.json}`) is refused with a clear message.

    python3 labhosts.py check FILE    # one line per host; a fault is one line on stderr, exit 2

Only python3 + python3-yaml (which python3-nova pulls in).
"""
from __future__ import annotations

import dataclasses
import re
import sys

import yaml

LOCAL_DISTANCE = 10
REMOTE_DISTANCE = 21

TOP_FIELDS = ("version", "controller", "hosts", "aggregates")
CONTROLLER_FIELDS = ("nova_conf",)
HOST_FIELDS = ("name", "topology", "nova_conf", "aggregates", "disk_gb")
AGGREGATE_FIELDS = ("name", "availability_zone", "metadata")
TOPOLOGY_FIELDS = ("sockets", "cells", "cores_per_cell", "threads_per_core", "memory_per_cell", "pages_per_cell", "pci")
PCI_FIELDS = ("address", "cell", "vendor_id", "product_id", "kind", "vfs", "vf_product_id")


class LabError(Exception):
    """One fault, already worded as `FILE: FIELD: message`."""


@dataclasses.dataclass(frozen=True)
class PciDevice:
    address: str
    cell: int
    vendor_id: str
    product_id: str
    kind: str  # 'pci' | 'pf' | 'vf'
    parent: str | None = None  # the PF of a VF
    vf_count: int = 0  # VFs of a PF


@dataclasses.dataclass(frozen=True)
class Cell:
    id: int
    cpus: list[int]
    siblings: list[list[int]]  # one list per core, its threads
    socket: int
    memory_kib: int
    pages: dict[int, int]  # page size in KiB -> count, 4 KiB included
    distances: dict[int, int] = dataclasses.field(default_factory=dict)  # cell id -> distance


@dataclasses.dataclass(frozen=True)
class Host:
    name: str
    nova_conf: str
    sockets: int
    cells: list[Cell]
    pci: list[PciDevice]
    threads_per_core: int = 1
    aggregates: list[str] = dataclasses.field(default_factory=list)
    disk_gb: int = 1000

    @property
    def cpus(self) -> list[int]:
        return sorted(c for cell in self.cells for c in cell.cpus)

    def cell_of_cpu(self, cpu: int) -> Cell:
        return next(cell for cell in self.cells if cpu in cell.cpus)


@dataclasses.dataclass(frozen=True)
class Aggregate:
    name: str
    availability_zone: str | None
    metadata: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Lab:
    controller_nova_conf: str
    hosts: list[Host]
    aggregates: list[Aggregate]

    def host(self, name: str) -> Host:
        for h in self.hosts:
            if h.name == name:
                return h
        raise LabError(f"no host '{name}' in the lab (hosts: {', '.join(h.name for h in self.hosts) or 'none'})")


def size_kib(text: str) -> int | None:
    """Sizes are binary however spelt (SizeSyntax.KiB): 32GiB, 32G, 32GB, 16384MiB, 2M, 1048576K."""
    m = re.fullmatch(r"([0-9]+)\s*([A-Za-z]*)", text.strip())
    if not m:
        return None
    scale = {"K": 1, "KI": 1, "KIB": 1, "KB": 1,
             "M": 1024, "MI": 1024, "MIB": 1024, "MB": 1024,
             "G": 1024 ** 2, "GI": 1024 ** 2, "GIB": 1024 ** 2, "GB": 1024 ** 2,
             "T": 1024 ** 3, "TI": 1024 ** 3, "TIB": 1024 ** 3, "TB": 1024 ** 3}.get(m.group(2).upper())
    n = int(m.group(1))
    if scale is None or n == 0:
        return None
    return n * scale


def vf_address(pf_address: str, index: int) -> str:
    """VF `index` of a PF: the PF's bus, device 2 upwards, eight functions each (ShorthandPci.VfAddress)."""
    return f"{pf_address[:-4]}{2 + index // 8:02x}.{index % 8}"


def _pci_address(text: str) -> str | None:
    t = text.strip().lower()
    if t.count(":") == 1:
        t = "0000:" + t
    if re.fullmatch(r"[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f]", t):
        return t
    return None


class _Reader:
    """Walks the YAML (all scalars as text, as the C# reader sees them); each fault names the field."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, field: str, message: str) -> LabError:
        return LabError(f"{self.source}: {field}: {message}" if field else f"{self.source}: {message}")

    def mapping(self, node, field):
        if not isinstance(node, dict):
            raise self.fail(field, "expected a mapping")
        return node

    def sequence(self, node, field):
        if not isinstance(node, list):
            raise self.fail(field, "expected a list")
        return node

    def text(self, node, field) -> str:
        if not isinstance(node, str):
            raise self.fail(field, "expected a single value")
        return node

    def known(self, node: dict, field: str, fields) -> None:
        for key in node:
            if key not in fields:
                name = f"{field}.{key}" if field else str(key)
                raise self.fail(name, f"unknown field (expected one of {', '.join(fields)})")

    def whole(self, node, field, low, high) -> int:
        text = self.text(node, field)
        if not re.fullmatch(r"[0-9]+", text) or not low <= int(text) <= high:
            raise self.fail(field, f"expected a whole number from {low} to {high}, found '{text}'")
        return int(text)

    def size(self, node, field) -> int:
        text = self.text(node, field)
        kib = size_kib(text)
        if kib is None:
            raise self.fail(field, f"expected a size like 32GiB, 16384MiB or 2M, found '{text}'")
        return kib

    def hex4(self, node, field) -> str:
        text = self.text(node, field)
        t = text.strip().lower()
        if t.startswith("0x"):
            t = t[2:]
        if len(text.strip()) > 6 or len(t) < 4 or not re.fullmatch(r"[0-9a-f]+", t):
            raise self.fail(field, f"expected 4 hex digits, found '{text}'")
        return t[:4]

    def lab(self, root) -> Lab:
        if root is None:
            raise self.fail("", "the file is empty, expected a lab (version, hosts, aggregates)")
        root = self.mapping(root, "")
        self.known(root, "", TOP_FIELDS)
        if "version" not in root:
            raise self.fail("version", "missing; expected version: 1")
        if self.text(root["version"], "version") != "1":
            raise self.fail("version", f"expected 1, found '{root['version']}'")
        controller = ""
        if root.get("controller") is not None:
            c = self.mapping(root["controller"], "controller")
            self.known(c, "controller", CONTROLLER_FIELDS)
            if "nova_conf" in c:
                controller = self.text(c["nova_conf"], "controller.nova_conf")
        aggregates = []
        for i, a in enumerate(self.sequence(root.get("aggregates") or [], "aggregates")):
            aggregate = self.aggregate(a, f"aggregates[{i}]")
            if any(x.name == aggregate.name for x in aggregates):
                raise self.fail(f"aggregates[{i}].name", f"duplicate aggregate name '{aggregate.name}'")
            aggregates.append(aggregate)
        hosts = []
        for i, h in enumerate(self.sequence(root.get("hosts") or [], "hosts")):
            host = self.host(h, f"hosts[{i}]", {a.name for a in aggregates})
            if any(x.name == host.name for x in hosts):
                raise self.fail(f"hosts[{i}].name", f"duplicate host name '{host.name}'")
            hosts.append(host)
        return Lab(controller, hosts, aggregates)

    def aggregate(self, node, field) -> Aggregate:
        m = self.mapping(node, field)
        self.known(m, field, AGGREGATE_FIELDS)
        if "name" not in m:
            raise self.fail(f"{field}.name", "missing")
        name = self.text(m["name"], f"{field}.name")
        if not name:
            raise self.fail(f"{field}.name", "expected a name")
        az = self.text(m["availability_zone"], f"{field}.availability_zone") if "availability_zone" in m else None
        metadata = {}
        for k, v in self.mapping(m.get("metadata") or {}, f"{field}.metadata").items():
            metadata[self.text(k, f"{field}.metadata")] = self.text(v, f"{field}.metadata.{k}")
        return Aggregate(name, az, metadata)

    def host(self, node, field, aggregate_names) -> Host:
        m = self.mapping(node, field)
        self.known(m, field, HOST_FIELDS)
        if "name" not in m:
            raise self.fail(f"{field}.name", "missing")
        name = self.text(m["name"], f"{field}.name")
        if not name:
            raise self.fail(f"{field}.name", "expected a name")
        if "topology" not in m:
            raise self.fail(f"{field}.topology", "missing")
        nova_conf = self.text(m["nova_conf"], f"{field}.nova_conf") if "nova_conf" in m else ""
        aggregates = []
        for j, a in enumerate(self.sequence(m.get("aggregates") or [], f"{field}.aggregates")):
            a = self.text(a, f"{field}.aggregates[{j}]")
            if a not in aggregate_names:
                raise self.fail(f"{field}.aggregates[{j}]", f"unknown aggregate '{a}' (aggregates: {', '.join(sorted(aggregate_names)) or 'none'})")
            aggregates.append(a)
        disk_gb = self.whole(m["disk_gb"], f"{field}.disk_gb", 1, 1 << 30) if "disk_gb" in m else 1000
        return self.topology(m["topology"], f"{field}.topology", name, nova_conf, aggregates, disk_gb)

    def topology(self, node, field, name, nova_conf, aggregates, disk_gb) -> Host:
        t = self.mapping(node, field)
        if "file" in t:
            raise self.fail(f"{field}.file", "topology files (smog discover JSON) are not supported by lab/allinone; "
                                             "use the shorthand (sockets, cells, cores_per_cell, ...)")
        self.known(t, field, TOPOLOGY_FIELDS)

        def whole(key, low, high, default=None):
            if key in t:
                return self.whole(t[key], f"{field}.{key}", low, high)
            if default is None:
                raise self.fail(f"{field}.{key}", "missing")
            return default

        sockets = whole("sockets", 1, 64, 1)
        cells = whole("cells", 1, 64)
        cores = whole("cores_per_cell", 1, 1024)
        threads = whole("threads_per_core", 1, 8, 1)
        if "memory_per_cell" not in t:
            raise self.fail(f"{field}.memory_per_cell", "missing; expected a size like 32GiB")
        # Whole MiB, as the C# reader keeps it.
        memory_kib = self.size(t["memory_per_cell"], f"{field}.memory_per_cell") // 1024 * 1024
        if cells % sockets:
            raise self.fail(f"{field}.sockets", f"{sockets} sockets cannot share {cells} cells evenly")
        if memory_kib == 0:
            raise self.fail(f"{field}.memory_per_cell", "expected at least 1 MiB")

        huge: dict[int, int] = {}
        for key, value in self.mapping(t.get("pages_per_cell") or {}, f"{field}.pages_per_cell").items():
            size_field = f"{field}.pages_per_cell.{key}"
            kib = self.size(key, size_field)
            if kib not in (2048, 1048576) and (kib < 8 or kib & (kib - 1)):
                raise self.fail(size_field, "expected a huge page size (a power of two above 4 KiB, like 2M or 1G)")
            if kib in huge:
                raise self.fail(size_field, "page size given twice")
            huge[kib] = self.whole(value, size_field, 0, 1 << 32)
        huge_kib = sum(k * n for k, n in huge.items())
        if huge_kib > memory_kib:
            raise self.fail(f"{field}.pages_per_cell", f"huge pages hold {huge_kib // 1024} MiB, more than memory_per_cell ({memory_kib // 1024} MiB)")
        pages = {4: (memory_kib - huge_kib) // 4, **dict(sorted(huge.items()))}

        def cpu(c, k, th):
            return th * cells * cores + c * cores + k

        per_socket = cells // sockets
        cell_list = []
        for c in range(cells):
            siblings = [[cpu(c, k, th) for th in range(threads)] for k in range(cores)]
            cell_list.append(Cell(
                id=c, cpus=sorted(x for s in siblings for x in s), siblings=siblings, socket=c // per_socket,
                memory_kib=memory_kib, pages=dict(pages),
                distances={o: LOCAL_DISTANCE if o == c else REMOTE_DISTANCE for o in range(cells)}))

        devices: list[PciDevice] = []
        for i, d in enumerate(self.sequence(t.get("pci") or [], f"{field}.pci")):
            for dev in self.pci(d, f"{field}.pci[{i}]", cells):
                if any(x.address == dev.address for x in devices):
                    where = f"{field}.pci[{i}].address" if dev.kind != "vf" else f"{field}.pci"
                    raise self.fail(where, f"duplicate PCI address {dev.address}" if dev.kind != "vf"
                                    else f"two devices get address {dev.address} (a VF range overlaps another device)")
                devices.append(dev)
        devices.sort(key=lambda d: d.address)
        return Host(name, nova_conf, sockets, cell_list, devices, threads, aggregates, disk_gb)

    def pci(self, node, field, cells) -> list[PciDevice]:
        m = self.mapping(node, field)
        self.known(m, field, PCI_FIELDS)

        def required(key):
            if key not in m:
                raise self.fail(f"{field}.{key}", "missing")
            return m[key]

        if "address" not in m:
            raise self.fail(f"{field}.address", "missing; expected dddd:bb:ss.f")
        text = self.text(m["address"], f"{field}.address")
        address = _pci_address(text)
        if address is None:
            raise self.fail(f"{field}.address", f"expected a PCI address dddd:bb:ss.f, found '{text}'")
        cell = self.whole(required("cell"), f"{field}.cell", 0, 2 ** 31 - 1)
        if cell >= cells:
            raise self.fail(f"{field}.cell", f"no cell {cell}: the host has cells 0-{cells - 1}")
        vendor = self.hex4(required("vendor_id"), f"{field}.vendor_id")
        product = self.hex4(required("product_id"), f"{field}.product_id")
        kind = self.text(m["kind"], f"{field}.kind") if "kind" in m else "pci"
        if kind not in ("pci", "pf"):
            raise self.fail(f"{field}.kind", f"expected pci or pf, found '{kind}'")
        if kind == "pci":
            for key in ("vfs", "vf_product_id"):
                if key in m:
                    raise self.fail(f"{field}.{key}", "only a pf has VFs (kind: pf)")
            return [PciDevice(address, cell, vendor, product, "pci")]
        if "vfs" not in m:
            raise self.fail(f"{field}.vfs", "missing; a pf needs its VF count")
        vfs = self.whole(m["vfs"], f"{field}.vfs", 1, 256)
        vf_product = self.hex4(required("vf_product_id"), f"{field}.vf_product_id")
        if not address.endswith(".0"):
            raise self.fail(f"{field}.address", "a pf with VFs must be function 0 (its VFs take devices 2 upwards on its bus)")
        return [PciDevice(address, cell, vendor, product, "pf", None, vfs)] + [
            PciDevice(vf_address(address, i), cell, vendor, vf_product, "vf", address, 0) for i in range(vfs)]


def loads(text: str, source: str = "lab.yml") -> Lab:
    """Reads lab YAML text; faults raise LabError worded `SOURCE: FIELD: message`."""
    try:
        # BaseLoader: every scalar is text, as the C# reader sees it (no YAML 1.1 base-60 or octal surprises).
        root = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise LabError(f"{source}{where}: not valid YAML: {problem}") from None
    return _Reader(source).lab(root)


def load(path: str) -> Lab:
    """Reads a lab file; faults raise LabError worded `FILE: FIELD: message`."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise LabError(f"{path}: cannot read: {e.strerror}") from None
    return loads(text, path)


def cpu_ranges(cpus) -> str:
    """0-7,16-23: the way Linux and Nova write CPU lists."""
    out, run = [], []
    for c in sorted(cpus):
        if run and c == run[-1] + 1:
            run.append(c)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else f"{run[0]}")
        run = [c]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else f"{run[0]}")
    return ",".join(out)


def describe(host: Host) -> str:
    """One line: name, then per cell its CPUs, sibling sets, memory and pages; then the PCI devices."""
    cells = []
    for c in host.cells:
        siblings = " ".join(",".join(str(x) for x in s) for s in c.siblings)
        pages = ",".join(f"{size}K:{count}" for size, count in c.pages.items())
        distances = ",".join(str(d) for _, d in sorted(c.distances.items()))
        cells.append(f"cell{c.id}(socket={c.socket} cpus={cpu_ranges(c.cpus)} siblings=[{siblings}] memory_kib={c.memory_kib} "
                     f"pages={pages} distances={distances})")
    pci = " ".join(f"{d.address}/{d.kind}/{d.vendor_id}:{d.product_id}/cell{d.cell}" + (f"/pf={d.parent}" if d.parent else "")
                   for d in host.pci)
    return f"{host.name}: sockets={host.sockets} cells={len(host.cells)} cpus={len(host.cpus)} {' '.join(cells)} pci=[{pci}]"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "check":
        print("usage: labhosts.py check FILE", file=sys.stderr)
        return 2
    try:
        lab = load(argv[1])
    except LabError as e:
        print(e, file=sys.stderr)
        return 2
    for host in lab.hosts:
        print(describe(host))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
