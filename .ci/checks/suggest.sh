#!/usr/bin/env bash
# Suggestions (issue 27): the external recommender protocol against the Python stand-in
# (as a command and over HTTP on 127.0.0.1), then the evaluation on the two FRUS volumes
# (precision/recall per type and recommender, printed; recorded in docs/suggestions.md).
# Cost: about 1 min after `cargo test` has built the tests (the evaluation runs in the debug
# build here; the figures in the docs come from the same code).
# Environment: SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v python3 >/dev/null || { echo "suggest: python3 is missing" >&2; exit 1; }
cargo test --quiet --test suggest_external -- --include-ignored
shared="${SHARED:-../shared}"
if [ ! -d "$shared/corpora/tei/frus" ]; then
    echo "suggest: $shared/corpora/tei/frus is missing (set SHARED)" >&2
    exit 1
fi
MARGINALIA_SHARED="$(cd "$shared" && pwd)" \
    cargo test --quiet --test suggest_eval -- --ignored --nocapture
echo "suggest: ok"
