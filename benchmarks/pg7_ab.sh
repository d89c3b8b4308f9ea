#!/bin/bash
# Before/after of docs/benchmarks/pg7.md (the PostgreSQL issue's server time), alternating so that both
# trees see the same minutes of load.
#
#   benchmarks/pg7_ab.sh BASE_DIR [PAIRS] [N]
#
# BASE_DIR: a copy of the code before (`git archive main | tar -x -C /tmp/pg7_base`); this checkout is
# the after. Each pair runs floor_bench.py --backend postgres on one tree then the other (the order
# alternating per pair), then benchmarks/pg7_server.py (the server backends' CPU per issue, from
# /proc/PID/schedstat) on each tree in the same order, with the time and load average logged.
# PostgreSQL from MOTCUA_BENCH_PG_URL (default: the local test server; it must run on this machine
# for pg7_server.py).
set -u
BASE=$1 PAIRS=${2:-3} N=${3:-300}
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
  done
  for side in $order; do
    dir=$BASE
    [ "$side" = after ] && dir=$AFTER
    echo "=== pair $i, server, $side, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$PY" "$AFTER/benchmarks/pg7_server.py" --tree "$dir" --pg-url "$PG" --n "$N"
  done
done
echo "=== end $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
