#!/usr/bin/env python3
"""Summarise a vector set: outcome distribution overall and per policy.

Usage:
    summarize.py cases.jsonl expected.jsonl [--markdown]

Outcomes (one per case):
    constraints_error   numa_get_constraints raised (API would answer 400)
    no_numa             no NUMA topology requested (fits trivially)
    fit_pinned          fits and at least one vCPU is pinned
    fit_unpinned        fits, NUMA topology but no pinning (shared guests)
    no_fit              numa_fit_instance_to_host found no placement
plus the filter view: ``filter_only_reject`` (fits but NUMATopologyFilter
rejects) and ``filter_only_pass`` (no fit but the filter passes).

Policy keys come from the requested topology (cpu_policy, thread policy,
emulator threads policy); for constraint errors the generator's tag
(``err.<mutation>``) is counted instead.  Exits 1 if any result carries an
oracle_error / fit_error / filter_error or the names do not line up.
"""

import collections
import json
import sys


def load(path):
    with open(path) as fh:
        return [json.loads(ln) for ln in fh if ln.strip()]


def outcome(res):
    if res.get("constraints_error"):
        return "constraints_error"
    if res.get("requested_topology") is None:
        return "no_numa"
    if res.get("fits"):
        pinned = any(c.get("cpu_pinning") for c in res["instance_cells"])
        return "fit_pinned" if pinned else "fit_unpinned"
    return "no_fit"


def policy_key(res):
    rt = res.get("requested_topology")
    if not rt:
        return None
    c0 = rt["cells"][0]
    return "%s/%s/emu=%s" % (c0.get("cpu_policy") or "none",
                             c0.get("cpu_thread_policy") or "-",
                             rt.get("emulator_threads_policy") or "-")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    md = "--markdown" in argv
    argv = [a for a in argv if a != "--markdown"]
    cases, results = load(argv[0]), load(argv[1])
    bad = 0
    if len(cases) != len(results):
        print("count mismatch: %d cases, %d results"
              % (len(cases), len(results)))
        bad += 1
    outcomes = collections.Counter()
    per_policy = collections.defaultdict(collections.Counter)
    err_kinds = collections.Counter()
    filt = collections.Counter()
    slow = []
    tag_counts = collections.Counter()
    for case, res in zip(cases, results):
        if case.get("name") != res.get("name"):
            print("name mismatch: %s vs %s" % (case.get("name"),
                                               res.get("name")))
            bad += 1
        for k in ("oracle_error", "fit_error", "filter_error"):
            if res.get(k):
                print("%s: %s: %s" % (res.get("name"), k, res[k][:200]))
                bad += 1
        o = outcome(res)
        outcomes[o] += 1
        # name = s<seed>-<index>-<tags...>; count the kind tag and the
        # nofit./err./div. mutation tags
        tags = str(case.get("name", "")).split("-")[2:]
        for t in tags[:1] + [t for t in tags if t.startswith(
                ("nofit.", "div."))] + ["rt" for t in tags if t == "rt"] + \
                ["asym" for t in tags if t == "asym"]:
            tag_counts[t] += 1
        if o == "constraints_error":
            err_kinds[res["constraints_error"].split(":")[0]] += 1
        else:
            key = policy_key(res) or "no-numa"
            per_policy[key][o] += 1
        if res.get("fits") and res.get("filter_passes") is False and \
                o != "constraints_error":
            filt["filter_only_reject"] += 1
        if res.get("fits") is False and res.get("filter_passes") and \
                o != "constraints_error":
            filt["filter_only_pass"] += 1
        if (res.get("elapsed_ms") or 0) > 50:
            slow.append((res.get("elapsed_ms"), res.get("name")))

    n = len(results)
    p = print
    p("cases: %d" % n)
    p("")
    p("| outcome | count | share |" if md else "outcomes:")
    if md:
        p("|---|---|---|")
    for k in ("fit_pinned", "fit_unpinned", "no_numa", "no_fit",
              "constraints_error"):
        v = outcomes.get(k, 0)
        p(("| %s | %d | %.1f%% |" if md else "  %-20s %5d  %5.1f%%")
          % (k, v, 100.0 * v / max(1, n)))
    for k in ("filter_only_reject", "filter_only_pass"):
        v = filt.get(k, 0)
        p(("| %s | %d | %.1f%% |" if md else "  %-20s %5d  %5.1f%%")
          % (k, v, 100.0 * v / max(1, n)))
    p("")
    p("| policy/thread/emulator | fit_pinned | fit_unpinned | no_numa | "
      "no_fit |" if md else "per policy (cpu_policy/thread_policy/emulator):")
    if md:
        p("|---|---|---|---|---|")
    for key in sorted(per_policy):
        c = per_policy[key]
        if md:
            p("| %s | %d | %d | %d | %d |" % (key, c["fit_pinned"],
                                              c["fit_unpinned"],
                                              c["no_numa"], c["no_fit"]))
        else:
            p("  %-34s fit_pinned=%4d fit_unpinned=%4d no_numa=%4d "
              "no_fit=%4d" % (key, c["fit_pinned"], c["fit_unpinned"],
                              c["no_numa"], c["no_fit"]))
    p("")
    p("| constraints error | count |" if md else "constraint errors:")
    if md:
        p("|---|---|")
    for k, v in err_kinds.most_common():
        p(("| %s | %d |" if md else "  %-44s %4d") % (k, v))
    p("")
    p("| generator tag | count |" if md else "generator tags (intent):")
    if md:
        p("|---|---|")
    for k, v in sorted(tag_counts.items()):
        p(("| %s | %d |" if md else "  %-44s %4d") % (k, v))
    if slow:
        p("")
        p("slow fits (>50 ms): %d, slowest %s" % (len(slow), max(slow)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
