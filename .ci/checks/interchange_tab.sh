#!/usr/bin/env bash
# Interchange, tabular and brat formats: export the sample project as brat, CSV, JSONL and
# CoNLL; re-import the brat export and `marginalia check` it (same mention counts); read
# every CSV with Python's csv module, every JSONL line with json.loads, and the CoNLL file
# as IOB2.
set -euo pipefail
cd "$(dirname "$0")/../.."
project=projects/korean-armistice-1951
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# brat by re-import equal to the project: text, mentions, events, relations, attributes and
# notes come back, and everything that does not is listed in the export report.
cargo test --quiet --test brat_roundtrip sample_project_brat_reimport_equals_the_project

# The binary `cargo test` built (same features as the tests, so nothing is rebuilt).
cargo test --no-run --quiet
bin="${CARGO_TARGET_DIR:-target}/debug/marginalia"

for format in brat csv jsonl conll; do
    "$bin" export "$project" --format "$format" --out "$tmp/$format"
done
"$bin" import --format brat "$tmp/brat" --out "$tmp/reimported"
"$bin" check "$tmp/reimported"
"$bin" check --json "$project" > "$tmp/original.json"
"$bin" check --json "$tmp/reimported" > "$tmp/reimported.json"

python3 - "$tmp" <<'PY'
import csv, json, pathlib, sys

tmp = pathlib.Path(sys.argv[1])
original = json.loads((tmp / "original.json").read_text())["counts"]
reimported = json.loads((tmp / "reimported.json").read_text())["counts"]
# Region mentions without transcribed words (a stamp on the scan) have no text to hold in
# these formats; the export reports each. Count them per type from the annotation files.
import re
wordless = {}
for ann in pathlib.Path("projects/korean-armistice-1951").rglob("*.ann.ron"):
    for t in re.findall(r'type: "([^"]+)",\s*anchor: \(fragments: \[\]', ann.read_text(encoding="utf-8")):
        wordless[t] = wordless.get(t, 0) + 1
text_mentions = {t: n - wordless.get(t, 0) for t, n in original["mentions"].items()}
text_mentions = {t: n for t, n in text_mentions.items() if n}
assert text_mentions == reimported["mentions"], (text_mentions, reimported["mentions"], wordless)
assert reimported["documents"] == original["documents"]
n_mentions = sum(text_mentions.values())
print(f"mentions with text: {n_mentions}; region mentions without words: {wordless}")

headers = {
    "mentions.csv": ["document", "id", "type", "text", "start", "end", "fragments", "entry id",
                     "entry name", "date when", "date notBefore", "date notAfter", "cert",
                     "resp", "note"],
    "entities.csv": ["id", "type", "name", "aliases", "authority ids", "mention count"],
    "events.csv": ["event id", "type", "document", "trigger text", "role", "filler id",
                   "filler label", "filler entry"],
    "relations.csv": ["id", "type", "document", "Source", "Target", "source label",
                      "target label", "source annotation", "target annotation"],
}
for name, header in headers.items():
    with open(tmp / "csv" / name, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == header, (name, rows[0])
    for row in rows[1:]:
        assert len(row) == len(header), (name, row)
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", (name, "unguarded formula", cell)
    print(f"{name}: {len(rows) - 1} rows")
with open(tmp / "csv" / "mentions.csv", newline="", encoding="utf-8") as f:
    mentions = list(csv.DictReader(f))
# The mentions table lists region mentions too (empty text and offsets).
assert len(mentions) == sum(original["mentions"].values()), (len(mentions), original["mentions"])

lines = (tmp / "jsonl" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
assert len(lines) == original["documents"]
spans = 0
for line in lines:
    doc = json.loads(line)
    text = doc["text"]
    for s in doc["spans"]:
        if "fragments" not in s:
            assert text[s["start"]:s["end"]] == s["text"], s
        spans += 1
    for start, end, label in doc["label"]:
        assert 0 <= start < end <= len(text) and label, (start, end, label)
assert spans == sum(original["mentions"].values()), (spans, original["mentions"])
print(f"documents.jsonl: {len(lines)} documents, {spans} spans")

docs, tokens, prev = 0, 0, "O"
for line in (tmp / "conll" / "documents.conll").read_text(encoding="utf-8").split("\n"):
    if not line:
        prev = "O"
        continue
    cols = line.split(" ")
    assert len(cols) == 4, line
    if cols[0] == "-DOCSTART-":
        docs += 1
        continue
    tag = cols[3]
    assert tag == "O" or tag[:2] in ("B-", "I-"), line
    if tag.startswith("I-"):
        assert prev[2:] == tag[2:], ("I- without B-", line)
    prev = tag
    tokens += 1
assert docs == original["documents"]
print(f"documents.conll: {docs} documents, {tokens} tokens")
PY
echo "interchange_tab: brat, csv, jsonl and conll exports check out"
