#!/usr/bin/env bash
# The plots report renders in a real browser engine: headless chromium loads
# the page from disk (nothing from the network), its DOM keeps the SVG charts,
# and a screenshot of it is a real picture, not an empty page.
. "$(dirname "$0")/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
  skip "chromium is not installed (Debian package chromium); the report's rendering is not checked"
# One profile per run, so a user's chromium and this test never share state.
chrome() {
  timeout 120 "$CHROMIUM" --headless --disable-gpu --no-sandbox --no-first-run --user-data-dir="$T/profile" "$@"
}

new_repo "$T/r"
mkdir -p plots
awk 'BEGIN { print "step,loss,accuracy"; for (i = 1; i <= 40; i++) printf "%d,%.4f,%.4f\n", i, 2 / (i + 1), 1 - 1 / (i + 1) }' \
  > plots/loss.csv
m 0 plots show plots/loss.csv -o report.html
check "the report was written" test -s report.html

run 0 chrome --dump-dom "file://$PWD/report.html"
has_out "<svg"
has_out '<path class="series"'
has_out "plots/loss.csv"
check "the rendered page has one chart per column" test "$(grep -c '<svg' "$OUT")" -eq 2

run 0 chrome --hide-scrollbars --window-size=900,900 --screenshot="$T/shot.png" "file://$PWD/report.html"
check "the screenshot is a PNG" bash -c "head -c 8 '$T/shot.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
size=$(stat -c %s "$T/shot.png" 2>/dev/null || echo 0)
# A blank 900x900 page compresses to a few KiB; charts with text and lines do not.
check "the screenshot has content ($size bytes)" test "$size" -gt 20000

finish
