#!/usr/bin/env bash
# Import fuzz (issue 8, "Keep it hard"; issue 25 added PAGE, ALTO, hOCR, PDF and IIIF):
# every importer on mutated real inputs, seeded with the shared corpora, FUZZ_SECONDS per
# importer (default 20: 10 importers, about 3.5 minutes).
# 0 panics, 0 hangs, 0 files changed outside the output folder, every import checks.
# Environment: SHARED (default ../shared), FUZZ_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
if [ ! -d "$shared/corpora" ]; then
    echo "import_fuzz: $shared/corpora is missing (set SHARED)" >&2
    exit 1
fi
MARGINALIA_SHARED="$(cd "$shared" && pwd)" FUZZ_SECONDS=${FUZZ_SECONDS:-20} \
    cargo test --quiet --test import_fuzz -- --ignored --nocapture
echo "import_fuzz: ok"
