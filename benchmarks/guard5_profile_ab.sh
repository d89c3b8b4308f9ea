#!/bin/bash
# A/B interleaved: booking_profile.py --no-contact (a booking and a refusal without a contact, per request CPU),
# base = main 345762c exported to $BASE (default /tmp/g5base), new = this checkout. SQLite and PostgreSQL.
export MOTCUA_BENCH_DB_PREFIX=w5_guard5_
PG=postgresql://postgres@127.0.0.1:5432/test
for round in 1 2 3; do
  for side in base new; do
    dir=${BASE:-/tmp/g5base}; [ $side = new ] && dir=${NEW:-$(cd "$(dirname "$0")/.." && pwd)}
    for db in sqlite pg; do
      echo "== round $round $side $db $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
      args="--no-contact --places 200 --refusals 300"; [ $db = pg ] && args="$args --pg $PG"
      (cd $dir && env -u PYTHONDONTWRITEBYTECODE PYTHONPATH=$dir nice /work/main/.venv/bin/python benchmarks/booking_profile.py $args 2>&1 | tail -4)
    done
  done
done
