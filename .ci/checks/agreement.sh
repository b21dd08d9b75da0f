#!/usr/bin/env bash
# Agreement check (issue 26): builds the three-annotator project through real git clones and
# the merge driver (tests/agreement_git.rs, ignored test write_fixture), runs
# `marginalia agree --json --units-csv` on it, and asserts that Cohen's κ per pair, Fleiss'
# κ, Davies–Fleiss κ and Krippendorff's α (nominal) — overall, per type and per document —
# equal what nltk's AnnotationTask and the krippendorff package compute on the exported
# unit table, to 1e-9. Needs git and python3; pip-installs nltk and krippendorff.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install -q --disable-pip-version-check nltk krippendorff

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

AGREEMENT_FIXTURE_OUT="$tmp" cargo test --quiet --test agreement_git -- --ignored write_fixture
bin="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/marginalia"

"$bin" agree "$tmp/project" --json --units-csv "$tmp/units.csv" >"$tmp/report.json"
"$bin" agree "$tmp/project" >/dev/null

python3 - "$tmp/report.json" "$tmp/units.csv" <<'PY'
import csv, json, sys
from collections import defaultdict
from itertools import combinations
import numpy as np
import krippendorff
from nltk.metrics.agreement import AnnotationTask

report = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2], newline="")))
annotators = report["annotators"]
assert len(annotators) >= 3, annotators

# unit -> annotator -> label
units = defaultdict(dict)
for r in rows:
    units[(r["document"], int(r["offset"]))][r["annotator"]] = r["label"]
assert len(units) == report["units"], (len(units), report["units"])
checked = 0

def guard(f):
    """A reference value, or None where the reference divides by zero (ours is null then)."""
    try:
        v = f()
    except (ZeroDivisionError, ValueError):
        return None
    return None if v != v else v

def close(ours, theirs, what):
    global checked
    if theirs is None:
        assert ours is None, f"{what}: ours {ours!r}, reference undefined"
        checked += 1
        return
    assert ours is not None, f"{what}: ours is null, reference {theirs}"
    assert abs(ours - theirs) <= 1e-9, f"{what}: ours {ours!r}, reference {theirs!r}"
    checked += 1

def numbers(units, label_of, names, scope):
    """Checks the numbers of one scope (units: unit -> annotator -> label)."""
    complete = {u: ls for u, ls in units.items() if all(n in ls for n in names)}
    out = {}
    if complete:
        task = AnnotationTask([(n, u, label_of(ls[n])) for u, ls in complete.items() for n in names])
        out["fleiss_kappa"] = guard(task.pi)
        out["davies_fleiss_kappa"] = guard(task.multi_kappa)
        out["observed"] = task.avg_Ao()
    pairs = {}
    for a, b in combinations(names, 2):
        both = {u: ls for u, ls in units.items() if a in ls and b in ls}
        t = AnnotationTask([(n, u, label_of(ls[n])) for u, ls in both.items() for n in (a, b)])
        pairs[(a, b)] = guard(lambda: t.kappa_pairwise(a, b))
    # Krippendorff: nltk's alpha and the krippendorff package, missing values allowed.
    values = sorted({label_of(l) for ls in units.values() for l in ls.values()})
    code = {v: i for i, v in enumerate(values)}
    keys = sorted(units)
    data = np.array([[code[label_of(units[u][n])] if n in units[u] else np.nan for u in keys] for n in names], dtype=float)
    if len(values) < 2:
        # No disagreement is possible: α is undefined (nltk returns 1 by convention).
        out["krippendorff_alpha"] = None
        return out, pairs
    out["krippendorff_alpha"] = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    nltk_alpha = AnnotationTask([(n, u, label_of(ls[n])) for u, ls in units.items() for n in ls]).alpha()
    assert abs(nltk_alpha - out["krippendorff_alpha"]) <= 1e-9, (scope, nltk_alpha, out["krippendorff_alpha"])
    return out, pairs

# Overall.
ref, pairs = numbers(units, lambda l: l, annotators, "overall")
for key in ("fleiss_kappa", "davies_fleiss_kappa", "observed", "krippendorff_alpha"):
    close(report[key], ref[key], f"overall {key}")
for p in report["pairs"]:
    close(p["cohen_kappa"], pairs[(p["a"], p["b"])], f"Cohen's κ {p['a']}/{p['b']}")

# Per type: the label against everything else.
for t, tr in report["per_type"].items():
    ref, pairs = numbers(units, lambda l, t=t: l == t, annotators, t)
    for key in ("fleiss_kappa", "krippendorff_alpha"):
        close(tr[key], ref[key], f"{t} {key}")
    for p in tr["pairs"]:
        close(p["cohen_kappa"], pairs[(p["a"], p["b"])], f"{t} Cohen's κ {p['a']}/{p['b']}")

# Per document.
for d in report["per_document"]:
    doc_units = {u: ls for u, ls in units.items() if u[0] == d["id"]}
    ref, _ = numbers(doc_units, lambda l: l, d["annotators"], d["title"])
    for key in ("fleiss_kappa", "krippendorff_alpha"):
        close(d[key], ref[key], f"document {d['title']} {key}")

print(f"agreement: {checked} numbers equal nltk/krippendorff to 1e-9 "
      f"({len(units)} units, {len(annotators)} annotators, {len(report['per_type'])} types); "
      f"Fleiss κ {report['fleiss_kappa']:.4f}, α {report['krippendorff_alpha']:.4f}")
PY
echo "agreement: ok"
