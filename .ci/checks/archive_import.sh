#!/usr/bin/env bash
# Archive import on real HTR output (issue 25): the two Kant pages of the shared corpus
# (OCR-D ground truth: PAGE 2019, ALTO v2, TIFF scans, METS) imported both ways give the same
# 55 line regions and the same text (tests/archive_import.rs, the ignored test).
# Cost: about 15 s after `cargo test` has built the test.
# Environment: SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
if [ ! -d "$shared/corpora/htr" ]; then
    echo "archive_import: $shared/corpora/htr is missing (set SHARED)" >&2
    exit 1
fi
MARGINALIA_SHARED="$(cd "$shared" && pwd)" \
    cargo test --quiet --test archive_import -- --ignored --nocapture
echo "archive_import: ok"
