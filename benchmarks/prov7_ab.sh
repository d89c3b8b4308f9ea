#!/bin/bash
# Before/after of docs/benchmarks/prov7.md on the same databases: province_cpu.py with the office policy's
# lookups (migration 0021's motcua_policy_offices() and motcua_policy_office()) STABLE, as every release
# before 0021 ran them (evaluated at each run of a plan), then IMMUTABLE, as 0021 declares them (folded into
# each cached plan), PAIRS times over, so that both see the same minutes' load.
#
#   benchmarks/prov7_ab.sh PAIRS PROVINCE_DB SINGLE_DB
#
# PROVINCE_DB: a province at schema 0021 (a copy of one kept by province_bench.py --keep, upgraded, then
# roles.sql + offices.sql re-run); its functions are left IMMUTABLE. Needs MOTCUA_BENCH_PG_URL (the owner);
# OFFICE (2) and ROUNDS (12). Before each run, both databases' desk tables are vacuumed: each run issues,
# calls and then deletes its tickets (benchmarks._tidy), and their dead index entries would otherwise pile up
# run after run and slow the later runs' scans.
set -u
PAIRS=$1 PROVINCE=$2 SINGLE=$3
PG=${MOTCUA_BENCH_PG_URL:?set MOTCUA_BENCH_PG_URL}
PY=${PYTHON:-.venv/bin/python}
OFFICE=${OFFICE:-2} ROUNDS=${ROUNDS:-12}
OWNER=${PG%/*}/$PROVINCE
vacuum() {
  for db in "$PROVINCE" "$SINGLE"; do psql "${PG%/*}/$db" -qc "VACUUM tickets, events, daily_numbers"; done
}
volatility() {
  psql "$OWNER" -qc "ALTER FUNCTION motcua_policy_offices() $1; ALTER FUNCTION motcua_policy_office() $1"
}
trap 'volatility IMMUTABLE' EXIT
for i in $(seq "$PAIRS"); do
  for v in STABLE IMMUTABLE; do
    volatility "$v"
    vacuum
    echo "=== pair $i, lookups $v, $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    env -u PYTHONDONTWRITEBYTECODE PYTHONPATH=. "$PY" benchmarks/province_cpu.py --pg "$PG" \
      --province "$PROVINCE" --single "$SINGLE" --office "$OFFICE" --rounds "$ROUNDS"
  done
done
echo "=== end $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
