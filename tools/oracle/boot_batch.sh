#!/usr/bin/env bash
# boot_batch.sh OUTDIR
#
# Regenerate the boot-oracle vectors: write the fixed boot case list
# (gen_boot_cases.py) to OUTDIR/cases.jsonl, boot every case through the
# whole in-process Nova 26.2.2 stack (nova_boot_oracle.py --batch from the
# shared oracle folder, ~1.5 s per case, longer on a loaded machine) and
# write the results, stripped by strip_boot_expected.py, to
# OUTDIR/expected.jsonl (one line per case, in case order).
#
# The oracle folder is ../shared/oracle relative to the repository root, or
# $SMOG_ORACLE_DIR.  Needs Debian 12's python3-nova python3-placement
# python3-wsgi-intercept python3-oslotest python3-requests-mock python3-ddt
# python3-fixtures python3-testtools, run by /usr/bin/python3
# ($SMOG_ORACLE_PYTHON overrides); the generator and strip scripts run with
# python3 from PATH ($SMOG_PYTHON overrides).
#
# Exit codes: 0 ok, 2 usage, 3 oracle or packages missing,
#             4 the harness failed on some case (oracle_error).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUTDIR=$1

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ORACLE_DIR=${SMOG_ORACLE_DIR:-$REPO/../shared/oracle}
ORACLE_PY=${SMOG_ORACLE_PYTHON:-/usr/bin/python3}
GEN_PY=${SMOG_PYTHON:-python3}   # runs the stdlib-only generator scripts

if [ ! -f "$ORACLE_DIR/nova_boot_oracle.py" ]; then
    echo "boot_batch: nova_boot_oracle.py not found in '$ORACLE_DIR' (set SMOG_ORACLE_DIR to the shared oracle folder)" >&2
    exit 3
fi
if [ ! -x "$ORACLE_PY" ] || ! "$ORACLE_PY" -c 'import nova.virt.hardware, placement, wsgi_intercept, oslotest, requests_mock, ddt, fixtures, testtools' >/dev/null 2>&1; then
    echo "boot_batch: python3-nova or the functional-test packages are missing for $ORACLE_PY" >&2
    echo "  (Debian 12: apt-get install -y python3-nova python3-placement python3-wsgi-intercept python3-oslotest python3-requests-mock python3-ddt python3-fixtures python3-testtools)" >&2
    exit 3
fi

mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$GEN_PY" "$HERE/gen_boot_cases.py" --out "$TMP/cases.jsonl"
start=$(date +%s)
(cd "$ORACLE_DIR" && "$ORACLE_PY" nova_boot_oracle.py --batch "$TMP/cases.jsonl") \
    > "$TMP/raw.jsonl" 2> "$TMP/stderr.txt"
end=$(date +%s)
"$GEN_PY" "$HERE/strip_boot_expected.py" "$TMP/raw.jsonl" > "$TMP/expected.jsonl"

ncases=$(wc -l < "$TMP/cases.jsonl")
nres=$(wc -l < "$TMP/expected.jsonl")
if [ "$ncases" -ne "$nres" ]; then
    echo "boot_batch: oracle returned $nres results for $ncases cases" >&2
    tail -20 "$TMP/stderr.txt" >&2
    exit 4
fi
mv "$TMP/cases.jsonl" "$OUTDIR/cases.jsonl"
mv "$TMP/expected.jsonl" "$OUTDIR/expected.jsonl"
echo "boot_batch: $ncases cases, oracle took $((end - start)) s, wrote $OUTDIR/cases.jsonl and $OUTDIR/expected.jsonl"
if grep -q '"oracle_error"' "$OUTDIR/expected.jsonl"; then
    echo "boot_batch: the harness failed on some cases:" >&2
    grep '"oracle_error"' "$OUTDIR/expected.jsonl" | grep -o '"name":"[^"]*"' >&2
    exit 4
fi
