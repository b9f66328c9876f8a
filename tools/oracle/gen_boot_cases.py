#!/usr/bin/env python3
"""Generate the boot-oracle cases (full in-process Nova boot -> libvirt XML).

Each case is one JSON line in the case schema of
``../shared/oracle/nova_boot_oracle.py`` (see the oracle README, "Boot
oracle: case schema").  The list is a fixed, hand-structured matrix rather
than random draws, because a boot costs ~1.5 s and every policy combination
must appear: shared / dedicated / mixed, thread policies prefer / isolate /
require, emulator threads share / isolate with and without
``cpu_shared_set``, realtime with masks, huge pages (small / large / any /
2 MiB / 1 GiB), asymmetric guest cells, multi-node guests, new-style
(``cpu_dedicated_set`` / ``cpu_shared_set``) and legacy (nothing /
``vcpu_pin_set``) CPU configuration, guest CPU topology and ``[libvirt]
cpu_mode``, plus requests that must end in NoValidHost, an API rejection or
a build failure.

Output is deterministic (no randomness).  Usage:
    gen_boot_cases.py [--out boot_cases.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys

GIB_KB = 1024 * 1024


# --------------------------------------------------------------------------
# Hosts.  fakelibvirt numbers CPUs cell by cell with sibling threads next to
# each other ([0,1],[2,3],...); the "cells" form gives any other numbering.
# --------------------------------------------------------------------------

def fake_host(nodes=2, cores=4, threads=2, gib_per_node=8, mempages=None):
    h = {"cpu_nodes": nodes, "cpu_sockets": 1, "cpu_cores": cores,
         "cpu_threads": threads, "kB_mem": nodes * gib_per_node * GIB_KB}
    if mempages:
        h["mempages"] = mempages
    return h


def huge_pages(nodes, gib_per_node, n2m=0, n1g=0):
    """mempages for fakelibvirt: 4 KiB pool = the rest of the cell.
    A count of None leaves that page size out altogether."""
    out = []
    for _ in range(nodes):
        small = (gib_per_node * GIB_KB - (n2m or 0) * 2048
                 - (n1g or 0) * GIB_KB) // 4
        cell = [{"size_kb": 4, "total": small}]
        if n2m is not None:
            cell.append({"size_kb": 2048, "total": n2m})
        if n1g is not None:
            cell.append({"size_kb": 1048576, "total": n1g})
        out.append(cell)
    return out


def intel_cells(nodes=2, cores=4, threads=2, mem_mb=8192, pagesizes=None):
    """Explicit cells with Intel-style numbering: cpu = t*N*C + node*C + c."""
    total = nodes * cores
    cells = []
    for n in range(nodes):
        sibs = [[t * total + n * cores + c for t in range(threads)]
                for c in range(cores)]
        cell = {"id": n, "cpus": sorted(x for s in sibs for x in s),
                "siblings": sibs, "memory_mb": mem_mb}
        if pagesizes:
            cell["pagesizes"] = pagesizes
        cells.append(cell)
    return {"cells": cells}


SMT = fake_host(2, 4, 2, 8)           # CPUs 0-7 node 0, 8-15 node 1
NOSMT = fake_host(2, 4, 1, 8)         # CPUs 0-3 node 0, 4-7 node 1
SMT4 = fake_host(4, 4, 2, 8)          # 32 CPUs, 4 nodes
ONE = fake_host(1, 8, 2, 16)          # single node, 16 CPUs
HUGE = fake_host(2, 4, 2, 8, huge_pages(2, 8, n2m=1024, n1g=2))
HUGE_NOSMT = fake_host(2, 4, 1, 8, huge_pages(2, 8, n2m=1024, n1g=2))
HUGE_2M_ONLY = fake_host(2, 4, 1, 8, huge_pages(2, 8, n2m=512, n1g=None))
INTEL = intel_cells(2, 4, 2, 8192)    # node 0 = 0-3,8-11
WIDE = fake_host(8, 4, 2, 4)          # 8 nodes x 4 cores x 2 threads

# CPU configuration styles (nova.conf groups -> options)
LEGACY = {}
PINSET_SMT = {"DEFAULT": {"vcpu_pin_set": "2-7,10-15"}}
NEW_SMT = {"compute": {"cpu_dedicated_set": "2-7,10-15",
                       "cpu_shared_set": "0-1,8-9"}}
DEDONLY_SMT = {"compute": {"cpu_dedicated_set": "0-15"}}
NEW_NOSMT = {"compute": {"cpu_dedicated_set": "1-3,5-7",
                         "cpu_shared_set": "0,4"}}
DEDONLY_NOSMT = {"compute": {"cpu_dedicated_set": "0-7"}}
PINSET_NOSMT = {"DEFAULT": {"vcpu_pin_set": "1-3,5-7"}}
NEW_INTEL = {"compute": {"cpu_dedicated_set": "1-7,9-15",
                         "cpu_shared_set": "0,8"}}


def merge(*cfgs):
    out: dict = {}
    for c in cfgs:
        for group, opts in c.items():
            out.setdefault(group, {}).update(opts)
    return out


class Cases:
    def __init__(self):
        self.items = []

    def add(self, tag, description, host, vcpus, memory_mb, extra=None,
            image=None, config=None, expect="ACTIVE"):
        """expect is documentation only (ACTIVE / NoValidHost / REJECTED /
        ERROR); the oracle decides."""
        case = {"name": "b%03d-%s" % (len(self.items) + 1, tag),
                "description": "%s [expect %s]" % (description, expect),
                "host": host,
                "flavor": {"vcpus": vcpus, "memory_mb": memory_mb,
                           "disk_gb": 1, "extra_specs": dict(extra or {})}}
        if image:
            case["image_properties"] = dict(image)
        if config:
            case["config"] = config
        self.items.append(case)


def build() -> list:
    c = Cases()
    ded = {"hw:cpu_policy": "dedicated"}

    # ---- A. shared CPUs ----
    c.add("shared-nonuma-legacy", "plain 2 vCPU guest, no NUMA, legacy config",
          SMT, 2, 1024)
    c.add("shared-nonuma-sharedset",
          "no NUMA guest with cpu_shared_set: <vcpu cpuset>", SMT, 2, 1024,
          config=NEW_SMT)
    c.add("shared-nonuma-pinset", "no NUMA guest with legacy vcpu_pin_set",
          SMT, 2, 1024, config=PINSET_SMT)
    c.add("shared-numa2-legacy", "shared guest over 2 NUMA nodes", SMT, 4,
          2048, {"hw:numa_nodes": "2"})
    c.add("shared-numa2-new", "shared guest over 2 nodes, new-style sets: "
          "vcpupin = each cell's shared CPUs", SMT, 4, 2048,
          {"hw:numa_nodes": "2"}, config=NEW_SMT)
    c.add("shared-numa1-pinset", "explicit single-node shared guest with "
          "vcpu_pin_set", SMT, 4, 2048, {"hw:numa_nodes": "1"},
          config=PINSET_SMT)
    c.add("shared-asym", "shared asymmetric cells via hw:numa_cpus/numa_mem",
          SMT, 6, 3072, {"hw:numa_nodes": "2", "hw:numa_cpus.0": "0-1",
                         "hw:numa_cpus.1": "2-5", "hw:numa_mem.0": "1024",
                         "hw:numa_mem.1": "2048"})
    c.add("shared-numa4", "shared guest over all 4 host nodes", SMT4, 8, 4096,
          {"hw:numa_nodes": "4"})
    c.add("shared-img-numa", "NUMA layout from image properties", SMT, 4,
          2048, image={"hw_numa_nodes": "2", "hw_numa_cpus.0": "0",
                       "hw_numa_cpus.1": "1-3", "hw_numa_mem.0": "512",
                       "hw_numa_mem.1": "1536"})
    c.add("shared-emushare", "shared NUMA guest with emulator threads share "
          "(accepted, no effect)", SMT, 2, 1024,
          {"hw:numa_nodes": "1", "hw:emulator_threads_policy": "share"},
          config=NEW_SMT)
    c.add("shared-toomany-nvh", "5 vCPUs in one cell but only 2 shared CPUs "
          "per cell", SMT, 5, 1024, {"hw:numa_nodes": "1"}, config=NEW_SMT,
          expect="NoValidHost")

    # ---- B. dedicated: thread policy x emulator threads x CPU config ----
    threads = [None, "prefer", "isolate", "require"]
    emus = [None, "share", "isolate"]
    for th in threads:
        for emu in emus:
            spec = dict(ded)
            if th:
                spec["hw:cpu_thread_policy"] = th
            if emu:
                spec["hw:emulator_threads_policy"] = emu
            tag = "ded-%s-%s" % (th or "none", "emu" + emu if emu else "noemu")
            # isolate takes whole cores: 3 vCPUs leave a core for the
            # emulator thread on a 4-core node (3 usable with vcpu_pin_set)
            nv = 3 if th == "isolate" else 4
            # SMT host, legacy style (isolate works here)
            cfg = LEGACY if emu != "share" else PINSET_SMT
            c.add(tag + "-smt-legacy",
                  "dedicated %d vCPU, thread=%s emulator=%s, SMT host, %s"
                  % (nv, th, emu, "no cpu_*_set" if cfg is LEGACY
                     else "vcpu_pin_set"), SMT, nv, 2048, spec, config=cfg)
            # SMT host, new-style: isolate -> NoValidHost (trait forbidden)
            cfg = NEW_SMT if emu != "isolate" else DEDONLY_SMT
            c.add(tag + "-smt-new",
                  "dedicated %d vCPU, thread=%s emulator=%s, SMT host, %s"
                  % (nv, th, emu, "cpu_dedicated_set+cpu_shared_set"
                     if cfg is NEW_SMT else "cpu_dedicated_set only"),
                  SMT, nv, 2048, spec, config=cfg,
                  expect="NoValidHost" if th == "isolate" else "ACTIVE")
            # host without SMT: require -> NoValidHost
            cfg = [NEW_NOSMT, DEDONLY_NOSMT, LEGACY][emus.index(emu)]
            c.add(tag + "-nosmt",
                  "dedicated 2 vCPU, thread=%s emulator=%s, no SMT"
                  % (th, emu), NOSMT, 2, 1024, spec, config=cfg,
                  expect="NoValidHost" if th == "require" else "ACTIVE")

    c.add("ded-numa2-emuiso-new", "dedicated over 2 nodes, emulator isolate: "
          "only guest cell 0 reserves a pCPU", SMT, 4, 2048,
          {**ded, "hw:numa_nodes": "2", "hw:emulator_threads_policy":
           "isolate"}, config=DEDONLY_SMT)
    c.add("ded-numa2-emushare-new", "dedicated over 2 nodes, emulator share "
          "with cpu_shared_set: emulatorpin = shared set", SMT, 4, 2048,
          {**ded, "hw:numa_nodes": "2", "hw:emulator_threads_policy":
           "share"}, config=NEW_SMT)
    c.add("ded-image-policy", "dedicated policy from the image", SMT, 4, 2048,
          image={"hw_cpu_policy": "dedicated", "hw_cpu_thread_policy":
                 "require"}, config=NEW_SMT)
    c.add("ded-pcpu-resources", "resources:PCPU instead of hw:cpu_policy",
          SMT, 4, 2048, {"resources:PCPU": "4"}, config=NEW_SMT)
    c.add("ded-odd-prefer", "3 vCPU prefer: one core full, one half", SMT, 3,
          1536, {**ded, "hw:cpu_thread_policy": "prefer"}, config=NEW_SMT)
    c.add("ded-intel-numbering", "explicit cells with Intel-style siblings "
          "(n, n+8)", INTEL, 4, 2048, ded, config=NEW_INTEL)
    c.add("ded-intel-isolate", "isolate on Intel-numbered SMT host, legacy",
          INTEL, 3, 1536, {**ded, "hw:cpu_thread_policy": "isolate"})
    c.add("ded-isolate-emuiso-full-nvh", "isolate 4 vCPUs uses all 4 cores "
          "of a node, nothing left for the emulator thread", SMT, 4, 2048,
          {**ded, "hw:cpu_thread_policy": "isolate",
           "hw:emulator_threads_policy": "isolate"}, expect="NoValidHost")
    c.add("ded-isolate-pinset", "isolate with vcpu_pin_set (pcpuset == "
          "cpuset, so isolate is allowed on SMT)", SMT, 2, 1024,
          {**ded, "hw:cpu_thread_policy": "isolate"}, config=PINSET_SMT)

    # ---- C. realtime ----
    rt = {**ded, "hw:cpu_realtime": "yes"}
    c.add("rt-mask0-legacy", "realtime with mask ^0: emulatorpin = vCPU0's "
          "pCPU, vcpusched for 1-3", SMT, 4, 2048,
          {**rt, "hw:cpu_realtime_mask": "^0"})
    c.add("rt-mask-emuiso", "realtime, all vCPUs RT, emulator isolate",
          SMT, 4, 2048, {**rt, "hw:cpu_realtime_mask": "0-3",
                         "hw:emulator_threads_policy": "isolate"},
          config=DEDONLY_SMT)
    c.add("rt-emushare-sharedset", "realtime mask ^0-1 with emulator share "
          "and cpu_shared_set", SMT, 4, 2048,
          {**rt, "hw:cpu_realtime_mask": "^0-1",
           "hw:emulator_threads_policy": "share"}, config=NEW_SMT)
    c.add("rt-emushare-noset", "realtime + emulator share without "
          "cpu_shared_set fails while building the XML", SMT, 4, 2048,
          {**rt, "hw:cpu_realtime_mask": "^0",
           "hw:emulator_threads_policy": "share"}, config=DEDONLY_SMT,
          expect="ERROR")
    c.add("rt-image-mask", "image hw_cpu_realtime_mask wins over the "
          "flavor's", SMT, 4, 2048, {**rt, "hw:cpu_realtime_mask": "^0"},
          image={"hw_cpu_realtime_mask": "^3"}, config=NEW_SMT)
    c.add("rt-numa2-prio", "realtime over 2 nodes, scheduler priority 50",
          SMT, 4, 2048, {**rt, "hw:cpu_realtime_mask": "^0,^2",
                         "hw:numa_nodes": "2"},
          config=merge(NEW_SMT, {"libvirt":
                                 {"realtime_scheduler_priority": 50}}))
    c.add("rt-mixed", "mixed policy where the realtime mask picks the "
          "pinned vCPUs", SMT, 4, 2048,
          {"hw:cpu_policy": "mixed", "hw:cpu_realtime": "true",
           "hw:cpu_realtime_mask": "2-3"}, config=NEW_SMT)
    c.add("rt-all-noemu-rej", "realtime with every vCPU RT and no emulator "
          "policy: API 400", SMT, 4, 2048, rt, expect="REJECTED")

    # ---- D. mixed ----
    mixed = {"hw:cpu_policy": "mixed"}
    c.add("mixed-mask-caret", "mixed, mask ^0", SMT, 4, 2048,
          {**mixed, "hw:cpu_dedicated_mask": "^0"}, config=NEW_SMT)
    c.add("mixed-legacy-nvh", "mixed, mask 2-3, legacy config: the host "
          "has no PCPU inventory and mixed has no fallback query", SMT, 4,
          2048, {**mixed, "hw:cpu_dedicated_mask": "2-3"},
          expect="NoValidHost")
    c.add("mixed-nosmt-new", "mixed 3 vCPU, mask 1-2, dedicated and shared "
          "sets on a host without SMT (1 shared CPU per node)", NOSMT, 3,
          1536, {**mixed, "hw:cpu_dedicated_mask": "1-2"}, config=NEW_NOSMT)
    c.add("mixed-shared-overcommit-nvh", "mixed 4 vCPU, mask 2-3: 2 floating "
          "vCPUs but only 1 shared CPU per node", NOSMT, 4, 2048,
          {**mixed, "hw:cpu_dedicated_mask": "2-3"}, config=NEW_NOSMT,
          expect="NoValidHost")
    c.add("mixed-numa2", "mixed over 2 nodes, pinned vCPUs in each", SMT, 6,
          2048, {**mixed, "hw:cpu_dedicated_mask": "1-2,4-5",
                 "hw:numa_nodes": "2"}, config=NEW_SMT)
    c.add("mixed-emuiso", "mixed with emulator isolate", SMT, 4, 2048,
          {**mixed, "hw:cpu_dedicated_mask": "^0-1",
           "hw:emulator_threads_policy": "isolate"}, config=NEW_SMT)
    c.add("mixed-require", "mixed with thread policy require", SMT, 4, 2048,
          {**mixed, "hw:cpu_dedicated_mask": "^0",
           "hw:cpu_thread_policy": "require"}, config=NEW_SMT)
    c.add("mixed-asym-hugepages", "mixed, asymmetric cells, 2 MiB pages",
          HUGE, 6, 3072, {**mixed, "hw:cpu_dedicated_mask": "1,3-5",
                          "hw:numa_nodes": "2", "hw:numa_cpus.0": "0-1",
                          "hw:numa_cpus.1": "2-5", "hw:numa_mem.0": "1024",
                          "hw:numa_mem.1": "2048", "hw:mem_page_size": "2MB"},
          config=NEW_SMT)
    c.add("mixed-cell-nopin-nvh", "mixed over 2 nodes but guest node 0 has "
          "no pinned vCPU", SMT, 4, 2048,
          {**mixed, "hw:cpu_dedicated_mask": "3", "hw:numa_nodes": "2"},
          config=NEW_SMT, expect="NoValidHost")
    c.add("mixed-nomask-rej", "mixed without any mask: API 400", SMT, 4, 2048,
          mixed, config=NEW_SMT, expect="REJECTED")

    # ---- E. huge pages ----
    c.add("hp-small", "hw:mem_page_size=small", HUGE, 2, 1024,
          {"hw:mem_page_size": "small"})
    c.add("hp-large", "large: 1 GiB pages chosen when they fit", HUGE, 2,
          2048, {"hw:mem_page_size": "large"})
    c.add("hp-large-2m", "large with memory not a multiple of 1 GiB -> 2 MiB",
          HUGE, 2, 1536, {"hw:mem_page_size": "large"})
    c.add("hp-any", "hw:mem_page_size=any", HUGE, 2, 1024,
          {"hw:mem_page_size": "any"})
    c.add("hp-2mb-ded-numa2", "2MB pages, dedicated, 2 nodes", HUGE, 4, 2048,
          {**ded, "hw:mem_page_size": "2MB", "hw:numa_nodes": "2"},
          config=NEW_SMT)
    c.add("hp-1gb-ded", "1GB pages with dedicated CPUs", HUGE_NOSMT, 2, 2048,
          {**ded, "hw:mem_page_size": "1GB"}, config=NEW_NOSMT)
    c.add("hp-image-override", "flavor large, image asks 2MB", HUGE, 2, 2048,
          {"hw:mem_page_size": "large"}, image={"hw_mem_page_size": "2048"})
    c.add("hp-locked", "hugepages + hw:locked_memory", HUGE, 2, 1024,
          {"hw:mem_page_size": "2MiB", "hw:locked_memory": "true"})
    c.add("hp-1g-missing-nvh", "1GB pages on a host with only 2 MiB pages",
          HUGE_2M_ONLY, 2, 1024, {"hw:mem_page_size": "1GB"},
          expect="NoValidHost")
    c.add("hp-exhausted-nvh", "needs 1.5 GiB of 2 MiB pages per node, the "
          "host has 1 GiB", HUGE_2M_ONLY, 2, 3072,
          {"hw:mem_page_size": "2MB", "hw:numa_nodes": "2"},
          expect="NoValidHost")
    c.add("hp-invalid-rej", "hw:mem_page_size=2M is rejected at create",
          HUGE, 2, 1024, {"hw:mem_page_size": "2M"}, expect="REJECTED")

    # ---- F. multi-node / asymmetric / big hosts ----
    c.add("ded-asym", "dedicated asymmetric cells 1+3 vCPUs", SMT, 4, 3072,
          {**ded, "hw:numa_nodes": "2", "hw:numa_cpus.0": "0",
           "hw:numa_cpus.1": "1-3", "hw:numa_mem.0": "1024",
           "hw:numa_mem.1": "2048"}, config=NEW_SMT)
    c.add("ded-numa3", "dedicated over 3 of 4 nodes", SMT4, 6, 3072,
          {**ded, "hw:numa_nodes": "3"})
    c.add("ded-numa4-isolate", "dedicated isolate over 4 nodes, legacy",
          SMT4, 8, 4096, {**ded, "hw:numa_nodes": "4",
                          "hw:cpu_thread_policy": "isolate"})
    c.add("ded-wide-8node", "8-node host, dedicated over 4 nodes", WIDE, 8,
          4096, {**ded, "hw:numa_nodes": "4"},
          config={"compute": {"cpu_dedicated_set": "0-63"}})
    c.add("ded-one-node-full", "fill a single-node host's 14 dedicated CPUs",
          ONE, 14, 4096, {**ded, "hw:cpu_thread_policy": "require"},
          config={"compute": {"cpu_dedicated_set": "2-15",
                              "cpu_shared_set": "0-1"}})
    c.add("ded-too-many-nodes-nvh", "hw:numa_nodes=3 on a 2-node host", SMT,
          3, 3072, {**ded, "hw:numa_nodes": "3"}, expect="NoValidHost")
    c.add("ded-too-big-cell-nvh", "6 pinned vCPUs in one cell, 6 dedicated "
          "CPUs per node but isolate needs whole cores", SMT, 6, 2048,
          {**ded, "hw:cpu_thread_policy": "isolate"}, expect="NoValidHost")
    c.add("ded-no-pcpu-nvh", "dedicated guest on a host with only "
          "cpu_shared_set", SMT, 2, 1024, ded,
          config={"compute": {"cpu_shared_set": "0-15"}},
          expect="NoValidHost")
    c.add("shared-on-dedonly-nvh", "shared guest on a host with only "
          "cpu_dedicated_set", SMT, 2, 1024, {"hw:numa_nodes": "1"},
          config=DEDONLY_SMT, expect="NoValidHost")

    # ---- G. guest CPU topology and CPU mode ----
    c.add("topo-sockets2", "hw:cpu_sockets=2 -> (2,2,1)", SMT, 4, 2048,
          {**ded, "hw:cpu_sockets": "2"}, config=NEW_SMT)
    c.add("topo-threads2-image", "image hw_cpu_threads=2", SMT, 4, 2048,
          {**ded, "hw:cpu_thread_policy": "require"},
          image={"hw_cpu_threads": "2"}, config=NEW_SMT)
    c.add("topo-flavor-max-rej", "flavor hw:cpu_max_sockets is refused by "
          "the extra-spec validator (it registers hw:max_cpu_sockets)",
          SMT, 4, 2048, {"hw:numa_nodes": "1", "hw:cpu_max_sockets": "1",
                         "hw:cpu_max_cores": "2"}, expect="REJECTED")
    c.add("topo-image-max", "image max sockets 1, cores 2 -> (1,2,2)",
          SMT, 4, 2048, {"hw:numa_nodes": "1"},
          image={"hw_cpu_max_sockets": "1", "hw_cpu_max_cores": "2"})
    c.add("cpumode-passthrough", "[libvirt] cpu_mode=host-passthrough", SMT,
          4, 2048, {**ded, "hw:numa_nodes": "2"},
          config=merge(NEW_SMT, {"libvirt": {"cpu_mode":
                                             "host-passthrough"}}))
    # fakelibvirt's host CPU model is Penryn; other models fail compareCPU
    c.add("cpumode-custom", "[libvirt] cpu_mode=custom, cpu_models=Penryn",
          SMT, 2, 1024, {"hw:numa_nodes": "1"},
          config={"libvirt": {"cpu_mode": "custom",
                              "cpu_models": ["Penryn"]}})
    c.add("topo-impossible-err", "image max sockets/cores/threads that "
          "cannot make 6 vCPUs: the build fails on the compute node", SMT, 6,
          2048, ded, image={"hw_cpu_max_sockets": "1",
                            "hw_cpu_max_cores": "2",
                            "hw_cpu_max_threads": "2"},
          config=NEW_SMT, expect="ERROR")
    c.add("pack-strategy", "packing_host_numa_cells_allocation_strategy on "
          "a 4-node host", SMT4, 2, 1024, {**ded},
          config={"compute": {"packing_host_numa_cells_allocation_strategy":
                              True}})
    c.add("ratio-limits", "shared NUMA guest with cpu_allocation_ratio 1.0",
          SMT, 8, 2048, {"hw:numa_nodes": "1"},
          config={"DEFAULT": {"cpu_allocation_ratio": 1.0}})
    return c.items


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="output JSONL (default stdout)")
    args = ap.parse_args(argv)
    cases = build()
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names))
    text = "".join(json.dumps(c, separators=(",", ":")) + "\n"
                   for c in cases)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
