#!/bin/bash
# Renders every app's --screenshot at 1366x768 and 1280x800 (docs/benchmarks/readme5.md).
#   benchmarks/readme5_screenshots.sh [CHECKOUT] [OUTPUT_DIR]
# CHECKOUT has a .venv (scripts/bootstrap); the sample data lives in a temporary data directory.
cd "${1:-$(dirname "$0")/..}" || exit 2
M=.venv/bin/motcua
O=${2:-/tmp/readme5-shots}
mkdir -p "$O"
export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME
XDG_DATA_HOME=$(mktemp -d)
for s in 1366x768 1280x800; do
  for scr in home confirm failed checkin booked nocounter; do
    $M kiosk --screenshot "$O/kiosk-$scr-$s.png" --size $s --screen $scr || echo "FAIL kiosk $scr $s"
  done
  $M counter --screenshot "$O/counter-$s.png" --size $s || echo "FAIL counter $s"
  $M display --screenshot "$O/display-$s.png" --size $s || echo "FAIL display $s"
  $M rating --counter 1 --screenshot "$O/rating-$s.png" --size $s || echo "FAIL rating $s"
  $M dashboard --screenshot "$O/dashboard-$s.png" --size $s --tab all || echo "FAIL dashboard $s"
done
echo DONE
