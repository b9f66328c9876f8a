#!/usr/bin/python3
"""PCI NUMA affinity probe: random hosts with PCI pools and PCI requests (policies required,
legacy, preferred, socket) through the real Nova 26 numa_fit_instance_to_host with a
PciDeviceStats whose pools are set directly. Prints {"case", "out"} JSON lines.

    cd ../shared/oracle && /usr/bin/python3 REPO/tools/oracle/pci_probe.py SEED COUNT > probe.jsonl
"""
import json
import os
import random
import sys
sys.path.insert(0, os.environ.get("SMOG_ORACLE_DIR", "."))
import nova_oracle as orc
orc._import_nova()
from nova import objects
from nova.pci import stats as pstats
orc.apply_config({})

def run(case):
    host = orc.build_host(case["host"])
    flavor = orc.build_flavor(case["flavor"]); image = orc.build_image({})
    topo = orc.hardware.numa_get_constraints(flavor, image)
    st = pstats.PciDeviceStats(host)
    st.pools = [{"vendor_id": "8086", "product_id": "1520", "dev_type": "type-PCI",
                 "numa_node": p.get("numa_node"), "count": p["count"], "devices": []} for p in case["host"]["pci_pools"]]
    reqs = [objects.InstancePCIRequest(count=r["count"], spec=[{"vendor_id": "8086", "product_id": "1520"}],
                                       numa_policy=r["numa_policy"]) for r in case["pci_requests"]]
    limits = orc.build_limits(case)
    fit = orc.hardware.numa_fit_instance_to_host(host, topo.obj_clone(), limits=limits, pci_requests=reqs, pci_stats=st)
    return {"name": case["name"], "fits": fit is not None, "host_cells": [c.id for c in fit.cells] if fit else []}

rng = random.Random(int(sys.argv[1]))
for i in range(int(sys.argv[2])):
    n = rng.choice([2, 4]); k = rng.choice([1, 1, 2])
    cells = []
    for c in range(n):
        cell = {"id": c, "cpus": list(range(c * 4, c * 4 + 4)), "memory_mb": 8192}
        cell["socket"] = c // 2 if rng.random() < 0.8 else None
        if rng.random() < 0.4: cell["pinned_cpus"] = list(range(c * 4, c * 4 + rng.randint(1, 4)))
        cells.append(cell)
    pools = [{"numa_node": rng.choice([None, *range(n)]), "count": rng.randint(1, 2)} for _ in range(rng.randint(0, 3))]
    reqs = [{"count": rng.randint(1, 3), "numa_policy": rng.choice(["required", "legacy", "preferred", "socket"])} for _ in range(rng.randint(1, 2))]
    es = {"hw:numa_nodes": str(k)}
    if rng.random() < 0.6: es["hw:cpu_policy"] = "dedicated"
    case = {"name": "pci-%04d" % i, "host": {"cells": cells, "pci_pools": pools}, "pci_requests": reqs,
            "flavor": {"vcpus": 2 * k, "memory_mb": 1024 * k, "extra_specs": es}}
    try:
        out = run(case)
    except Exception as e:
        out = {"name": case["name"], "error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps({"case": case, "out": out}))
