#!/bin/bash
# Before/after of docs/benchmarks/prov6.md: province_cpu.py (and, with LEAN=1, lean_bench.py on PostgreSQL)
# for several variants in turn, PAIRS times over, so that every variant sees the same minutes' load.
#
#   benchmarks/prov6_ab.sh PAIRS LABEL:DIR:PROVINCE_DB:SINGLE_DB [LABEL:DIR:PROVINCE_DB:SINGLE_DB ...]
#
# DIR: a checkout of the code of that variant (e.g. the before: `git archive main | tar -x -C /tmp/base`).
# PROVINCE_DB / SINGLE_DB: databases kept by province_bench.py --keep and --single --keep (or copies of
# them, e.g. with a storage setting changed). Needs MOTCUA_BENCH_PG_URL; OFFICE (2) and ROUNDS (12).
set -u
PAIRS=$1
shift
PG=${MOTCUA_BENCH_PG_URL:?set MOTCUA_BENCH_PG_URL}
PY=${PYTHON:-.venv/bin/python}
OFFICE=${OFFICE:-2} ROUNDS=${ROUNDS:-12}
for i in $(seq "$PAIRS"); do
  for variant in "$@"; do
    IFS=: read -r label dir province single <<< "$variant"
    echo "=== pair $i, $label ($dir, $province vs $single), $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$dir" && env -u PYTHONDONTWRITEBYTECODE PYTHONPATH=. "$PY" benchmarks/province_cpu.py --pg "$PG" \
       --province "$province" --single "$single" --office "$OFFICE" --rounds "$ROUNDS")
    if [ "${LEAN:-0}" = 1 ]; then
      (cd "$dir" && env -u PYTHONDONTWRITEBYTECODE PYTHONPATH=. "$PY" benchmarks/lean_bench.py --backend postgres \
         --pg-url "$PG")
    fi
  done
done
echo "=== end $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
