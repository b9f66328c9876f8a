#!/usr/bin/env bash
# fresh_batch.sh OUTDIR [COUNT] [SEED]
#
# Generate COUNT (default 400) random NUMA fitting cases with gen_cases.py,
# run them through the real Nova 26.2.2 code (nova_oracle.py --batch from the
# shared oracle folder) and write
#     OUTDIR/cases.jsonl     the cases, one JSON object per line
#     OUTDIR/expected.jsonl  the oracle's results, stripped to the compared
#                            fields (strip_expected.py), in case order
# When SEED is not given a random one is picked; it is always printed as
# "oracle seed: N" so a failing CI run can be reproduced with the same seed.
#
# The oracle folder is ../shared/oracle relative to the repository root, or
# $SMOG_ORACLE_DIR when set.  The oracle needs Debian 12's python3-nova and
# must run with /usr/bin/python3 (override with $SMOG_ORACLE_PYTHON); the
# generator and strip scripts run with python3 from PATH ($SMOG_PYTHON).
#
# Exit codes: 0 ok, 2 usage, 3 oracle or python3-nova missing,
#             4 the oracle crashed on some case (oracle_error / fit_error).
set -euo pipefail

usage() {
    echo "usage: $0 OUTDIR [COUNT] [SEED]" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 3 ] || usage
OUTDIR=$1
COUNT=${2:-400}
SEED=${3:-}
[[ "$COUNT" =~ ^[0-9]+$ ]] || { echo "fresh_batch: COUNT must be a number, got '$COUNT'" >&2; exit 2; }
if [ -z "$SEED" ]; then
    SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
fi
[[ "$SEED" =~ ^[0-9]+$ ]] || { echo "fresh_batch: SEED must be a number, got '$SEED'" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ORACLE_DIR=${SMOG_ORACLE_DIR:-$REPO/../shared/oracle}
ORACLE_PY=${SMOG_ORACLE_PYTHON:-/usr/bin/python3}
GEN_PY=${SMOG_PYTHON:-python3}   # runs the stdlib-only generator scripts

if [ ! -f "$ORACLE_DIR/nova_oracle.py" ]; then
    echo "fresh_batch: nova_oracle.py not found in '$ORACLE_DIR' (set SMOG_ORACLE_DIR to the shared oracle folder)" >&2
    exit 3
fi
if [ ! -x "$ORACLE_PY" ] || ! "$ORACLE_PY" -c 'import nova.virt.hardware' >/dev/null 2>&1; then
    echo "fresh_batch: python3-nova is not installed for $ORACLE_PY (Debian 12: apt-get install -y python3-nova)" >&2
    exit 3
fi

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "oracle seed: $SEED"
"$GEN_PY" "$HERE/gen_cases.py" --seed "$SEED" --count "$COUNT" --out "$TMP/cases.jsonl"

start=$(date +%s)
# the oracle finds its helper files next to itself: run it from its folder
(cd "$ORACLE_DIR" && "$ORACLE_PY" nova_oracle.py --batch "$TMP/cases.jsonl") \
    > "$TMP/raw.jsonl"
end=$(date +%s)

"$GEN_PY" "$HERE/strip_expected.py" "$TMP/raw.jsonl" > "$TMP/expected.jsonl"

ncases=$(wc -l < "$TMP/cases.jsonl")
nres=$(wc -l < "$TMP/expected.jsonl")
if [ "$ncases" -ne "$nres" ]; then
    echo "fresh_batch: oracle returned $nres results for $ncases cases" >&2
    exit 4
fi
mv "$TMP/cases.jsonl" "$OUTDIR/cases.jsonl"
mv "$TMP/expected.jsonl" "$OUTDIR/expected.jsonl"
echo "fresh_batch: $ncases cases, oracle took $((end - start)) s, wrote $OUTDIR/cases.jsonl and $OUTDIR/expected.jsonl"

if grep -q '"\(oracle_error\|fit_error\|filter_error\)"' "$OUTDIR/expected.jsonl"; then
    echo "fresh_batch: the oracle crashed on some cases (seed $SEED):" >&2
    grep -o '"name":"[^"]*"' <(grep '"\(oracle_error\|fit_error\|filter_error\)"' "$OUTDIR/expected.jsonl") | head -20 >&2
    exit 4
fi
