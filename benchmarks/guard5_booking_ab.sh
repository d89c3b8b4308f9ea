#!/bin/bash
# A/B interleaved: base = main 345762c (exported to /tmp/g5base), new = guard5; booking_bench.py --again, 200 phones, 50 places
export MOTCUA_BENCH_DB_PREFIX=w5_guard5_
PG=postgresql://postgres@127.0.0.1:5432/test
for round in 1 2 3; do
  for side in base new; do
    dir=${BASE:-/tmp/g5base}; [ $side = new ] && dir=${NEW:-$(cd "$(dirname "$0")/.." && pwd)}
    for db in sqlite pg; do
      echo "== round $round $side $db $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
      args="--again"; [ $db = pg ] && args="--again --pg $PG"
      (cd $dir && env -u PYTHONDONTWRITEBYTECODE PYTHONPATH=$dir nice /work/main/.venv/bin/python benchmarks/booking_bench.py $args 2>&1 | tail -6)
    done
  done
done
