#!/usr/bin/env python3
"""Strip boot-oracle results down to the fields the C# side compares.

Reads ``nova_boot_oracle.py --batch`` output (JSON Lines) and writes one
compact JSON object per line, in the same order, keeping:

    name, status, fault, no_valid_host, numa_xml,
    instance_numa_topology, host_numa_topology

and ``oracle_error`` when present.  ``domain_xml`` (the whole domain, which
is mostly device boilerplate), ``timings_s``, ``elapsed_s`` and ``import_s``
are dropped.  Fault messages of build failures embed the random instance
UUID; it is replaced by ``<uuid>`` so that the expected file is stable
across runs.

Usage:
    strip_boot_expected.py raw.jsonl > expected.jsonl
"""

import re
import sys
from strip_expected import filter_lines  # same line filter as the direct results

KEEP = ("name", "status", "fault", "no_valid_host", "numa_xml",
        "instance_numa_topology", "host_numa_topology", "oracle_error")
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12}")


def strip(result: dict) -> dict:
    out = {k: result[k] for k in KEEP if k in result}
    if out.get("fault"):
        out["fault"] = UUID_RE.sub("<uuid>", out["fault"])
    return out


def main(argv=None) -> int:
    return filter_lines(strip, argv)


if __name__ == "__main__":
    sys.exit(main())
