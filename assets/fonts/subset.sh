#!/usr/bin/env bash
# Rebuilds NotoSansCJK-subset.otf from Debian's fonts-noto-cjk (needs `pip install fonttools`):
# general punctuation, arrows, shapes, CJK punctuation, kana, Hangul jamo, GB 2312 level-1 hanzi, JIS X 0208 level-1 kanji and
# KS X 1001 Hangul syllables, from the Simplified Chinese face (font number 2).
set -euo pipefail
cd "$(dirname "$0")"
python3 - > /tmp/cjk-unicodes.txt <<'PY'
chars = set()
for codec, rows in (("gb2312", range(0xB0, 0xD8)), ("euc_kr", range(0xB0, 0xC9)), ("euc_jp", range(0xB0, 0xD0))):
    for hi in rows:
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode(codec))
            except UnicodeDecodeError:
                pass
ranges = ["U+2000-206F", "U+2190-21FF", "U+2460-24FF", "U+25A0-25FF", "U+3000-30FF", "U+3130-318F", "U+FF00-FFEF", "U+31F0-31FF", "U+1100-11FF"]
print("\n".join(ranges + ["U+%04X" % ord(c) for c in sorted(chars) if len(c) == 1]))
PY
pyftsubset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc --font-number=2 \
    --unicodes-file=/tmp/cjk-unicodes.txt --output-file=NotoSansCJK-subset.otf \
    --layout-features='' --no-hinting --desubroutinize
