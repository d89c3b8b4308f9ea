#!/usr/bin/env bash
# CI time: the whole pytest suite, one process against scripts/test's workers, back to back.
# Prints the load average before each run, the wall and CPU time (GNU time) and pytest's summary line;
# the 30 slowest tests of each run are in the log. docs/benchmarks/cispeed.md has the figures.
#   benchmarks/ci_time.sh [log]      (PostgreSQL from MOTCUA_TEST_PG_URL, default the local test server)
set -euo pipefail
cd "$(dirname "$0")/.."
log=${1:-/tmp/motcua-ci-time.log}
export QT_QPA_PLATFORM=offscreen MOTCUA_REQUIRE_PG=1
export MOTCUA_TEST_PG_URL="${MOTCUA_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}"
: > "$log"
for workers in 0 "${MOTCUA_TEST_WORKERS:-3}"; do
  echo "== -n $workers  $(date -u +%FT%TZ)  load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s" .venv/bin/python -m pytest -q -p no:cacheprovider \
    -n "$workers" --dist worksteal --durations=30 >> "$log" 2> >(tee -a "$log" >&2) || true
  tail -n 1 "$log"
  grep -E "passed|failed" "$log" | tail -n 1
done
