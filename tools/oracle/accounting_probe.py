#!/usr/bin/python3
"""Accounting probe: fits each case with the real Nova 26 numa_fit_instance_to_host, then
claims it on the host with numa_usage_from_instance_numa, claims it a second time, and frees
it twice. Prints, per case, the host cells' usage after the first claim and the exception
class (or null) of each later step.

    cd ../shared/oracle && /usr/bin/python3 REPO/tools/oracle/accounting_probe.py cases.jsonl > accounting.jsonl
"""
import json
import os
import sys

sys.path.insert(0, os.environ.get("SMOG_ORACLE_DIR", "."))
import nova_oracle as orc  # noqa: E402


def usage(topo):
    return [{"id": c.id, "pinned_cpus": sorted(c.pinned_cpus), "cpu_usage": c.cpu_usage,
             "memory_usage_mb": c.memory_usage,
             "pages_used": [[p.size_kb, p.used] for p in c.mempages]} for c in topo.cells]


def step(host, inst, free):
    try:
        return orc.hardware.numa_usage_from_instance_numa(host, inst, free=free), None
    except Exception as e:  # Nova's CPUPinning*/CPUUnpinning* exceptions
        return None, type(e).__name__


def run(case):
    orc.apply_config(case)
    host = orc.build_host(case["host"])
    for cell in host.cells:  # the libvirt driver always sets socket (None when unknown)
        if "socket" not in cell:
            cell.socket = None
    flavor = orc.build_flavor(case["flavor"])
    image = orc.build_image(case.get("image_properties"))
    topo = orc.hardware.numa_get_constraints(flavor, image)
    fitted = orc.hardware.numa_fit_instance_to_host(host, topo.obj_clone(), limits=orc.build_limits(case))
    if fitted is None:
        return {"name": case.get("name"), "fits": False}
    claimed, err1 = step(host, fitted, False)
    out = {"name": case.get("name"), "fits": True, "claim_error": err1}
    if claimed is None:
        return out
    out["after_claim"] = usage(claimed)
    _, out["second_claim_error"] = step(claimed, fitted, False)
    freed, out["free_error"] = step(claimed, fitted, True)
    out["after_free"] = usage(freed) if freed is not None else None
    if freed is not None:
        _, out["second_free_error"] = step(freed, fitted, True)
    return out


def main():
    orc._import_nova()
    for line in open(sys.argv[1]):
        if not line.strip():
            continue
        case = json.loads(line)
        if case.get("limits", 0) is None:
            continue
        try:
            out = run(case)
        except Exception as e:
            continue  # constraints errors and the like: nothing to account
        print(json.dumps({"case": case, "out": out}, sort_keys=True))


if __name__ == "__main__":
    main()
