#!/usr/bin/env bash
# The receiving formats' own schemas: exports the sample project, the Schnitzler letters and
# both FRUS volumes (imported from ../shared/corpora/tei) as CMIF and GEXF and validates them
# against ../shared/tools/schemas (cmi-customization.rng, RELAX NG; gexf.xsd, GEXF 1.3) with
# lxml. About 20 s after the test build.
# Environment: SHARED (default ../shared), PROJECT (default projects/korean-armistice-1951).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
project="${PROJECT:-projects/korean-armistice-1951}"
if [ ! -f "$shared/tools/schemas/cmi-customization.rng" ] || [ ! -f "$shared/tools/schemas/gexf.xsd" ]; then
    echo "interchange_schemas: $shared/tools/schemas is missing (set SHARED)" >&2
    exit 1
fi
python3 -c 'import lxml' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check lxml

# The binary `cargo test` built (same features as the tests, so nothing is rebuilt).
cargo test --no-run --quiet
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/marginalia"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bin" export "$project" --format cmif --out "$tmp/sample-cmif" >/dev/null 2>&1
"$bin" export "$project" --format gexf --out "$tmp/sample-gexf" >/dev/null 2>&1
"$bin" import --format tei "$shared/corpora/tei/letters" --out "$tmp/letters" >/dev/null 2>&1
for v in frus1894Nicaragua frus1936v03; do
    "$bin" import --format tei "$shared/corpora/tei/frus/$v.xml" --out "$tmp/$v" >/dev/null 2>&1
done
for p in letters frus1894Nicaragua frus1936v03; do
    "$bin" export "$tmp/$p" --format cmif --out "$tmp/$p-cmif" >/dev/null 2>&1
    "$bin" export "$tmp/$p" --format gexf --out "$tmp/$p-gexf" >/dev/null 2>&1
done
python3 .ci/checks/interchange_schemas.py "$shared/tools/schemas" "$tmp"/*-cmif "$tmp"/*-gexf
echo "interchange_schemas: ok"
