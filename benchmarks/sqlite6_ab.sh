#!/bin/bash
# A/B of the SQLite issue's ratio to the floor (issue 12, sqlite6): floor_bench.py --backend sqlite from a base
# copy and from this tree, alternating which goes first each round, with the load average before each run.
#   git archive main | tar -x -C /tmp/sqlite6_base
#   benchmarks/sqlite6_ab.sh /tmp/sqlite6_base 3        # base tree, rounds
#   LABEL=sqlite9 PARTS=1 N=300 benchmarks/sqlite6_ab.sh /tmp/base 4   # also floor_parts.py, each round
# Figures: docs/benchmarks/sqlite6.md, docs/benchmarks/sqlite9.md.
set -eu
BASE=$1; ROUNDS=${2:-3}; N=${N:-200}; LABEL=${LABEL:-sqlite6}; PARTS=${PARTS:-}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$HERE/.venv/bin/python}
run() {  # label tree
  echo "== $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$2" && PYTHONPATH="$2" "$PY" benchmarks/floor_bench.py --backend sqlite --n "$N" | grep '^| sqlite')
  if [ -n "$PARTS" ]; then
    (cd "$2" && PYTHONPATH="$2" "$PY" benchmarks/floor_parts.py --backend sqlite --n 400 | grep '| total\|frames')
  fi
}
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then run base "$BASE"; run "$LABEL" "$HERE"; else run "$LABEL" "$HERE"; run base "$BASE"; fi
done
