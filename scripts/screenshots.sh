#!/usr/bin/env bash
# Regenerates the pictures in docs/screenshots/ from the current code:
# starts `relais demo` on a temporary database and a free port, signs in with
# the caseworker sign-in it prints, and photographs sign-in, my work, a
# person, a case, the directory, the referral inbox, an association's events and a
# past session (volunteer), in French and Arabic, at desktop
# (1280×900) and phone (390×844) widths, with headless Chromium.
#   scripts/screenshots.sh                    # writes docs/screenshots/*.png
#   RELAIS_SCREENSHOTS_DIR=/tmp/shots scripts/screenshots.sh
# Needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromedriver >/dev/null 2>&1 && [ -z "${RELAIS_CHROMEDRIVER:-}" ]; then
  echo "screenshots: chromedriver not found; install Debian's chromium and chromium-driver" >&2
  exit 1
fi
export RELAIS_SCREENSHOTS_DIR="${RELAIS_SCREENSHOTS_DIR:-$PWD/docs/screenshots}"
mkdir -p "$RELAIS_SCREENSHOTS_DIR"
cargo test --test browser -- --ignored --exact screenshots --nocapture

too_big=0
for png in "$RELAIS_SCREENSHOTS_DIR"/*.png; do
  size=$(stat -c %s "$png")
  if [ "$size" -gt 307200 ]; then
    echo "screenshots: $png is $((size / 1024)) KB (over 300 KB)" >&2
    too_big=1
  fi
done
echo "screenshots: $(ls "$RELAIS_SCREENSHOTS_DIR"/*.png | wc -l) pictures in $RELAIS_SCREENSHOTS_DIR"
exit "$too_big"
