#!/usr/bin/env python3
"""Generate random-but-meaningful NUMA fitting cases for the Nova oracle.

Every case is one JSON line in the case schema of the direct oracle
(``../shared/oracle/nova_oracle.py``; see its README, "Direct oracle: case
schema").  The output is a pure function of ``--seed`` and ``--count``: the
same arguments always produce byte-identical output (only ``random.Random``
with an integer seed is used, and nothing iterates over hash-ordered sets).

The mix is weighted so that most cases are pinned (dedicated / mixed)
requests sized to fit the generated host, while the rest cover shared NUMA
guests, guests without a NUMA topology, deliberate no-fit situations,
invalid flavor/image combinations (``numa_get_constraints`` errors) and a
few situations where ``NUMATopologyFilter`` and ``numa_fit_instance_to_host``
disagree.

Hosts use both host forms of the schema (explicit ``cells`` and the
``numa_nodes``/``cores_per_node``/``threads_per_core`` shorthand), 1-16 NUMA
cells, 1/2/4 threads per core with Intel-style, sequential (Linux/POWER/
fakelibvirt style) and round-robin CPU numbering, legacy configuration and
``cpu_dedicated_set``/``cpu_shared_set`` style pcpuset/cpuset, existing
usage (pinned CPUs, cpu_usage, memory_usage_mb, used/reserved pages) and
4 KiB / 2 MiB / 1 GiB page pools.

Each case name is ``s<seed>-<index>-<tags>``; the tags summarise what the
generator meant to exercise (``ded``/``mix``/``shr``/``non``/``err``/``div``
kind, thread policy, emulator policy, guest node count, page request, host
shape, and the ``nofit.*``/``err.*`` mutation applied).

Usage:
    gen_cases.py --seed 20261126 --count 3200 --out cases.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass, field

# Permutation budget: Nova walks itertools.permutations(host_cells, k) in
# full when nothing fits, so P(N, k) must stay small to keep every case fast.
MAX_PERMUTATIONS = 5000

KIB_2M = 2048
KIB_1G = 1048576

# Spellings of hw:mem_page_size / hw_mem_page_size and the page size (KiB)
# they resolve to (checked against oslo string_to_bytes in Nova 26).
PAGE_SPELLINGS = {
    4: ["small", "4", "4KB", "4KiB", "4096B"],
    KIB_2M: ["2MB", "2MiB", "2048", "2048KB", "2048KiB", "2097152B"],
    KIB_1G: ["1GB", "1GiB", "1048576", "1024MB", "1024MiB"],
}
# Valid spellings of sizes no host here ever has (4 MiB, 256 KiB, 1.5 GiB).
PAGE_UNSUPPORTED = ["4096", "2Mb", "4MB", "1.5GB"]
# Spellings Nova rejects at numa_get_constraints (MemoryPageSizeInvalid).
PAGE_INVALID = ["2M", "1G", "2Mi", "2048K", "4k", "huge", "1gb", "2mb"]

BOOL_TRUE = ["yes", "true", "True", "1", "on", "y", "t", "YES"]

# Mutations that turn a valid request into one numa_get_constraints rejects
# (Gen._error_case), with the Nova exception each one aims at.
ERROR_MUTATIONS = [
    "thr-shared",           # CPUThreadPolicyConfigurationInvalid
    "emu-shared",           # BadRequirementEmulatorThreadsPolicy
    "mask-nomixed",         # RequiredMixedInstancePolicy
    "rt-shared",            # RealtimeConfigurationInvalid
    "bad-policy",           # InvalidCPUAllocationPolicy
    "bad-thread",           # InvalidCPUThreadAllocationPolicy
    "bad-emu",              # InvalidEmulatorThreadsPolicy
    "numa-nodes-bad",       # InvalidNUMANodesNumber
    "page-invalid",         # MemoryPageSizeInvalid
    "page-forbidden",       # MemoryPageSizeForbidden
    "asym-split",           # ImageNUMATopologyAsymmetric
    "manual-incomplete",    # ImageNUMATopologyIncomplete
    "manual-range",         # ImageNUMATopologyCPUOutOfRange
    "manual-dup",           # ImageNUMATopologyCPUDuplicates
    "manual-unassigned",    # ImageNUMATopologyCPUsUnassigned
    "manual-memsum",        # ImageNUMATopologyMemoryOutOfRange
    "numa-both",            # ImageNUMATopologyForbidden (numa_nodes)
    "numa-cpus-both",       # ImageNUMATopologyForbidden (numa_cpus)
    "img-policy-conflict",  # ImageCPUPinningForbidden
    "thread-conflict",      # ImageCPUThreadPolicyForbidden
    "locked-nopage",        # LockMemoryForbidden
    "locked-conflict",      # FlavorImageLockedMemoryConflict
    "pcpu-policy",          # InvalidRequest (PCPU + hw:cpu_policy)
    "vcpu-pcpu",            # InvalidRequest (VCPU + PCPU)
    "pcpu-count",           # InvalidRequest (PCPU != vcpus [+1])
    "trait-thread",         # InvalidRequest (trait + thread policy)
    "rt-empty",             # RealtimeMaskNotFoundOrInvalid (empty mask)
    "rt-all-noemu",         # RealtimeMaskNotFoundOrInvalid (all RT)
    "rt-range",             # RealtimeMaskNotFoundOrInvalid (out of range)
    "mixed-nomask",         # RequiredMixedOrRealtimeCPUMask (no mask)
    "mixed-bothmask",       # RequiredMixedOrRealtimeCPUMask (both masks)
    "mixed-allpinned",      # InvalidMixedInstanceDedicatedMask
    "mixed-range",          # InvalidMixedInstanceDedicatedMask
]


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def perm_count(n: int, k: int) -> int:
    """P(n, k) = n! / (n-k)!  (0 when k > n)."""
    if k > n:
        return 0
    return math.perm(n, k)


def fmt_cpulist(ids) -> str:
    """Format CPU ids as a Nova CPU list with ranges: [0,1,2,5] -> '0-2,5'."""
    ids = sorted(set(ids))
    out = []
    i = 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        out.append(str(ids[i]) if i == j else "%d-%d" % (ids[i], ids[j]))
        i = j + 1
    return ",".join(out)


def fmt_cpulist_fancy(rng: random.Random, ids) -> str:
    """Like fmt_cpulist, but sometimes uses the '^' exclusion syntax
    ('0-3,^2') for non-contiguous sets, to exercise the parser."""
    ids = sorted(set(ids))
    lo, hi = ids[0], ids[-1]
    holes = [x for x in range(lo, hi + 1) if x not in ids]
    if holes and len(holes) <= 2 and rng.random() < 0.5:
        return "%d-%d,%s" % (lo, hi, ",".join("^%d" % h for h in holes))
    return fmt_cpulist(ids)


def wchoice(rng: random.Random, table):
    """Weighted choice from [(value, weight), ...] (order matters for
    determinism, so always pass lists)."""
    total = sum(w for _, w in table)
    x = rng.random() * total
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


def divisors(n: int):
    return [d for d in range(1, n + 1) if n % d == 0]


# --------------------------------------------------------------------------
# Host model
# --------------------------------------------------------------------------

@dataclass
class Cell:
    """One host NUMA cell as the generator models it.

    ``cores`` holds the thread-sibling groups (ascending ids inside each
    group).  ``pcpuset``/``cpuset`` are None for the legacy configuration
    (the oracle then uses all CPUs for both)."""
    id: int
    cores: list
    memory_mb: int
    pages: list | None = None      # None = oracle default (one 4 KiB entry)
    pcpuset: list | None = None
    cpuset: list | None = None
    pinned: list = field(default_factory=list)
    cpu_usage: int = 0
    memory_usage_mb: int = 0
    socket: int | None = None
    physnets: list = field(default_factory=list)
    tunneled: bool = False
    omit_siblings: bool = False

    # -- derived views -----------------------------------------------------
    @property
    def cpus(self):
        return sorted(c for g in self.cores for c in g)

    def eff_pcpuset(self) -> set:
        return set(self.cpus if self.pcpuset is None else self.pcpuset)

    def eff_cpuset(self) -> set:
        return set(self.cpus if self.cpuset is None else self.cpuset)

    def groups(self):
        """Sibling groups restricted to usable CPUs (what Nova reports)."""
        usable = self.eff_pcpuset() | self.eff_cpuset()
        out = [set(g) & usable for g in self.cores]
        return [g for g in out if g]

    def threads(self) -> int:
        gs = self.groups()
        return max((len(g) for g in gs), default=1)

    def free_pcpus(self) -> set:
        return self.eff_pcpuset() - set(self.pinned)

    def page_entries(self):
        """Effective page list (the oracle default when pages is None)."""
        if self.pages is None:
            return [{"size_kb": 4, "total": self.memory_mb * 256}]
        return self.pages

    def page(self, size_kb):
        for p in self.page_entries():
            if p["size_kb"] == size_kb:
                return p
        return None

    def free_pages_kb(self, size_kb) -> int:
        p = self.page(size_kb)
        if p is None:
            return 0
        free = p["total"] - p.get("used", 0) - p.get("reserved", 0)
        return max(0, free) * size_kb


@dataclass
class Host:
    cells: list
    threads: int            # hardware threads per core (before restrictions)
    numbering: str          # intel | seq | rr
    # legacy | pinset | split | dedonly | dedthreads | sharedonly
    config: str
    form: str = "cells"     # cells | shorthand
    siblings_order: str | None = None
    shorthand: dict | None = None

    def max_threads(self) -> int:
        return max(c.threads() for c in self.cells)


def _pick_cell_count(rng: random.Random) -> int:
    return wchoice(rng, [(1, 14), (2, 30), (3, 5), (4, 22), (6, 4), (8, 12),
                         (12, 3), (16, 6)])


def _pick_threads(rng: random.Random) -> int:
    return wchoice(rng, [(1, 42), (2, 43), (4, 15)])


def build_host(rng: random.Random, hints: dict) -> Host:
    """Build a random host honouring the generator hints:

    hints["threads"]      force threads per core (1/2/4) or None
    hints["configs"]      weighted list of allowed config styles
    hints["pages"]        set of huge page sizes that must exist (KiB)
    hints["min_cells"]    minimum number of cells
    hints["usage"]        probability of existing usage
    hints["shorthand"]    probability of the shorthand form (legacy only)
    """
    n = _pick_cell_count(rng)
    n = max(n, hints.get("min_cells", 1))
    t = hints.get("threads") or _pick_threads(rng)
    config = wchoice(rng, hints.get("configs") or CONFIGS_ANY)
    if config == "dedthreads" and t == 1:
        config = "dedonly"

    # cores per cell: fewer cores on big hosts and with 4 threads
    if n >= 12:
        cmax = 3 if t > 1 else 4
    elif n >= 6:
        cmax = 4 if t > 1 else 6
    else:
        cmax = 6 if t == 4 else 10
    cmin = 1 if rng.random() < 0.12 else 2
    cmin = min(cmin, cmax)
    uniform = rng.random() < 0.8
    base_c = rng.randint(cmin, cmax)
    cores_per_cell = [base_c if uniform else rng.randint(cmin, cmax)
                      for _ in range(n)]
    uniform = len(set(cores_per_cell)) == 1

    numbering = wchoice(rng, [("intel", 55), ("seq", 35), ("rr", 10)])
    if numbering == "rr" and not uniform:
        numbering = "intel"

    # the shorthand form can only express a uniform, legacy-configured host
    # with Intel numbering and no usage
    use_short = (config == "legacy"
                 and rng.random() < hints.get("shorthand", 0.5))
    if use_short:
        numbering = "intel"
        cores_per_cell = [base_c] * n
        uniform = True

    # memory per cell (MiB)
    base_mem = wchoice(rng, [(2048, 8), (4096, 20), (8192, 25), (16384, 25),
                             (32768, 15), (65536, 7)])
    mem_uniform = use_short or rng.random() < 0.8
    mems = [base_mem if mem_uniform else
            wchoice(rng, [(2048, 1), (4096, 2), (8192, 3), (16384, 3),
                          (32768, 1)]) for _ in range(n)]

    # ---- CPU numbering -----------------------------------------------------
    total_cores = sum(cores_per_cell)
    cores = [[] for _ in range(n)]
    g = 0
    if numbering == "rr":
        for gi in range(total_cores):
            node = gi % n
            cores[node].append([th * total_cores + gi for th in range(t)])
    else:
        for node in range(n):
            for _ in range(cores_per_cell[node]):
                if numbering == "intel":
                    cores[node].append([th * total_cores + g
                                        for th in range(t)])
                else:  # seq: siblings are consecutive ids
                    cores[node].append([g * t + th for th in range(t)])
                g += 1

    # occasionally a few SMT siblings are offline (shorter sibling groups)
    if t > 1 and not use_short and rng.random() < 0.06:
        for node in range(n):
            for core in cores[node]:
                if rng.random() < 0.25:
                    core.pop(rng.randrange(len(core)))

    cells = [Cell(id=i, cores=[sorted(c) for c in cores[i]],
                  memory_mb=mems[i]) for i in range(n)]

    # ---- page pools --------------------------------------------------------
    need = hints.get("pages", set())
    has2m = 2048 in need or rng.random() < 0.3
    has1g = KIB_1G in need or (rng.random() < 0.2)
    if use_short:
        frac2 = rng.choice([0.125, 0.25, 0.5])
        frac1 = rng.choice([0.25, 0.5])
        n2 = int(base_mem * frac2 / 2) if has2m else 0
        n1 = int(base_mem * frac1 / 1024) if has1g else 0
        if has2m and has1g and (n2 * 2 + n1 * 1024) > base_mem * 0.8:
            n1 = max(1, int(base_mem * 0.3 / 1024))
            n2 = int(base_mem * 0.3 / 2)
        if has1g and n1 == 0:
            n1 = 1
        for c in cells:
            pages = [{"size_kb": 4,
                      "total": (c.memory_mb * 1024 - n2 * 2048 - n1 * KIB_1G)
                      // 4}]
            if n2:
                pages.append({"size_kb": 2048, "total": n2})
            if n1:
                pages.append({"size_kb": KIB_1G, "total": n1})
            c.pages = pages
        sh = {"numa_nodes": n, "cores_per_node": base_c}
        if t != 1 or rng.random() < 0.5:
            sh["threads_per_core"] = t
        if base_mem != 16384 or rng.random() < 0.5:
            sh["memory_mb_per_node"] = base_mem
        if n2 or rng.random() < 0.2:
            sh["hugepages_2m_per_node"] = n2
        if n1 or rng.random() < 0.2:
            sh["hugepages_1g_per_node"] = n1
        host = Host(cells=cells, threads=t, numbering=numbering,
                    config=config, form="shorthand", shorthand=sh)
        for c in cells:
            if len(c.pages) == 1:
                c.pages = None   # identical to the oracle default
        return host

    no_page_info = rng.random() < 0.015 and not need
    for c in cells:
        if no_page_info:
            c.pages = []
            continue
        huge_kb = 0
        extra = []
        if has2m:
            cnt = int(c.memory_mb * rng.choice([0.125, 0.25, 0.5]) / 2)
            if rng.random() < 0.05 and 2048 not in need:
                cnt = 0          # size listed, but no pages in the pool
            extra.append({"size_kb": 2048, "total": cnt})
            huge_kb += cnt * 2048
        if has1g:
            cnt = max(1, int(c.memory_mb * rng.choice([0.125, 0.25, 0.4])
                             / 1024))
            if rng.random() < 0.08 and KIB_1G not in need:
                cnt = 0
            if huge_kb + cnt * KIB_1G > c.memory_mb * 1024 * 0.85:
                cnt = max(0, int((c.memory_mb * 1024 * 0.85 - huge_kb)
                                 // KIB_1G))
            extra.append({"size_kb": KIB_1G, "total": cnt})
            huge_kb += cnt * KIB_1G
        small = {"size_kb": 4, "total": (c.memory_mb * 1024 - huge_kb) // 4}
        if extra or rng.random() < 0.4:
            c.pages = [small] + extra
            if rng.random() < 0.1:
                rng.shuffle(c.pages)

    # ---- configuration style (pcpuset / cpuset) ----------------------------
    _apply_config(rng, cells, config, t)

    # ---- existing usage ----------------------------------------------------
    if rng.random() < hints.get("usage", 0.4):
        for c in cells:
            if rng.random() < 0.6:
                _add_usage(rng, c)

    # ---- extras ------------------------------------------------------------
    if rng.random() < 0.2:
        per_socket = rng.choice([1, 2, 4])
        for c in cells:
            c.socket = c.id // per_socket
    if t == 1:
        for c in cells:
            c.omit_siblings = rng.random() < 0.5
    host = Host(cells=cells, threads=t, numbering=numbering, config=config)
    if t > 1 and rng.random() < 0.04:
        host.siblings_order = "given"
    # occasionally list sibling groups out of order (matters only for
    # siblings_order "given"; "libvirt" re-derives the order)
    if t > 1 and rng.random() < 0.2:
        for c in cells:
            rng.shuffle(c.cores)
    return host


CONFIGS_ANY = [("legacy", 40), ("pinset", 10), ("split", 25),
               ("dedonly", 12), ("dedthreads", 5), ("sharedonly", 8)]


def _apply_config(rng: random.Random, cells, config: str, t: int):
    """Set pcpuset/cpuset on each cell for the chosen config style.

    legacy      no cpu_dedicated_set / cpu_shared_set: both = all CPUs
    pinset      legacy vcpu_pin_set: both = the same subset
    split       cpu_dedicated_set and cpu_shared_set, disjoint
    dedonly     only cpu_dedicated_set: cpuset empty
    dedthreads  cpu_dedicated_set = first thread of every core only
    sharedonly  only cpu_shared_set: pcpuset empty
    """
    if config == "legacy":
        return
    for c in cells:
        ordered = sorted(c.cores, key=lambda g: g[0])
        if config == "pinset":
            # leave the first core of the cell (or nothing) to the host
            drop = set(ordered[0]) if len(ordered) > 1 and \
                rng.random() < 0.8 else set()
            s = [x for x in c.cpus if x not in drop]
            c.pcpuset = s
            c.cpuset = list(s)
        elif config == "split":
            if t > 1 and rng.random() < 0.12:
                # thread split: thread 0 dedicated, other threads shared
                ded = sorted(g[0] for g in ordered)
                shr = sorted(x for g in ordered for x in g[1:])
            else:
                nshared = rng.randint(1, max(1, len(ordered) // 2)) \
                    if len(ordered) > 1 else 0
                shr = sorted(x for g in ordered[:nshared] for x in g)
                ded = sorted(x for g in ordered[nshared:] for x in g)
            c.pcpuset, c.cpuset = ded, shr
        elif config == "dedonly":
            drop = set(ordered[0]) if len(ordered) > 2 and \
                rng.random() < 0.3 else set()
            c.pcpuset = [x for x in c.cpus if x not in drop]
            c.cpuset = []
        elif config == "dedthreads":
            c.pcpuset = sorted(g[0] for g in ordered)
            c.cpuset = []
        elif config == "sharedonly":
            c.pcpuset = []
            c.cpuset = list(c.cpus)
        else:
            raise ValueError(config)


def _add_usage(rng: random.Random, c: Cell):
    """Existing instances on the cell: pinned pCPUs, floating vCPU usage,
    memory usage and used pages."""
    free = sorted(c.free_pcpus())
    if free and rng.random() < 0.7:
        frac = rng.choice([0.15, 0.25, 0.4, 0.6])
        if rng.random() < 0.4:
            # whole cores (what an 'isolate' guest leaves behind)
            groups = [g for g in c.groups() if g <= set(free)]
            groups.sort(key=min)
            rng.shuffle(groups)
            take = groups[:max(0, int(len(groups) * frac))]
            pinned = sorted(x for g in take for x in g)
        else:
            k = int(len(free) * frac)
            pinned = sorted(rng.sample(free, k))
        c.pinned = pinned
    ncs = len(c.eff_cpuset())
    if ncs and rng.random() < 0.6:
        c.cpu_usage = rng.randint(0, ncs * 2)
    if rng.random() < 0.6:
        c.memory_usage_mb = 256 * rng.randint(0, int(c.memory_mb * 0.5 / 256))
    if c.pages:
        for p in c.pages:
            if p["size_kb"] == 4:
                if rng.random() < 0.5:
                    p["used"] = min(p["total"], c.memory_usage_mb * 256)
            elif p["total"] and rng.random() < 0.5:
                p["used"] = rng.randint(0, p["total"] // 2)
            if p["size_kb"] != 4 and p["total"] and rng.random() < 0.15:
                p["reserved"] = rng.randint(1, max(1, p["total"] // 8))


def host_to_json(host: Host) -> dict:
    if host.form == "shorthand":
        return dict(host.shorthand)
    out = []
    for c in host.cells:
        d = {"id": c.id, "cpus": c.cpus}
        if not c.omit_siblings:
            d["siblings"] = [list(g) for g in c.cores]
        if host.siblings_order:
            d["siblings_order"] = host.siblings_order
        d["memory_mb"] = c.memory_mb
        if c.pages is not None:
            d["pagesizes"] = [dict(p) for p in c.pages]
        if c.pcpuset is not None:
            d["pcpuset"] = list(c.pcpuset)
        if c.cpuset is not None:
            d["cpuset"] = list(c.cpuset)
        if c.pinned:
            d["pinned_cpus"] = list(c.pinned)
        if c.cpu_usage:
            d["cpu_usage"] = c.cpu_usage
        if c.memory_usage_mb:
            d["memory_usage_mb"] = c.memory_usage_mb
        if c.physnets:
            d["physnets"] = list(c.physnets)
        if c.tunneled:
            d["tunneled"] = True
        if c.socket is not None:
            d["socket"] = c.socket
        out.append(d)
    return {"cells": out}


# --------------------------------------------------------------------------
# Capacity estimates (used to size requests so they fit, or not)
# --------------------------------------------------------------------------

def pin_capacity(c: Cell, thread_policy: str | None) -> int:
    """How many pinned vCPUs the cell can take under the thread policy
    (mirrors _pack_instance_onto_cores closely enough for sizing)."""
    free = c.free_pcpus()
    groups = c.groups()
    fg = [len(g & free) for g in groups]
    t = max((len(g) for g in groups), default=1)
    if thread_policy == "isolate":
        if t > 1 and c.eff_pcpuset() != c.eff_cpuset():
            return 0
        return sum(1 for x in fg if x >= t)
    if thread_policy == "require":
        if t <= 1:
            return 0
        return max(tt * sum(1 for x in fg if x >= tt)
                   for tt in range(2, t + 1))
    return len(free)


def float_capacity(c: Cell, cpu_ratio: float | None) -> int:
    """How many floating vCPUs the cell can take."""
    n = len(c.eff_cpuset())
    cap = n
    if cpu_ratio is not None:
        cap = min(cap, int(n * cpu_ratio) - c.cpu_usage)
    return max(0, cap)


def mem_capacity(c: Cell, page_kb: int | None, pinned: bool,
                 floating: bool, ram_ratio: float | None) -> int:
    """Largest guest-cell memory (MiB) the cell accepts."""
    if page_kb is None:
        if c.pages == []:
            cap = c.memory_mb
        else:
            small = min(c.page_entries(), key=lambda p: p["size_kb"])
            cap = small["total"] * small["size_kb"] // 1024
    else:
        cap = c.free_pages_kb(page_kb) // 1024
    if pinned:
        cap = min(cap, c.memory_mb - c.memory_usage_mb)
    if floating and ram_ratio is not None:
        cap = min(cap, int(c.memory_mb * ram_ratio) - c.memory_usage_mb)
    return max(0, cap)


# --------------------------------------------------------------------------
# Request model
# --------------------------------------------------------------------------

@dataclass
class Request:
    """What the generator wants to ask for, before it is spelled out as
    flavor extra specs and image properties."""
    kind: str                        # ded | mix | shr | non
    policy: str | None = None        # dedicated | mixed | shared | None
    policy_src: str = "flavor"       # flavor | image | both | resources
    thread: str | None = None        # prefer | isolate | require
    thread_src: str = "flavor"       # flavor | image | both | trait
    emu: str | None = None           # share | isolate
    realtime: bool = False
    rt_src: str = "flavor"           # where the RT mask lives
    page_target: int | None = None   # page size (KiB) the sizing targets
    page_spec: str | None = None     # what goes into hw:mem_page_size
    page_img: str | None = None      # image hw_mem_page_size override
    nodes: int | None = None         # explicit guest node count
    nodes_src: str = "flavor"
    manual: bool = False             # numa_cpus.N / numa_mem.N
    manual_src: str = "flavor"
    cells: list = field(default_factory=list)   # [(vcpu ids, pinned ids, mem)]
    vcpu_res: bool = False           # resources:VCPU (shared)
    locked: bool = False
    tags: list = field(default_factory=list)

    @property
    def vcpus(self) -> int:
        return sum(len(c[0]) for c in self.cells)

    @property
    def memory(self) -> int:
        return sum(c[2] for c in self.cells)

    @property
    def pinned(self):
        return sorted(x for c in self.cells for x in c[1])


def _sample_mem(rng: random.Random, cap: int, page_kb: int | None) -> int:
    """A guest-cell memory size (MiB) <= cap that the page size divides:
    mostly multiples of 256/512/1024 MiB, sometimes an odd flavor size such
    as 1000 MiB.  Returns 0 when nothing fits under cap."""
    if page_kb != KIB_1G and rng.random() < 0.08:
        odd = [m for m in (500, 750, 1000, 1500, 3000)
               if m <= cap and (page_kb != KIB_2M or m % 2 == 0)]
        if odd:
            return rng.choice(odd)
    unit = 1024 if page_kb == KIB_1G else \
        wchoice(rng, [(256, 3), (512, 4), (1024, 4)])
    hi = min(cap // unit, 16384 // unit)
    if hi < 1:
        return 0
    if rng.random() < 0.5:
        hi = min(hi, 8)
    return unit * rng.randint(1, hi)


class Gen:
    """Generates cases for one seed."""

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)

    # -- top level --------------------------------------------------------
    def case(self, idx: int) -> dict:
        rng = self.rng
        kind = wchoice(rng, [("ded", 55), ("mix", 18), ("shr", 11),
                             ("non", 4), ("err", 9), ("div", 3)])
        for _attempt in range(50):
            if kind == "err":
                out = self._error_case()
            elif kind == "div":
                out = self._divergence_case()
            else:
                nofit = rng.random() < 0.14 and kind != "non"
                out = self._normal_case(kind, nofit)
            if out is not None:
                break
        else:  # pragma: no cover - should not happen
            raise RuntimeError("could not build a case")
        case, tags = out
        case = {"name": "s%d-%04d-%s" % (self.seed, idx, "-".join(tags)),
                **case}
        return case

    # -- a request sized against a host ------------------------------------
    def _choose_policy(self, kind: str) -> Request:
        rng = self.rng
        r = Request(kind=kind)
        if kind == "ded":
            r.policy = "dedicated"
            r.policy_src = wchoice(rng, [("flavor", 70), ("image", 12),
                                         ("resources", 10), ("both", 8)])
            r.thread = wchoice(rng, [(None, 28), ("prefer", 24),
                                     ("isolate", 24), ("require", 24)])
            r.emu = wchoice(rng, [(None, 42), ("share", 25), ("isolate", 33)])
            r.realtime = rng.random() < 0.16
        elif kind == "mix":
            r.policy = "mixed"
            r.policy_src = wchoice(rng, [("flavor", 88), ("image", 12)])
            r.thread = wchoice(rng, [(None, 25), ("prefer", 25),
                                     ("isolate", 25), ("require", 25)])
            r.emu = wchoice(rng, [(None, 40), ("share", 30), ("isolate", 30)])
            r.realtime = rng.random() < 0.25
        elif kind == "shr":
            r.policy = wchoice(rng, [(None, 60), ("shared", 30),
                                     ("vcpu-res", 10)])
            if r.policy == "vcpu-res":
                r.policy, r.vcpu_res = None, True
            r.policy_src = wchoice(rng, [("flavor", 80), ("image", 20)])
            r.emu = "share" if rng.random() < 0.1 else None
        else:  # non: no NUMA topology at all
            r.policy = wchoice(rng, [(None, 70), ("shared", 30)])
            r.policy_src = wchoice(rng, [("flavor", 70), ("image", 30)])
            r.emu = "share" if rng.random() < 0.1 else None
        if r.thread:
            r.thread_src = wchoice(rng, [("flavor", 72), ("image", 14),
                                         ("both", 8), ("trait", 6)])
            if r.thread == "prefer" and r.thread_src == "trait":
                r.thread_src = "flavor"
            if r.policy_src == "resources" and r.thread_src == "trait" and \
                    r.thread == "require":
                r.thread_src = "flavor"
        if r.realtime:
            r.rt_src = wchoice(rng, [("flavor", 80), ("image", 20)])

        # page size request
        if kind == "non":
            return r
        choice = wchoice(rng, [(None, 52), ("small", 7), ("large", 11),
                               ("any", 6), ("2M", 13), ("1G", 8), ("4K", 3)])
        if choice is not None:
            r.page_spec = {"small": "small", "large": "large", "any": "any",
                           "2M": None, "1G": None, "4K": None}[choice]
            if choice == "2M":
                r.page_target = KIB_2M
            elif choice == "1G":
                r.page_target = KIB_1G
            elif choice in ("4K", "small"):
                r.page_target = 4
            elif choice == "large":
                r.page_target = rng.choice([KIB_2M, KIB_1G])
            else:  # any
                r.page_target = rng.choice([4, KIB_2M, KIB_1G])
            if r.page_spec is None:
                r.page_spec = rng.choice(PAGE_SPELLINGS[r.page_target])
            # image may refine 'large'/'any'
            if r.page_spec in ("large", "any") and rng.random() < 0.25:
                if r.page_spec == "large" or r.page_target != 4 \
                        or rng.random() < 0.5:
                    r.page_img = rng.choice(PAGE_SPELLINGS[r.page_target])
                    if r.page_spec == "large" and r.page_img == "small":
                        r.page_img = None
            r.locked = rng.random() < 0.05
        return r

    def _host_hints(self, r: Request) -> dict:
        rng = self.rng
        hints: dict = {"pages": set(), "usage": 0.4}
        if r.page_target in (KIB_2M, KIB_1G):
            hints["pages"].add(r.page_target)
        if r.kind == "ded":
            cfg = [("legacy", 40), ("pinset", 10), ("split", 25),
                   ("dedonly", 18), ("dedthreads", 7)]
            if r.thread == "require":
                hints["threads"] = rng.choice([2, 2, 2, 4])
                cfg = [x for x in cfg if x[0] != "dedthreads"]
            if r.thread == "isolate":
                t = _pick_threads(rng)
                hints["threads"] = t
                if t > 1:
                    cfg = [("legacy", 60), ("pinset", 20), ("dedthreads", 20)]
        elif r.kind == "mix":
            cfg = [("legacy", 50), ("pinset", 10), ("split", 40)]
            if r.thread == "require":
                hints["threads"] = rng.choice([2, 2, 4])
            if r.thread == "isolate":
                t = _pick_threads(rng)
                hints["threads"] = t
                if t > 1:
                    cfg = [("legacy", 70), ("pinset", 30)]
        elif r.kind == "shr":
            cfg = [("legacy", 45), ("pinset", 10), ("split", 25),
                   ("sharedonly", 20)]
        else:
            cfg = CONFIGS_ANY
        hints["configs"] = cfg
        return hints

    def _pick_limits(self, host: Host):
        """Return (limits JSON or the string 'absent', cpu ratio, ram ratio)
        where the ratios are what the fit will use (None = unlimited)."""
        rng = self.rng
        mode = wchoice(rng, [("absent", 40), ("explicit", 52), ("null", 8)])
        if mode == "absent":
            return "absent", 16.0, 1.5
        if mode == "null":
            return None, None, None
        lim = {}
        cpu = 16.0
        ram = 1.5
        if rng.random() < 0.85:
            cpu = rng.choice([0.5, 1.0, 1.0, 2.0, 4.0, 8.0, 16.0])
            lim["cpu_allocation_ratio"] = cpu
        if rng.random() < 0.75:
            ram = rng.choice([0.8, 1.0, 1.0, 1.5, 2.0])
            lim["ram_allocation_ratio"] = ram
        return lim, cpu, ram

    def _guest_node_count(self, r: Request, host: Host) -> int:
        """Guest NUMA node count k (None = implicit single node)."""
        rng = self.rng
        n = len(host.cells)
        if r.kind in ("ded", "mix"):
            k = wchoice(rng, [(None, 38), (1, 10), (2, 30), (3, 6), (4, 12),
                              (6, 2), (8, 2)])
        else:
            k = wchoice(rng, [(None, 15), (1, 15), (2, 40), (3, 8), (4, 17),
                              (8, 5)])
            if k is None and r.page_spec is None:
                k = 1
        if k is not None:
            k = min(k, n)
            while perm_count(n, k) > MAX_PERMUTATIONS:
                k -= 1
        return k

    def _normal_case(self, kind: str, nofit: bool):
        rng = self.rng
        r = self._choose_policy(kind)
        hints = self._host_hints(r)
        nofit_mode = None
        if nofit:
            modes = ["cpu", "mem", "nodes"]
            if r.page_target is None or r.page_target == 4:
                modes += ["page"]
            if r.page_target in (KIB_2M, KIB_1G):
                modes += ["pagemem", "memdiv"]
            if kind == "ded":
                modes += ["sharedonly"]
                if r.thread == "require":
                    modes += ["require-nosmt"]
                if r.thread == "isolate":
                    modes += ["isolate-newstyle"]
            if kind == "mix":
                modes += ["mixed-nopin"]
            if kind == "shr":
                modes += ["usage"]
            nofit_mode = rng.choice(modes)
            if nofit_mode == "require-nosmt":
                hints["threads"] = 1
            elif nofit_mode == "isolate-newstyle":
                hints["threads"] = rng.choice([2, 4])
                hints["configs"] = [("split", 1), ("dedonly", 1)]
            elif nofit_mode == "sharedonly":
                hints["configs"] = [("sharedonly", 1)]
            elif nofit_mode == "page":
                r.page_spec = rng.choice(PAGE_UNSUPPORTED
                                         + ["1GB", "2MB", "large"])
                r.page_target = None
                r.page_img = None
                hints["pages"] = set()
            elif nofit_mode == "mixed-nopin":
                hints["min_cells"] = 2
        if nofit_mode == "page" and r.page_spec in ("1GB", "2MB", "large"):
            # host without that pool: force no huge pages at all
            hints["no_huge"] = True

        host = build_host(rng, hints)
        if hints.get("no_huge"):
            for c in host.cells:
                if c.pages:
                    c.pages = [p for p in c.pages if p["size_kb"] == 4]
            if host.form == "shorthand":
                host.shorthand.pop("hugepages_2m_per_node", None)
                host.shorthand.pop("hugepages_1g_per_node", None)
        limits, cpu_ratio, ram_ratio = self._pick_limits(host)
        if nofit_mode == "usage":
            # floating usage already at the limit everywhere
            if cpu_ratio is None:
                limits, cpu_ratio, ram_ratio = "absent", 16.0, 1.5
            for c in host.cells:
                if host.form == "shorthand":
                    break
                c.cpu_usage = int(len(c.eff_cpuset()) * cpu_ratio)
            if host.form == "shorthand":
                nofit_mode = "cpu"

        if kind == "non":
            ok = self._size_no_numa(r, host)
        else:
            ok = self._size_request(r, host, cpu_ratio, ram_ratio,
                                    nofit_mode)
        if not ok:
            return None
        if nofit_mode:
            r.tags.append("nofit." + nofit_mode.replace("-", "_"))
        return self._emit(r, host, limits)

    # -- sizing ----------------------------------------------------------
    def _size_no_numa(self, r: Request, host: Host) -> bool:
        rng = self.rng
        v = rng.choice([1, 2, 2, 4, 4, 6, 8, 16])
        mem = rng.choice([512, 1024, 2048, 4096, 8192, 1000])
        r.cells = [(list(range(v)), [], mem)]
        return True

    def _size_request(self, r: Request, host: Host, cpu_ratio, ram_ratio,
                      nofit_mode) -> bool:
        rng = self.rng
        cells = host.cells
        k_req = self._guest_node_count(r, host)
        r.nodes = k_req
        k = k_req or 1
        pinned = r.policy in ("dedicated", "mixed")
        floating = r.policy != "dedicated"

        def pcap(c, first):
            cap = pin_capacity(c, r.thread) if pinned else 0
            if first and r.emu == "isolate":
                cap -= 1
            return cap

        def fcap(c):
            return float_capacity(c, cpu_ratio) if floating else 0

        def mcap(c):
            # an explicit 4 KiB request checks *free* small pages, no request
            # checks the small-page *total*
            return mem_capacity(c, r.page_target, pinned, floating, ram_ratio)

        min_mem = 1024 if r.page_target == KIB_1G else 256

        def usable(c, first):
            if pinned and pcap(c, first) < 1:
                return False
            if r.policy not in ("dedicated", "mixed") and fcap(c) < 1:
                return False
            return mcap(c) >= min_mem

        # choose the host cells the guest cells should land on
        idxs = list(range(len(cells)))
        rng.shuffle(idxs)
        first = [i for i in idxs if usable(cells[i], True)]
        if not first:
            if not nofit_mode:
                return False
            first = idxs[:1]
        h0 = first[0]
        rest = [i for i in idxs if i != h0 and usable(cells[i], False)]
        if len(rest) < k - 1:
            if k_req is None or nofit_mode:
                rest = [i for i in idxs if i != h0]
            else:
                k = 1 + len(rest)
                r.nodes = k
        chosen = [h0] + rest[:k - 1]
        if len(chosen) < k:
            return False

        # symmetric: Nova's automatic split (or an explicit equal layout);
        # otherwise hw:numa_cpus.N / hw:numa_mem.N with per-cell sizes
        symmetric = k == 1 or rng.random() < 0.6
        r.manual = (not symmetric) or (rng.random() < 0.05)
        if r.manual:
            r.manual_src = "image" if rng.random() < 0.15 else "flavor"
            if r.nodes is None:
                r.nodes = k
        if r.nodes is not None:
            r.nodes_src = "image" if rng.random() < 0.15 else "flavor"

        # capacity of each chosen host cell: (pinned, floating, memory)
        caps = [(max(0, pcap(cells[hi], gi == 0)), max(0, fcap(cells[hi])),
                 mcap(cells[hi])) for gi, hi in enumerate(chosen)]
        if symmetric:
            caps = [tuple(min(c[j] for c in caps) for j in range(3))]

        shape = []   # per guest cell: [n_pinned, n_floating, memory MiB]
        for pc, fc, mc in caps:
            np_ = nf = 0
            if r.policy == "dedicated":
                np_ = rng.randint(1, max(1, min(pc, 12)))
                if rng.random() < 0.3:
                    np_ = max(1, min(pc, 12))      # fill the cell
            elif r.policy == "mixed":
                tot = rng.randint(2, max(2, min(pc + fc, 12)))
                np_ = rng.randint(1, max(1, min(pc, tot - 1)))
                nf = max(0, min(fc, tot - np_))
            else:
                nf = rng.randint(1, max(1, min(fc, 12)))
            m = _sample_mem(rng, mc, r.page_target
                            if r.page_target != 4 else None)
            if m <= 0:
                if not nofit_mode:
                    return False
                m = min_mem
            shape.append([np_, nf, m])
        if symmetric:
            shape = [list(shape[0]) for _ in range(k)]
        if r.policy == "mixed" and sum(s[1] for s in shape) == 0:
            # mixed needs at least one floating vCPU overall
            if nofit_mode is None and max(c[1] for c in caps) < 1:
                return False
            for s in (shape if symmetric else shape[-1:]):
                s[1] = 1

        # ---- deliberate no-fit mutations ----------------------------------
        if nofit_mode == "cpu":
            allp = [pcap(c, False) for c in cells]
            tgt = rng.randrange(k) if not symmetric else None
            for gi, s in enumerate(shape):
                if tgt is not None and gi != tgt:
                    continue
                if r.policy == "dedicated" or (r.policy == "mixed"
                                               and rng.random() < 0.5):
                    s[0] = max(allp) + rng.randint(1, 3)
                else:
                    s[1] = max(len(c.eff_cpuset()) for c in cells) + \
                        rng.randint(1, 2)
            if symmetric and len({tuple(s) for s in shape}) > 1:
                return False
        elif nofit_mode in ("mem", "pagemem"):
            if r.page_target in (KIB_2M, KIB_1G):
                big = max(c.free_pages_kb(r.page_target) for c in cells) \
                    // 1024
            elif r.page_target == 4:
                big = max(c.free_pages_kb(4) for c in cells) // 1024
            else:
                big = max(mem_capacity(c, None, pinned, floating, ram_ratio)
                          for c in cells)
            unit = 1024 if r.page_target == KIB_1G else 512
            over = (big // unit + rng.randint(1, 3)) * unit
            if symmetric:
                for s in shape:
                    s[2] = over
            else:
                shape[rng.randrange(k)][2] = over
        elif nofit_mode == "memdiv":
            for s in shape:
                if r.page_target == KIB_1G:
                    s[2] = max(1024, s[2]) + 512
                else:
                    s[2] = s[2] + 1
        elif nofit_mode == "nodes":
            kk = len(cells) + 1
            shape = [list(shape[0]) for _ in range(kk)]
            r.nodes = kk
            r.manual = False
            symmetric = True
        elif nofit_mode == "mixed-nopin":
            if k < 2:
                # need two guest cells; make it 2 (host has >= 2 cells)
                shape = [list(shape[0]), list(shape[0])]
                r.nodes = 2
                k = 2
                symmetric = True
                r.manual = True
            r.manual = True
            shape[-1][1] = shape[-1][0] + shape[-1][1]
            shape[-1][0] = 0
            if sum(s[0] for s in shape) == 0:
                shape[0][0] = 1
        if r.nodes is not None and r.nodes != len(shape):
            r.nodes = len(shape)

        # ---- vCPU ids --------------------------------------------------
        sizes = [s[0] + s[1] for s in shape]
        if any(x <= 0 for x in sizes):
            return False
        total = sum(sizes)
        ids = list(range(total))
        if r.manual and rng.random() < 0.3:
            rng.shuffle(ids)
        pos = 0
        r.cells = []
        for (np_, nf, m), sz in zip(shape, sizes):
            cell_ids = sorted(ids[pos:pos + sz])
            pos += sz
            if r.policy == "dedicated":
                pin = cell_ids
            elif r.policy == "mixed":
                pin = sorted(rng.sample(cell_ids, np_)) if np_ else []
            else:
                pin = []
            r.cells.append((cell_ids, pin, m))
        if not r.manual and len({(len(c[0]), c[2]) for c in r.cells}) > 1:
            r.manual = True
        return True

    # -- spelling a request out -------------------------------------------
    def _emit(self, r: Request, host: Host, limits) -> tuple:
        rng = self.rng
        es: dict = {}
        img: dict = {}
        n = r.vcpus
        tags = [r.kind]

        # CPU policy
        if r.policy == "dedicated":
            if r.policy_src == "flavor":
                es["hw:cpu_policy"] = "dedicated"
            elif r.policy_src == "image":
                img["hw_cpu_policy"] = "dedicated"
            elif r.policy_src == "both":
                es["hw:cpu_policy"] = "dedicated"
                img["hw_cpu_policy"] = rng.choice(["shared", "dedicated",
                                                   "mixed"])
            else:
                es["resources:PCPU"] = str(n + (1 if r.emu == "isolate"
                                                else 0))
                tags.append("pcpures")
        elif r.policy == "mixed":
            if r.policy_src == "flavor":
                es["hw:cpu_policy"] = "mixed"
            else:
                img["hw_cpu_policy"] = "mixed"
        elif r.policy == "shared":
            if r.policy_src == "flavor":
                es["hw:cpu_policy"] = "shared"
            else:
                img["hw_cpu_policy"] = "shared"
        if r.vcpu_res:
            es["resources:VCPU"] = str(n)
            tags.append("vcpures")

        # thread policy
        if r.thread:
            tags.append({"prefer": "pre", "isolate": "iso",
                         "require": "req"}[r.thread])
            src = r.thread_src
            if src == "flavor":
                es["hw:cpu_thread_policy"] = r.thread
                if r.thread == "prefer" and rng.random() < 0.2:
                    # flavor 'prefer' silently wins over any image value
                    img["hw_cpu_thread_policy"] = rng.choice(
                        ["isolate", "require"])
                    tags.append("imgthr_ignored")
            elif src == "image":
                img["hw_cpu_thread_policy"] = r.thread
            elif src == "both":
                es["hw:cpu_thread_policy"] = r.thread
                img["hw_cpu_thread_policy"] = r.thread
            else:  # trait
                es["trait:HW_CPU_HYPERTHREADING"] = \
                    "forbidden" if r.thread == "isolate" else "required"
                tags.append("trait")

        # emulator threads
        if r.emu:
            es["hw:emulator_threads_policy"] = r.emu
            tags.append("emu" + r.emu[:3])

        # mixed: dedicated mask or realtime mask
        pinned = r.pinned
        floating = [x for x in range(n) if x not in set(pinned)]
        if r.policy == "mixed":
            if pinned and (not floating or rng.random() < 0.5):
                mask = fmt_cpulist_fancy(rng, pinned)
            else:
                mask = "^" + fmt_cpulist(floating) if floating else \
                    fmt_cpulist(pinned)
                if "," in mask and rng.random() < 0.5:
                    # '^0,^2' style: every item excluded
                    mask = ",".join("^" + p for p in mask[1:].split(","))
            if r.realtime:
                es["hw:cpu_realtime"] = rng.choice(BOOL_TRUE)
                if r.rt_src == "image":
                    img["hw_cpu_realtime_mask"] = mask
                else:
                    es["hw:cpu_realtime_mask"] = mask
                tags.append("rt")
            else:
                es["hw:cpu_dedicated_mask"] = mask
        elif r.policy == "dedicated" and r.realtime and n >= 1:
            opts = []
            if n >= 2:
                opts += ["^0", "1-%d" % (n - 1), "^%d" % (n - 1)]
            if n >= 3:
                opts += ["^0-1", "0,2-%d" % (n - 1) if n > 3 else "^1"]
            if r.emu:
                opts += ["ALL", "NONE"]
            if opts:
                mask = rng.choice(opts)
                es["hw:cpu_realtime"] = rng.choice(BOOL_TRUE)
                if mask == "ALL":
                    es["hw:cpu_realtime_mask"] = "0-%d" % (n - 1)
                elif mask == "NONE":
                    pass   # no mask: every vCPU is realtime
                elif r.rt_src == "image":
                    img["hw_cpu_realtime_mask"] = mask
                    if rng.random() < 0.5:
                        es["hw:cpu_realtime_mask"] = "^%d" % (n - 1)
                else:
                    es["hw:cpu_realtime_mask"] = mask
                tags.append("rt")

        # NUMA nodes and manual layout
        if r.nodes is not None:
            if r.nodes_src == "image":
                img["hw_numa_nodes"] = str(r.nodes) if rng.random() < 0.7 \
                    else r.nodes
            else:
                es["hw:numa_nodes"] = str(r.nodes)
            tags.append("n%d" % r.nodes)
        if r.manual:
            tags.append("asym")
            for i, (ids, _pin, mem) in enumerate(r.cells):
                if r.manual_src == "image":
                    img["hw_numa_cpus.%d" % i] = fmt_cpulist_fancy(rng, ids)
                    img["hw_numa_mem.%d" % i] = str(mem)
                else:
                    es["hw:numa_cpus.%d" % i] = fmt_cpulist_fancy(rng, ids)
                    es["hw:numa_mem.%d" % i] = str(mem)
            if r.manual_src == "image":
                tags.append("imgnuma")

        # page size
        if r.page_spec is not None:
            es["hw:mem_page_size"] = r.page_spec
            if r.page_img is not None:
                img["hw_mem_page_size"] = r.page_img
            tags.append("p" + {4: "4K", KIB_2M: "2M", KIB_1G: "1G",
                               None: "x"}[r.page_target]
                        if r.page_spec not in ("small", "large", "any")
                        else "p" + r.page_spec)
            if r.locked:
                es["hw:locked_memory"] = rng.choice(BOOL_TRUE)
                tags.append("locked")

        # silently ignored numa_cpus/numa_mem (no NUMA trigger)
        if r.kind == "non" and rng.random() < 0.15 and n >= 2:
            es["hw:numa_cpus.0"] = "0"
            es["hw:numa_cpus.1"] = "1-%d" % (n - 1) if n > 2 else "1"
            half = r.memory // 2
            es["hw:numa_mem.0"] = str(half)
            es["hw:numa_mem.1"] = str(r.memory - half)
            tags.append("ignoredlayout")

        self._cpu_topology_props(es, img, n, tags)
        tags += host_tags(host)

        case = {"host": host_to_json(host),
                "flavor": {"vcpus": n, "memory_mb": r.memory,
                           "extra_specs": es}}
        if img or rng.random() < 0.1:
            case["image_properties"] = img
        if limits != "absent":
            case["limits"] = limits
        if rng.random() < 0.3:
            case["config"] = {"packing_host_numa_cells_allocation_strategy":
                              True}
            tags.append("pack")
        elif rng.random() < 0.1:
            case["config"] = {"packing_host_numa_cells_allocation_strategy":
                              False}
        if limits is None:
            tags.append("limnull")
        return case, tags + r.tags

    def _cpu_topology_props(self, es: dict, img: dict, n: int, tags: list):
        """Preferred / maximum guest CPU topology, flavor and image."""
        rng = self.rng
        if rng.random() > 0.35:
            return
        divs = divisors(n)

        def val():
            if rng.random() < 0.8:
                return rng.choice(divs)
            return rng.randint(1, max(2, n + 1))

        dims = ["sockets", "cores", "threads"]
        what = wchoice(rng, [("fpref", 30), ("fmax", 20), ("ipref", 15),
                             ("imax", 15), ("mixed", 15), ("oldname", 5)])
        if what in ("fpref", "mixed"):
            for d in rng.sample(dims, rng.randint(1, 3)):
                es["hw:cpu_%s" % d] = str(val())
        if what in ("fmax", "mixed"):
            for d in rng.sample(dims, rng.randint(1, 2)):
                es["hw:cpu_max_%s" % d] = str(val())
        if what in ("ipref", "mixed"):
            for d in rng.sample(dims, rng.randint(1, 2)):
                v = val()
                img["hw_cpu_%s" % d] = v if rng.random() < 0.5 else str(v)
        if what == "imax" or (what == "mixed" and rng.random() < 0.5):
            for d in rng.sample(dims, rng.randint(1, 2)):
                v = val()
                img["hw_cpu_max_%s" % d] = v if rng.random() < 0.5 else str(v)
        if what == "oldname":
            # the validator's spelling, which the topology code ignores
            es["hw:max_cpu_%s" % rng.choice(dims)] = str(val())
        tags.append("topo")

    # -- constraint errors --------------------------------------------------
    def _error_case(self):
        """A valid-looking request with one mutation that makes
        numa_get_constraints raise (or, for a few, a near miss)."""
        rng = self.rng
        # pick the mutation first (all equally likely), then a base request
        # of a kind the mutation applies to
        m = rng.choice(ERROR_MUTATIONS)
        if m.startswith("mixed-"):
            base_kind = "mix"
        elif m.startswith("rt-") and m != "rt-shared":
            base_kind = wchoice(rng, [("ded", 70), ("mix", 30)])
        else:
            base_kind = wchoice(rng, [("ded", 50), ("mix", 20), ("shr", 30)])
        out = self._normal_case(base_kind, False)
        if out is None:
            return None
        case, tags = out
        es = case["flavor"]["extra_specs"]
        img = case.setdefault("image_properties", {})
        n = case["flavor"]["vcpus"]
        mem = case["flavor"]["memory_mb"]
        if m == "numa-cpus-both" and not any(
                k.startswith("hw:numa_cpus") for k in es):
            # needs a flavor layout to conflict with
            for key in [k for k in img if k.startswith("hw_numa_")]:
                del img[key]
            es.setdefault("hw:numa_nodes", "1")
            es["hw:numa_cpus.0"] = fmt_cpulist(range(n))
            es["hw:numa_mem.0"] = str(mem)
        if m == "locked-conflict" and "hw:mem_page_size" not in es:
            es["hw:mem_page_size"] = rng.choice(["small", "large", "any"])

        def drop_policy():
            for key in ("hw:cpu_policy", "resources:PCPU",
                        "hw:cpu_dedicated_mask", "hw:cpu_realtime",
                        "hw:cpu_realtime_mask", "hw:emulator_threads_policy",
                        "hw:cpu_thread_policy", "trait:HW_CPU_HYPERTHREADING"):
                es.pop(key, None)
            for key in ("hw_cpu_policy", "hw_cpu_thread_policy",
                        "hw_cpu_realtime_mask"):
                img.pop(key, None)

        if m == "thr-shared":
            drop_policy()
            if rng.random() < 0.5:
                es["hw:cpu_policy"] = "shared"
            key = rng.choice(["flavor", "image"])
            thr = rng.choice(["prefer", "isolate", "require"])
            if key == "flavor":
                es["hw:cpu_thread_policy"] = thr
            else:
                img["hw_cpu_thread_policy"] = thr
        elif m == "emu-shared":
            drop_policy()
            if rng.random() < 0.5:
                es["hw:cpu_policy"] = "shared"
            es["hw:emulator_threads_policy"] = "isolate"
        elif m == "mask-nomixed":
            drop_policy()
            es["hw:cpu_policy"] = rng.choice(["shared", "dedicated"])
            es["hw:cpu_dedicated_mask"] = "^0" if n > 1 else "0"
        elif m == "rt-shared":
            drop_policy()
            if rng.random() < 0.5:
                es["hw:cpu_policy"] = "shared"
            es["hw:cpu_realtime"] = rng.choice(BOOL_TRUE)
            es["hw:cpu_realtime_mask"] = "^0"
        elif m == "bad-policy":
            es.pop("resources:PCPU", None)
            es["hw:cpu_policy"] = rng.choice(["dedicate", "pinned", "Shared",
                                              "isolate", ""])
            if es["hw:cpu_policy"] == "":
                es["hw:cpu_policy"] = "none"
        elif m == "bad-thread":
            es["hw:cpu_thread_policy"] = rng.choice(["isolated", "prefered",
                                                     "requires", "spread"])
            es.pop("trait:HW_CPU_HYPERTHREADING", None)
        elif m == "bad-emu":
            es["hw:emulator_threads_policy"] = rng.choice(["isolated",
                                                           "dedicated",
                                                           "shared"])
        elif m == "numa-nodes-bad":
            img.pop("hw_numa_nodes", None)
            es["hw:numa_nodes"] = rng.choice(["0", "-1", "two", "1.5"])
        elif m == "page-invalid":
            img.pop("hw_mem_page_size", None)
            es["hw:mem_page_size"] = rng.choice(PAGE_INVALID)
        elif m == "page-forbidden":
            if rng.random() < 0.5:
                es.pop("hw:mem_page_size", None)
                img["hw_mem_page_size"] = rng.choice(["large", "2MB", "small",
                                                      "any", "1GB"])
            else:
                es["hw:mem_page_size"] = rng.choice(["small", "2MB", "1GiB",
                                                     "4"])
                img["hw_mem_page_size"] = rng.choice(["large", "2MB", "any"])
        elif m == "asym-split":
            for key in [k for k in es if k.startswith("hw:numa_")]:
                del es[key]
            for key in [k for k in img if k.startswith("hw_numa_")]:
                del img[key]
            nodes = rng.choice([2, 3, 4])
            if rng.random() < 0.5:
                # vCPUs not divisible by the node count
                n = nodes * rng.randint(1, 3) + rng.randint(1, nodes - 1)
                case["flavor"]["vcpus"] = n
                case["flavor"]["memory_mb"] = mem = 1024 * nodes
            else:
                n = nodes * rng.randint(1, 3)
                case["flavor"]["vcpus"] = n
                case["flavor"]["memory_mb"] = mem = 1024 * nodes + 1
            es["hw:numa_nodes"] = str(nodes)
            self._fix_masks(es, img, n)
        elif m.startswith("manual-"):
            for key in [k for k in es if k.startswith("hw:numa_")]:
                del es[key]
            for key in [k for k in img if k.startswith("hw_numa_")]:
                del img[key]
            if n < 2:
                n = 2
                case["flavor"]["vcpus"] = n
                self._fix_masks(es, img, n)
            es["hw:numa_nodes"] = "2"
            cut = rng.randint(1, n - 1)
            c0, c1 = list(range(cut)), list(range(cut, n))
            m0 = mem // 2
            m1 = mem - m0
            if m == "manual-range":
                c1 = c1 + [n + rng.randint(0, 2)]
            elif m == "manual-dup":
                c1 = c1 + [c0[0]]
            elif m == "manual-unassigned":
                if len(c1) > 1:
                    c1 = c1[:-1]
                else:
                    c0 = c0[:-1] or [0]
                    if c0 == [0] and cut == 1:
                        c1 = []
            elif m == "manual-memsum":
                m1 += rng.choice([-256, 256, 1])
            es["hw:numa_cpus.0"] = fmt_cpulist(c0)
            if c1:
                es["hw:numa_cpus.1"] = fmt_cpulist(c1)
            es["hw:numa_mem.0"] = str(m0)
            if m == "manual-incomplete":
                if rng.random() < 0.5:
                    es["hw:numa_mem.1"] = str(m1)
                    del es["hw:numa_cpus.1"]
                else:
                    pass  # mem list shorter than cpu list
            else:
                es["hw:numa_mem.1"] = str(m1)
        elif m == "numa-both":
            es["hw:numa_nodes"] = es.get("hw:numa_nodes") or "1"
            img["hw_numa_nodes"] = rng.choice(["1", "2"])
        elif m == "numa-cpus-both":
            img["hw_numa_cpus.0"] = "0"
            img["hw_numa_mem.0"] = str(mem)
        elif m == "img-policy-conflict":
            es.pop("resources:PCPU", None)
            es.pop("hw:cpu_dedicated_mask", None)
            if rng.random() < 0.5:
                es["hw:cpu_policy"] = "mixed"
                img["hw_cpu_policy"] = "dedicated"
                es["hw:cpu_dedicated_mask"] = "^0" if n > 1 else "0"
            else:
                es["hw:cpu_policy"] = "shared"
                img["hw_cpu_policy"] = rng.choice(["dedicated", "mixed"])
        elif m == "thread-conflict":
            es.pop("trait:HW_CPU_HYPERTHREADING", None)
            a, b = rng.sample(["isolate", "require", "prefer"], 2)
            if a == "prefer":
                a, b = b, a
            es["hw:cpu_thread_policy"] = a
            img["hw_cpu_thread_policy"] = b
        elif m == "locked-nopage":
            es.pop("hw:mem_page_size", None)
            img.pop("hw_mem_page_size", None)
            if rng.random() < 0.7:
                es["hw:locked_memory"] = rng.choice(BOOL_TRUE)
            else:
                img["hw_locked_memory"] = "true"
        elif m == "locked-conflict":
            es["hw:locked_memory"] = "true"
            img["hw_locked_memory"] = "false"
        elif m == "pcpu-policy":
            es["resources:PCPU"] = str(n)
            es["hw:cpu_policy"] = rng.choice(["dedicated", "shared"])
        elif m == "vcpu-pcpu":
            es.pop("hw:cpu_policy", None)
            img.pop("hw_cpu_policy", None)
            es["resources:PCPU"] = str(n)
            es["resources:VCPU"] = str(n)
        elif m == "pcpu-count":
            drop_policy()
            if rng.random() < 0.5:
                es["resources:PCPU"] = str(n + rng.choice([1, 2]))
            else:
                es["hw:emulator_threads_policy"] = "isolate"
                es["resources:PCPU"] = str(n)
        elif m == "trait-thread":
            es.pop("resources:PCPU", None)
            es["hw:cpu_policy"] = "dedicated"
            es.pop("hw:cpu_dedicated_mask", None)
            es.pop("hw:cpu_realtime", None)
            es.pop("hw:cpu_realtime_mask", None)
            img.pop("hw_cpu_policy", None)
            es["trait:HW_CPU_HYPERTHREADING"] = rng.choice(["required",
                                                           "forbidden"])
            es["hw:cpu_thread_policy"] = rng.choice(["prefer", "isolate",
                                                     "require"])
        elif m == "rt-empty":
            es["hw:cpu_realtime"] = "yes"
            es["hw:cpu_realtime_mask"] = "^0-%d" % (n - 1) if n > 1 else "^0"
            es.pop("hw:cpu_dedicated_mask", None)
            img.pop("hw_cpu_realtime_mask", None)
        elif m == "rt-all-noemu":
            es["hw:cpu_realtime"] = "true"
            es["hw:cpu_realtime_mask"] = "0-%d" % (n - 1) if n > 1 else "0"
            es.pop("hw:emulator_threads_policy", None)
            es.pop("hw:cpu_dedicated_mask", None)
            img.pop("hw_cpu_realtime_mask", None)
            if "resources:PCPU" in es:
                es["resources:PCPU"] = str(n)
        elif m == "rt-range":
            es["hw:cpu_realtime"] = "yes"
            es["hw:cpu_realtime_mask"] = "%d-%d" % (max(0, n - 1), n + 1)
            es.pop("hw:cpu_dedicated_mask", None)
            img.pop("hw_cpu_realtime_mask", None)
        elif m == "mixed-nomask":
            for key in ("hw:cpu_dedicated_mask", "hw:cpu_realtime",
                        "hw:cpu_realtime_mask"):
                es.pop(key, None)
            img.pop("hw_cpu_realtime_mask", None)
        elif m == "mixed-bothmask":
            es["hw:cpu_realtime"] = "yes"
            es["hw:cpu_realtime_mask"] = "^0"
            es["hw:cpu_dedicated_mask"] = "^0"
        elif m == "mixed-allpinned":
            es.pop("hw:cpu_realtime", None)
            es.pop("hw:cpu_realtime_mask", None)
            img.pop("hw_cpu_realtime_mask", None)
            es["hw:cpu_dedicated_mask"] = rng.choice(
                ["0-%d" % (n - 1), "^%d" % n, "^0-%d" % (n - 1)])
        elif m == "mixed-range":
            es.pop("hw:cpu_realtime", None)
            es.pop("hw:cpu_realtime_mask", None)
            img.pop("hw_cpu_realtime_mask", None)
            es["hw:cpu_dedicated_mask"] = "0,%d" % (n + rng.randint(0, 3))
        if not img:
            del case["image_properties"]
        tags = (["err", "err." + m.replace("-", "_")]
                + [t for t in tags if t not in ("ded", "mix", "shr")]
                + [base_kind])
        return case, tags

    def _fix_masks(self, es, img, n):
        """Keep masks and PCPU counts consistent after changing vcpus, so
        that only the intended mutation is wrong."""
        if "hw:cpu_dedicated_mask" in es:
            es["hw:cpu_dedicated_mask"] = "^0" if n > 1 else "0"
        for d in (es, img):
            for key in ("hw:cpu_realtime_mask", "hw_cpu_realtime_mask"):
                if key in d:
                    d[key] = "^0"
        if "resources:PCPU" in es:
            es["resources:PCPU"] = str(
                n + (1 if es.get("hw:emulator_threads_policy") == "isolate"
                     else 0))
        for key in [k for k in es if k.startswith("hw:cpu_")
                    and k[7:] in ("sockets", "cores", "threads")
                    or k.startswith("hw:cpu_max_")]:
            del es[key]

    # -- filter / fit divergence ---------------------------------------------
    def _divergence_case(self):
        """Situations where NUMATopologyFilter.host_passes and a direct
        numa_fit_instance_to_host call legitimately disagree."""
        rng = self.rng
        what = wchoice(rng, [("imgreq", 40), ("limnull", 35),
                             ("netmeta", 25)])
        if what == "imgreq":
            # flavor dedicated + prefer, image says require: Nova uses
            # 'prefer' (flavor wins) but the filter's raw check sees
            # 'require' and rejects a host without SMT.
            r = Request(kind="ded", policy="dedicated", thread="prefer",
                        emu=rng.choice([None, None, "isolate"]))
            hints = {"threads": 1, "configs": [("legacy", 2), ("dedonly", 1),
                                               ("split", 1)], "pages": set(),
                     "usage": 0.3}
            host = build_host(rng, hints)
            limits, cpu, ram = self._pick_limits(host)
            if not self._size_request(r, host, cpu, ram, None):
                return None
            case, tags = self._emit(r, host, limits)
            es = case["flavor"]["extra_specs"]
            img = case.setdefault("image_properties", {})
            es["hw:cpu_policy"] = "dedicated"
            es.pop("resources:PCPU", None)
            img.pop("hw_cpu_policy", None)
            es["hw:cpu_thread_policy"] = "prefer"
            img["hw_cpu_thread_policy"] = "require"
            return case, ["div", "div.imgreq"] + tags[1:]
        if what == "limnull":
            # limits=None: the fit applies no allocation ratios, the filter
            # uses the host's (16.0 / 1.5) and rejects a saturated host.
            r = Request(kind="shr", policy=None)
            hints = {"configs": [("legacy", 3), ("split", 1)],
                     "pages": set(), "usage": 0.0}
            host = build_host(rng, hints)
            if not self._size_request(r, host, None, None, None):
                return None
            if host.form == "shorthand":
                return None
            for c in host.cells:
                c.cpu_usage = len(c.eff_cpuset()) * 16 - \
                    rng.randint(0, 1)
            case, tags = self._emit(r, host, None)
            return case, ["div", "div.limnull"] + tags[1:]
        # netmeta: physnet affinity in limits is honoured by the direct fit
        # only (the oracle's filter call has no network metadata).
        r = Request(kind=rng.choice(["ded", "shr"]))
        r.policy = "dedicated" if r.kind == "ded" else None
        hints = {"configs": [("legacy", 1)], "pages": set(), "usage": 0.3}
        host = build_host(rng, hints)
        if len(host.cells) < 2 or len(host.cells) > 8 or \
                host.form == "shorthand":
            return None
        limits, cpu, ram = self._pick_limits(host)
        if not self._size_request(r, host, cpu, ram, None):
            return None
        k = len(r.cells)
        if k >= len(host.cells):
            return None
        # physnet 'phys0' lives on one random cell; sometimes make that cell
        # unable to take the guest (fits=false, filter passes)
        target = rng.choice(host.cells)
        target.physnets = ["phys0"]
        if rng.random() < 0.5:
            target.memory_usage_mb = target.memory_mb
            target.pinned = sorted(target.eff_pcpuset())
            target.cpu_usage = len(target.eff_cpuset()) * 64
        for c in host.cells:
            if c is not target and rng.random() < 0.3:
                c.physnets = ["phys1"]
        if limits in ("absent", None):
            limits = {}
        limits["network_metadata"] = {
            "physnets": ["phys0"] if rng.random() < 0.8 else
            ["phys0", "phys1"],
            "tunneled": rng.random() < 0.2}
        if limits["network_metadata"]["tunneled"]:
            target.tunneled = True
        case, tags = self._emit(r, host, limits)
        return case, ["div", "div.netmeta"] + tags


def host_tags(host: Host) -> list:
    """Short tags describing the host shape."""
    t = ["h%d" % len(host.cells), "t%d" % host.threads]
    if host.form == "shorthand":
        t.append("short")
    else:
        t.append(host.numbering)
    t.append(host.config)
    if any(c.pinned or c.cpu_usage or c.memory_usage_mb
           for c in host.cells) and host.form != "shorthand":
        t.append("used")
    sizes = {p["size_kb"] for c in host.cells for p in c.page_entries()
             if p["total"]}
    if KIB_2M in sizes:
        t.append("hp2M")
    if KIB_1G in sizes:
        t.append("hp1G")
    if any(c.pages == [] for c in host.cells):
        t.append("nopageinfo")
    if host.siblings_order == "given":
        t.append("given")
    return t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Generate random NUMA fitting cases for nova_oracle.py")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", help="output JSONL file (default stdout)")
    args = ap.parse_args(argv)

    gen = Gen(args.seed)
    lines = []
    seen = set()
    for i in range(args.count):
        case = gen.case(i)
        assert case["name"] not in seen, case["name"]
        seen.add(case["name"])
        lines.append(json.dumps(case, separators=(",", ":")))
    text = "\n".join(lines) + ("\n" if lines else "")
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
