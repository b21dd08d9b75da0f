#!/usr/bin/env bash
# Interchange, shared corpora: the brat corpus round trips (tests/brat_roundtrip.rs, ignored
# by a plain `cargo test` because they need ../shared/corpora/brat).
# Environment: SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
if [ ! -d "$shared/corpora/brat" ]; then
    echo "interchange_corpora: $shared/corpora/brat is missing (set SHARED)" >&2
    exit 1
fi
MARGINALIA_SHARED="$(cd "$shared" && pwd)" cargo test --quiet --test brat_roundtrip -- --ignored
MARGINALIA_SHARED="$(cd "$shared" && pwd)" cargo test --quiet --test w3c_recogito -- --ignored
echo "interchange_corpora: ok"
