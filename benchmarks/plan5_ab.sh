#!/bin/bash
# Before/after of docs/benchmarks/plan5.md, runs alternating so that both see the same load.
#
#   benchmarks/plan5_ab.sh BASE_DIR PROVINCE_DB SINGLE_DB [PAIRS]
#
# BASE_DIR: a checkout of the code before (e.g. `git archive 290c81a | tar -x -C /tmp/base`); this
# checkout is the after. PROVINCE_DB / SINGLE_DB: databases kept by province_bench.py --keep and
# --single --keep. Each pair runs province_cpu.py and lean_bench.py (PostgreSQL) on
# the before, then on the after, with the load average logged. Needs MOTCUA_BENCH_PG_URL.
set -u
BASE=$1 PROVINCE=$2 SINGLE=$3 PAIRS=${4:-2}
AFTER=$(cd "$(dirname "$0")/.." && pwd)
PG=${MOTCUA_BENCH_PG_URL:?set MOTCUA_BENCH_PG_URL}
PY=${PYTHON:-$AFTER/.venv/bin/python}
OFFICE=${OFFICE:-2} ROUNDS=${ROUNDS:-12}
for i in $(seq "$PAIRS"); do
  for side in before after; do
    dir=$BASE
    [ "$side" = after ] && dir=$AFTER
    echo "=== pair $i, $side ($dir), $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$dir" && env -u PYTHONDONTWRITEBYTECODE PYTHONPATH=. "$PY" benchmarks/province_cpu.py --pg "$PG" \
       --province "$PROVINCE" --single "$SINGLE" --office "$OFFICE" --rounds "$ROUNDS")
    (cd "$dir" && env -u PYTHONDONTWRITEBYTECODE PYTHONPATH=. "$PY" benchmarks/lean_bench.py --backend postgres \
       --pg-url "$PG")
  done
done
echo "=== end $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
