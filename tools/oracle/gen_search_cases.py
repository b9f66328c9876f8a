#!/usr/bin/env python3
"""Small hosts (4-7 cells) and guests whose one big cell fits few or no host cells while the
others fit almost anywhere: exercises Nova's late cache-key collisions in the permutation
search. python3 tools/oracle/gen_search_cases.py > cases.jsonl (fixed seed 7, 300 cases)."""
import json, random
rng = random.Random(7)
for i in range(300):
    n = rng.choice([4, 5, 6, 7]); k = rng.randint(2, min(n, 5))
    cells = []
    for c in range(n):
        cell = {"id": c, "cpus": list(range(c*4, c*4+4)), "memory_mb": 4096}
        r = rng.random()
        if r < 0.3: cell["pinned_cpus"] = list(range(c*4, c*4 + rng.randint(1, 4)))
        elif r < 0.5: cell["memory_usage_mb"] = rng.choice([2048, 3072, 4096])
        cells.append(cell)
    big = rng.randrange(k)
    es = {"hw:numa_nodes": str(k)}
    if rng.random() < 0.6: es["hw:cpu_policy"] = "dedicated"
    vcpu = 0; mems = []
    for j in range(k):
        cnt = rng.choice([4, 5]) if j == big else 1
        es["hw:numa_cpus.%d" % j] = "%d-%d" % (vcpu, vcpu + cnt - 1) if cnt > 1 else str(vcpu)
        m = rng.choice([3072, 5120]) if j == big else rng.choice([256, 512, 1024])
        es["hw:numa_mem.%d" % j] = str(m); mems.append(m); vcpu += cnt
    print(json.dumps({"name": "late-%03d" % i, "host": {"cells": cells}, "flavor": {"vcpus": vcpu, "memory_mb": sum(mems), "extra_specs": es}}))
