#!/usr/bin/env bash
# How src/opedarchive/export/static/fonts/NotoSansKhmer-subset.woff2 was made (run once; the
# result is committed). Noto Sans Khmer is under the SIL Open Font License 1.1 (OFL.txt beside it).
# Needs: Debian's fonts-noto-core (the source TTF) and fontTools with brotli (pip install fonttools brotli).
# Keep every layout feature: without them Khmer clusters are not shaped (coengs, vowel order).
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-/usr/share/fonts/truetype/noto/NotoSansKhmer-Regular.ttf}
out=src/opedarchive/export/static/fonts/NotoSansKhmer-subset.woff2
pyftsubset "$src" \
  --unicodes='U+0020-007E,U+00A0,U+1780-17FF,U+19E0-19FF,U+200B-200D,U+25CC' \
  --layout-features='*' --flavor=woff2 \
  --output-file="$out"
# The same subset as TrueType for `export --pdf` (Typst reads no WOFF2) and `--epub` (e-readers
# know TTF better). The committed TTF was decompressed from the WOFF2 above with fontTools
# (TTFont(woff2).flavor = None; save): the same glyphs and layout tables.
pyftsubset "$src" \
  --unicodes='U+0020-007E,U+00A0,U+1780-17FF,U+19E0-19FF,U+200B-200D,U+25CC' \
  --layout-features='*' \
  --output-file="${out%.woff2}.ttf"
ls -l "$out" "${out%.woff2}.ttf"
