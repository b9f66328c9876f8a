#!/usr/bin/env python3
"""Strip direct-oracle results down to the fields the C# side compares.

Reads ``nova_oracle.py --batch`` output (JSON Lines) and writes one compact
JSON object per line, in the same order, keeping only:

    name, nova_version, constraints_error, requested_topology, fits,
    filter_passes, instance_cells (all fields), emulator_threads_policy,
    cpu_topology, cpu_topology_error, host_cells[].id, host_cells[].siblings,
    elapsed_ms

plus ``fit_error`` / ``filter_error`` / ``oracle_error`` whenever the oracle
reported one (they should never appear in committed vectors).

Usage:
    strip_expected.py raw.jsonl > expected.jsonl
    strip_expected.py < raw.jsonl > expected.jsonl
"""

import json
import sys

KEEP = ("name", "nova_version", "constraints_error", "requested_topology",
        "fits", "filter_passes", "instance_cells", "emulator_threads_policy",
        "cpu_topology", "cpu_topology_error", "elapsed_ms")
ERRORS = ("fit_error", "filter_error", "oracle_error")


def strip(result: dict) -> dict:
    out = {k: result.get(k) for k in KEEP if k in result}
    if "host_cells" in result:
        out["host_cells"] = [{"id": c["id"], "siblings": c["siblings"]}
                             for c in result["host_cells"]]
    for k in ERRORS:
        if result.get(k):
            out[k] = result[k]
    return out


def filter_lines(transform, argv=None) -> int:
    """Applies transform to each JSON line of argv[0] (or stdin), compact and key-sorted."""
    argv = sys.argv[1:] if argv is None else argv
    src = open(argv[0]) if argv else sys.stdin
    with src:
        for line in src:
            if line.strip():
                json.dump(transform(json.loads(line)), sys.stdout,
                          sort_keys=True, separators=(",", ":"))
                sys.stdout.write("\n")
    return 0


def main(argv=None) -> int:
    return filter_lines(strip, argv)


if __name__ == "__main__":
    sys.exit(main())
