#!/usr/bin/env bash
# TEI import on real editions (tests/tei_corpora.rs, ignored by a plain `cargo test` because
# they need ../shared/corpora/tei): two whole FRUS volumes and the Schnitzler letters, counting
# source notes, page breaks, footnotes, enclosures and correspondence kept; then the volumes'
# re-export is validated against tei_all. About a minute on 2 cores after the test build.
# Environment: SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
if [ ! -d "$shared/corpora/tei/frus" ] || [ ! -d "$shared/corpora/tei/letters" ]; then
    echo "tei_corpora: $shared/corpora/tei is missing (set SHARED)" >&2
    exit 1
fi
MARGINALIA_SHARED="$(cd "$shared" && pwd)" cargo test --quiet --test tei_corpora -- --ignored --nocapture

cargo build --quiet
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/marginalia"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for v in frus1894Nicaragua frus1936v03; do
    "$bin" import --format tei "$shared/corpora/tei/frus/$v.xml" --out "$tmp/$v" >/dev/null
    "$bin" check "$tmp/$v" | tail -n 1
    "$bin" export "$tmp/$v" --format tei --out "$tmp/$v-tei" >/dev/null
done
"$bin" import --format tei "$shared/corpora/tei/letters" --out "$tmp/letters" >/dev/null
"$bin" check "$tmp/letters" | tail -n 1
"$bin" export "$tmp/letters" --format tei --out "$tmp/letters-tei" >/dev/null
python3 "$shared/tools/tei_check.py" "$tmp/frus1894Nicaragua-tei" "$tmp/frus1936v03-tei" "$tmp/letters-tei"
echo "tei_corpora: ok"
