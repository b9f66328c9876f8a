#!/usr/bin/env python3
"""Random cases in the oracle schema that exercise Nova 26 fitting (host cell order,
pinning order, thread policies, emulator threads, page sizes, limits, network affinity).

    python3 tools/oracle/gen_fit_cases.py --count 600 --seed 7 > cases.jsonl
    (cd /work/shared/oracle && /usr/bin/python3 nova_oracle.py --batch cases.jsonl) > expected.jsonl

Standard library only; the cases are data, the oracle decides the answers.
"""
import argparse
import json
import random


def numbering(rng, nodes, cores, threads):
    """Sibling groups per node in one of three common numberings."""
    style = rng.choice(["intel", "adjacent", "blocked"])
    cells = []
    for n in range(nodes):
        groups = []
        for c in range(cores):
            if style == "intel":
                g = [t * nodes * cores + n * cores + c for t in range(threads)]
            elif style == "adjacent":
                g = [(n * cores + c) * threads + t for t in range(threads)]
            else:  # threads of a node's cores in separate blocks inside the node
                g = [n * cores * threads + t * cores + c for t in range(threads)]
            groups.append(g)
        cells.append(groups)
    return cells


def host(rng):
    nodes = rng.choice([1, 2, 2, 2, 4, 4, 8])
    cores = rng.choice([2, 4, 4, 6, 8])
    threads = rng.choice([1, 1, 2, 2, 4])
    mem = rng.choice([4096, 8192, 16384])
    if rng.random() < 0.25:
        h = {"numa_nodes": nodes, "cores_per_node": cores, "threads_per_core": threads,
             "memory_mb_per_node": mem}
        if rng.random() < 0.4:
            h["hugepages_2m_per_node"] = rng.choice([0, 512, 1024, 2048])
        if rng.random() < 0.2:
            h["hugepages_1g_per_node"] = rng.choice([1, 2, 4])
        return h
    split = rng.random() < 0.2
    cells = []
    for n, groups in enumerate(numbering(rng, nodes, cores, threads)):
        cpus = sorted(x for g in groups for x in g)
        cell = {"id": n, "cpus": cpus, "siblings": groups, "memory_mb": mem}
        if rng.random() < 0.15:
            cell["siblings_order"] = "given"
        if split:
            shared = [x for g in groups[:1] for x in g]
            cell["cpuset"] = shared
            cell["pcpuset"] = [x for x in cpus if x not in shared]
        pool = cell.get("pcpuset", cpus)
        if rng.random() < 0.4:
            cell["pinned_cpus"] = sorted(rng.sample(pool, rng.randint(0, max(0, len(pool) - 1))))
        if rng.random() < 0.3:
            cell["cpu_usage"] = rng.randint(0, len(cpus) * 4)
        if rng.random() < 0.3:
            cell["memory_usage_mb"] = rng.randint(0, mem)
        if rng.random() < 0.35:
            huge2 = rng.choice([0, 256, 512, 1024])
            huge1 = rng.choice([0, 0, 1, 2])
            small = (mem * 1024 - huge2 * 2048 - huge1 * 1048576) // 4
            if small > 0:
                pages = [{"size_kb": 4, "total": small, "used": rng.choice([0, 0, small // 4])},
                         {"size_kb": 2048, "total": huge2, "used": rng.randint(0, huge2) if huge2 else 0,
                          "reserved": rng.choice([0, 0, 16])}]
                if huge1 or rng.random() < 0.5:
                    pages.append({"size_kb": 1048576, "total": huge1, "used": 0})
                cell["pagesizes"] = pages
        if rng.random() < 0.2:
            cell["physnets"] = rng.sample(["foo", "bar"], rng.randint(0, 2))
            cell["tunneled"] = rng.random() < 0.5
        cells.append(cell)
    return {"cells": cells, "db_round_trip": rng.random() < 0.85}


def flavor(rng):
    vcpus = rng.choice([1, 2, 3, 4, 4, 6, 8, 8, 12, 16])
    mem = rng.choice([512, 1024, 2048, 3072, 4096, 8192])
    es = {}
    policy = rng.choice([None, "dedicated", "dedicated", "shared", "mixed"])
    if policy:
        es["hw:cpu_policy"] = policy
    if policy == "dedicated" and rng.random() < 0.6:
        es["hw:cpu_thread_policy"] = rng.choice(["prefer", "isolate", "require"])
    if policy == "dedicated" and rng.random() < 0.25:
        es["hw:emulator_threads_policy"] = rng.choice(["share", "isolate"])
    if policy == "mixed":
        es["hw:cpu_dedicated_mask"] = rng.choice(["^0", "0", "^0-1", str(vcpus - 1)])
    nodes = rng.choice([None, None, 1, 2, 2, 3, 4])
    if nodes:
        es["hw:numa_nodes"] = str(nodes)
        if rng.random() < 0.2 and vcpus >= nodes:
            per = [list(range(i, vcpus, nodes)) for i in range(nodes)]
            for i, cpus in enumerate(per):
                es["hw:numa_cpus.%d" % i] = ",".join(map(str, cpus))
                es["hw:numa_mem.%d" % i] = str(mem // nodes + (mem % nodes if i == 0 else 0))
    if rng.random() < 0.3:
        es["hw:mem_page_size"] = rng.choice(["small", "large", "any", "2048", "1GB", "2MB"])
    return {"vcpus": vcpus, "memory_mb": mem, "extra_specs": es}


def case(rng, i):
    c = {"name": "fit-%05d" % i, "host": host(rng), "flavor": flavor(rng)}
    r = rng.random()
    if r < 0.1:
        c["limits"] = None
    elif r < 0.35:
        c["limits"] = {"cpu_allocation_ratio": rng.choice([1.0, 2.0, 16.0]),
                       "ram_allocation_ratio": rng.choice([1.0, 1.5])}
        if rng.random() < 0.4:
            c["limits"]["network_metadata"] = {"physnets": rng.sample(["foo", "bar"], rng.randint(0, 2)),
                                               "tunneled": rng.random() < 0.5}
    if rng.random() < 0.3:
        c["config"] = {"packing_host_numa_cells_allocation_strategy": True}
    return c


def search_case(rng, i):
    """Many host cells, multi-cell guests, uneven usage: stresses the permutation search and
    Nova's mutating caches (cell ids, sticky page sizes)."""
    nodes = rng.choice([4, 6, 8])
    cores = rng.choice([2, 4])
    threads = rng.choice([1, 2])
    mem = 8192
    cells = []
    for n, groups in enumerate(numbering(rng, nodes, cores, threads)):
        cpus = sorted(x for g in groups for x in g)
        cell = {"id": n, "cpus": cpus, "siblings": groups, "memory_mb": mem}
        r = rng.random()
        if r < 0.3:
            cell["pinned_cpus"] = sorted(rng.sample(cpus, rng.randint(1, len(cpus))))
        elif r < 0.5:
            cell["memory_usage_mb"] = rng.choice([4096, 7168, 8192])
        elif r < 0.6:
            cell["cpu_usage"] = rng.randint(0, len(cpus) * 16)
        if rng.random() < 0.4:
            huge2 = rng.choice([0, 256, 1024, 2048])
            huge1 = rng.choice([0, 1, 2])
            small = (mem * 1024 - huge2 * 2048 - huge1 * 1048576) // 4
            cell["pagesizes"] = [{"size_kb": 4, "total": small}, {"size_kb": 2048, "total": huge2},
                                 {"size_kb": 1048576, "total": huge1}]
        cells.append(cell)
    k = rng.randint(2, min(4, nodes))
    vcpus = k * rng.choice([1, 2, 3])
    memory = k * rng.choice([512, 1024, 2048])
    es = {"hw:numa_nodes": str(k)}
    policy = rng.choice([None, "dedicated", "dedicated", "mixed"])
    if policy:
        es["hw:cpu_policy"] = policy
    if policy == "mixed":
        es["hw:cpu_dedicated_mask"] = "^0"
    if policy == "dedicated" and rng.random() < 0.3:
        es["hw:emulator_threads_policy"] = "isolate"
    if policy == "dedicated" and rng.random() < 0.3:
        es["hw:cpu_thread_policy"] = rng.choice(["isolate", "require", "prefer"])
    if rng.random() < 0.3 and vcpus % k == 0:
        # asymmetric manual layout: first cell big
        per = [[] for _ in range(k)]
        for v in range(vcpus):
            per[0 if v < vcpus - (k - 1) else v - (vcpus - (k - 1)) + 1].append(v)
        es.pop("hw:numa_nodes")
        es["hw:numa_nodes"] = str(k)
        mems = [memory - (k - 1) * 256] + [256] * (k - 1)
        for j in range(k):
            es["hw:numa_cpus.%d" % j] = ",".join(map(str, per[j]))
            es["hw:numa_mem.%d" % j] = str(mems[j])
    if rng.random() < 0.35:
        es["hw:mem_page_size"] = rng.choice(["large", "any", "2MB", "1GB"])
    c = {"name": "search-%05d" % i, "host": {"cells": cells}, "flavor": {"vcpus": vcpus, "memory_mb": memory, "extra_specs": es}}
    if rng.random() < 0.3:
        c["config"] = {"packing_host_numa_cells_allocation_strategy": True}
    if rng.random() < 0.15:
        c["limits"] = {"cpu_allocation_ratio": 1.0, "ram_allocation_ratio": 1.0}
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", choices=["mixed", "search"], default="mixed")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for i in range(args.count):
        make = search_case if args.profile == "search" else case
        print(json.dumps(make(rng, i), sort_keys=True))


if __name__ == "__main__":
    main()
