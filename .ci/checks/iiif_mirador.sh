#!/usr/bin/env bash
# IIIF export in the receiving tools (issue 25): imports the Kant pages of the shared HTR
# corpus (PAGE XML: 55 line regions on two scans), exports them as IIIF, validates the
# manifest, collection and annotation pages against the Presentation 3 models of
# `iiif-prezi3` (PyPI), and loads the manifest in Mirador (npm `mirador`, locked in
# .ci/checks/mirador/package-lock.json) in Debian's headless Chromium, asserting that each
# page's line annotations appear on its own canvas and not on the other.
# Installs chromium (apt), iiif-prezi3 (a venv) and the npm packages when missing.
# Cost: about 1 minute after the build (npm ci ~30 s the first time, Chromium ~20 s).
# Environment: SHARED (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
shared="${SHARED:-../shared}"
kant="$shared/corpora/htr/kant_aufklaerung_1784/data"
if [ ! -d "$kant" ]; then
    echo "iiif_mirador: $kant is missing (set SHARED)" >&2
    exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
    flock /tmp/apt.lock apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if ! command -v npm >/dev/null; then
    flock /tmp/apt.lock apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
venv="${IIIF_VENV:-/tmp/marginalia-iiif-venv}"
if ! "$venv/bin/python" -c "import iiif_prezi3" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q iiif-prezi3
fi
(cd .ci/checks/mirador && { [ -d node_modules/mirador ] || npm ci --no-audit --no-fund --silent; })

cargo build --quiet --bin marginalia
bin="$repo/target/debug/marginalia"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin" import --format page "$kant" --out "$work/kant" | tail -1
"$bin" export "$work/kant" --format iiif --out "$work/iiif" --base-url "http://127.0.0.1:$port/" 2>/dev/null
manifest="$(cd "$work/iiif" && ls -d */manifest.json | head -1)"

"$venv/bin/python" - "$work/iiif" <<'PY'
import json, pathlib, sys
from iiif_prezi3 import Manifest, AnnotationPage, Collection
root = pathlib.Path(sys.argv[1])
n = 0
for f in sorted(root.rglob("*.json")):
    data = json.loads(f.read_text())
    model = {"Manifest": Manifest, "AnnotationPage": AnnotationPage, "Collection": Collection}[data["type"]]
    model(**data)
    n += 1
print(f"iiif-prezi3: {n} files valid (manifest, collection, annotation pages)")
PY

shots="${SCREENSHOTS:-$work}"
expect='[{"canvas": 0, "text": "Was iſt Aufklaͤrung?", "absent": "Gebrauch zu machen. Nun hoͤre ich aber von al-"},
         {"canvas": 1, "text": "Gebrauch zu machen. Nun hoͤre ich aber von al-", "absent": "Was iſt Aufklaͤrung?"}]'
timeout 170 node .ci/checks/mirador/check.mjs "$port" "$work/iiif" "$manifest" "$shots" "$expect"
echo "iiif_mirador: ok"
