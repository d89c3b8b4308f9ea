#!/bin/bash
# The quiet-machine re-run behind docs/benchmarks.md's "Quiet-machine re-run" table: every headline benchmark,
# one after another, with the load average and the date printed before and after each. Run it on an otherwise idle
# machine, after scripts/bootstrap, e.g.  benchmarks/quiet_rerun.sh | tee run.log   (about 10 minutes, 15 with the province; the two
# kiosk runs build a 1 M-ticket history each). The PostgreSQL server comes from MOTCUA_BENCH_PG_URL.
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen
PG=${MOTCUA_BENCH_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
PY=.venv/bin/python
# Arguments name the runs to do (e.g. `quiet_rerun.sh lean floor province_cpu`); none: every run.
ONLY=" $* "
run() { local name=$1; shift; if [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $name "* ]]; then return; fi; echo "=== $name"; echo "+ $*"; echo "load: $(cat /proc/loadavg)  date: $(date -u +%FT%TZ)"; /usr/bin/time -f "wall %e s, user %U s, sys %S s" "$@" 2>&1; echo "load after: $(cat /proc/loadavg)"; }
run lean $PY benchmarks/lean_bench.py --backend both
run floor $PY benchmarks/floor_bench.py --backend both --n 200
run floor_parts $PY benchmarks/floor_parts.py --backend sqlite --n 400
run issue_reads $PY benchmarks/issue_reads.py
run sqlite8 $PY benchmarks/call_next_bench.py --backend sqlite --processes 1 8 --calls 100
run pg32_back $PY benchmarks/call_next_bench.py --backend postgres --processes 32 --calls 40
run pg32_pace $PY benchmarks/call_next_bench.py --backend postgres --processes 32 --calls 12 --think-ms 5000 --stagger
run display_sqlite $PY benchmarks/display_bench.py --calls 200 --gap 0.1
run display_pg $PY benchmarks/display_bench.py --calls 200 --gap 0.1 --pg $PG
run dash_shot bash -c "rm -f ${TMPDIR:-/tmp}/motcua-quiet-d.db; .venv/bin/motcua --db sqlite:///${TMPDIR:-/tmp}/motcua-quiet-d.db dashboard --screenshot ${TMPDIR:-/tmp}/motcua-quiet-dash.png"
run slip $PY benchmarks/slip_bench.py --slips 500
run print $PY benchmarks/print_bench.py --tickets 100
run sim_engine $PY benchmarks/sim_engine_bench.py --days 20
run kiosk_pg $PY benchmarks/kiosk_bench.py --history 10000 1000000 --backend postgres --pg-url $PG --taps 200
run kiosk_sqlite $PY benchmarks/kiosk_bench.py --history 10000 1000000 --backend sqlite --taps 200
run booking_sqlite $PY benchmarks/booking_bench.py
run booking_pg $PY benchmarks/booking_bench.py --pg $PG
run camera_checkin $PY benchmarks/camera_checkin_bench.py --bookings 40
run snapshot $PY benchmarks/snapshot_bench.py --backend both --n 200
# The province figures need the 200-office database that benchmarks/province_bench.py loads (about 25 min):
# name it and its single-office twin in MOTCUA_PROVINCE_DB / MOTCUA_SINGLE_DB to include them.
if [ -n "${MOTCUA_PROVINCE_DB:-}" ]; then
  run province env MOTCUA_BENCH_PG_URL=$PG $PY benchmarks/province_bench.py --offices 200 --reuse $MOTCUA_PROVINCE_DB --versus $MOTCUA_SINGLE_DB --contention 20
  run province_cpu $PY benchmarks/province_cpu.py --pg $PG --province $MOTCUA_PROVINCE_DB --single $MOTCUA_SINGLE_DB --rounds 12
fi
echo ALLDONE
