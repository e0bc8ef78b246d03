#!/usr/bin/env bash
# Regenerates tools/report_buyer_types.png, the README's picture of
# `clvsim report`: scenarios/buyer_types.yaml run at full size (a few
# seconds), its report.html opened in headless Chromium, the top 2,500 px of
# the page at 1,200 px wide, reduced to 256 colours so the PNG stays small.
#
#   bash tools/report_screenshot.sh [BUILD_DIR]   # default: build
#
# Installs what is missing (tools/install_deps.sh) and builds clvsim in
# BUILD_DIR when it is not there yet.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$root" && mkdir -p "${1:-build}" && cd "${1:-build}" && pwd)"
out_png="$root/tools/report_buyer_types.png"

bash "$root/tools/install_deps.sh"
if [ ! -x "$build/clvsim" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCLVSIM_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" --target clvsim_cli
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/clvsim" run "$root/scenarios/buyer_types.yaml" --out "$work/out" --quiet
"$build/clvsim" report "$work/out" --quiet

# No network, no first-run UI; every host name unresolvable.
chromium --headless=new --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --no-default-browser-check \
  --disable-extensions --host-resolver-rules="MAP * ~NOTFOUND" \
  --user-data-dir="$work/profile" --hide-scrollbars \
  --window-size=1200,2500 --screenshot="$work/shot.png" "file://$work/out/report.html" \
  >/dev/null 2>&1

/usr/bin/python3 - "$work/shot.png" "$out_png" <<'PY'
import sys
from PIL import Image  # Debian python3-pil

image = Image.open(sys.argv[1]).convert("RGB")
image.quantize(colors=256, dither=Image.Dither.NONE).save(sys.argv[2], optimize=True)
PY
echo "wrote $out_png ($(du -k "$out_png" | cut -f1) KB)"
