#!/usr/bin/env bash
# The receiving tools themselves: exports the sample project (text, page image, regions) and
# a letter with characters outside the Basic Multilingual Plane (tests/fixtures/tei/
# non-bmp-letter.xml: emoji, flags, mathematical letters, CJK Extension B, combining marks)
# as w3c-recogito, then loads each .json into RecogitoJS's text annotator over its .txt and
# each .regions.json into Annotorious over its page image in headless Chromium (Debian's),
# and asserts that every highlight covers exactly its quote and every region is drawn at its
# selector's coordinates, and every relation is drawn as a connection. npm packages (RecogitoJS 1.8.4, Annotorious 2.7.14,
# playwright-core) are installed from .ci/checks/browser/package-lock.json; the page is served
# from 127.0.0.1. About 40 s after the test build (npm ci ~15 s, Chromium ~10 s).
set -euo pipefail
cd "$(dirname "$0")/../.."
project="${PROJECT:-projects/korean-armistice-1951}"

if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    flock /tmp/apt.lock apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    flock /tmp/apt.lock apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
chromium="${CHROMIUM:-$(command -v chromium)}"
(cd .ci/checks/browser && npm ci --no-audit --no-fund --ignore-scripts --silent)

# The binary `cargo test` built (same features as the tests, so nothing is rebuilt).
cargo test --no-run --quiet
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/marginalia"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bin" export "$project" --format w3c-recogito --out "$tmp/sample" >/dev/null 2>&1
"$bin" import --format tei tests/fixtures/tei/non-bmp-letter.xml --out "$tmp/letter" >/dev/null
"$bin" export "$tmp/letter" --format w3c-recogito --out "$tmp/letter-recogito" >/dev/null 2>&1
# One user-data dir per run (playwright makes a fresh one); nothing leaves 127.0.0.1.
CHROMIUM="$chromium" timeout 170 node .ci/checks/browser/check.mjs \
    "$tmp/sample=$(pwd)/$project" "$tmp/letter-recogito"
echo "recogito_browser: ok"
