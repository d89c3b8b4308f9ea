#!/bin/sh
# docs/benchmarks/cli5.md: what the command line says, for one checkout. Run it on two checkouts to compare:
#   benchmarks/cli5_lines.sh /path/to/checkout OUT_DIR [PYTHON]
# A scratch SQLite office (the example's services, open at any hour, printer.type = none) in OUT_DIR.
set -u
ROOT=$(cd "$1" && pwd); OUT=$2; PY=${3:-/work/main/.venv/bin/python}
mkdir -p "$OUT"; rm -f "$OUT/o.sqlite3"
grep -v '^hours =\|^weekdays =' "$ROOT/assets/office.example.toml" > "$OUT/office.toml"
m() { echo "\$ motcua $*"; (cd "$ROOT" && env -u MOTCUA_DB -u MOTCUA_CONFIG PYTHONPATH="$ROOT" QT_QPA_PLATFORM=offscreen \
      "$PY" -m common.cli.main --config "$OUT/office.toml" --db "sqlite:///$OUT/o.sqlite3" "$@" 2>&1); echo "[exit $?]"; }
m db upgrade
m setup load "$OUT/office.toml"
echo pw | m clerk add an --role supervisor
m issue TP --print
m call 5 --clerk tuan
m call 1 --clerk lan
m hold 1 --clerk lan
m resume 1 A001 --clerk lan
m no-show 1 --clerk lan
m status
m close-day
m office add xa-a
m province --format html --from 2026-11-01 --output "$OUT/p.html"
m announce-test --ticket A023 --counter 3 --wav "$OUT/a.wav"
m --help | sed -n '5,12p'
