#!/bin/bash
# Before/after of docs/benchmarks/pg6.md (the PostgreSQL issue in one statement), alternating so that
# both trees see the same minutes of load.
#
#   benchmarks/pg6_ab.sh BASE_DIR [PAIRS] [N]
#
# BASE_DIR: a copy of the code before (`git archive main | tar -x -C /tmp/pg6_base`); this checkout is
# the after. Each pair runs floor_bench.py --backend postgres on one tree then the other (the order
# alternating per pair), with the time and load average logged; WITH_PARTS=1 adds floor_parts.py,
# WITH_LEAN=1 lean_bench.py. PostgreSQL from MOTCUA_BENCH_PG_URL (default: the local test server).
set -u
BASE=$1 PAIRS=${2:-2} N=${3:-200}
AFTER=$(cd "$(dirname "$0")/.." && pwd)
PG=${MOTCUA_BENCH_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
PY=${PYTHON:-/work/main/.venv/bin/python}
[ -x "$PY" ] || PY=$AFTER/.venv/bin/python
for i in $(seq "$PAIRS"); do
  order="base after"
  [ $((i % 2)) -eq 0 ] && order="after base"
  for side in $order; do
    dir=$BASE
    [ "$side" = after ] && dir=$AFTER
    echo "=== pair $i, $side ($dir), $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$dir" && PYTHONPATH=. "$PY" benchmarks/floor_bench.py --backend postgres --pg-url "$PG" --n "$N")
    if [ "${WITH_PARTS:-0}" = 1 ]; then
      (cd "$dir" && PYTHONPATH=. "$PY" benchmarks/floor_parts.py --backend postgres --pg-url "$PG" --n "$N")
    fi
    if [ "${WITH_LEAN:-0}" = 1 ]; then
      (cd "$dir" && PYTHONPATH=. "$PY" benchmarks/lean_bench.py --backend postgres --pg-url "$PG")
    fi
  done
done
echo "=== end $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
