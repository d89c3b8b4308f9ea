#!/bin/sh
# docs/benchmarks/polish6.md: every app's main screens at 1366x768 and 1280x800, for one checkout. Run it on two
# checkouts to compare (git archive main | tar -x -C /tmp/base gives the one before):
#   benchmarks/polish6_shots.sh /path/to/checkout OUT_DIR [PYTHON]
# The display is drawn twice: with the example office and with a long branch name (item 2 of the page).
set -u
ROOT=$(cd "$1" && pwd); OUT=$(mkdir -p "$2" && cd "$2" && pwd); PY=${3:-/work/main/.venv/bin/python}
sed 's/^name = "Trung tâm Phục vụ hành chính công tỉnh Bình An"/name = "Trung tâm Phục vụ hành chính công tỉnh Đồng Nai – Chi nhánh Biên Hòa"/' \
    "$ROOT/assets/office.example.toml" > "$OUT/long-name.toml"
m() { (cd "$ROOT" && env -u MOTCUA_DB -u MOTCUA_CONFIG PYTHONPATH="$ROOT" QT_QPA_PLATFORM=offscreen \
      "$PY" -m common.cli.main "$@" 2>&1 | grep -v propagateSizeHints); }
for size in 1366x768 1280x800; do
  for screen in home confirm failed checkin booked nocounter; do
    m kiosk --screenshot "$OUT/kiosk-$screen-$size.png" --size "$size" --screen "$screen"
  done
  m counter --screenshot "$OUT/counter-$size.png" --size "$size"
  m rating --screenshot "$OUT/rating-$size.png" --size "$size"
  m display --screenshot "$OUT/display-$size.png" --size "$size"
  m --config "$OUT/long-name.toml" display --screenshot "$OUT/display-long-name-$size.png" --size "$size"
  for tab in live history charts accuracy satisfaction bookings signins staffing; do  # staffing: a minute of CPU each
    m dashboard --screenshot "$OUT/dashboard-$tab-$size.png" --size "$size" --tab "$tab"
  done
done
