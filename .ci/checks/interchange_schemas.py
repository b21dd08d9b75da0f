"""Validates exports against the receiving formats' own schemas: CMIF files against the
TEI Correspondence SIG's cmi-customization.rng (RELAX NG), GEXF files against GEXF 1.3's
gexf.xsd (XML Schema). Usage: interchange_schemas.py SCHEMAS_DIR FILE_OR_DIR...
Exits 1 naming each invalid file with its first errors."""
import pathlib
import sys

from lxml import etree

schemas = pathlib.Path(sys.argv[1])
cmif = etree.RelaxNG(etree.parse(str(schemas / "cmi-customization.rng")))
gexf = etree.XMLSchema(etree.parse(str(schemas / "gexf.xsd")))
files = []
for arg in sys.argv[2:]:
    p = pathlib.Path(arg)
    files += sorted(p.rglob("*")) if p.is_dir() else [p]
checked = bad = 0
for f in files:
    if f.suffix == ".gexf":
        schema, name = gexf, "GEXF 1.3"
    elif f.name.startswith("cmif") and f.suffix == ".xml":
        schema, name = cmif, "CMIF"
    else:
        continue
    checked += 1
    if schema.validate(etree.parse(str(f))):
        print(f"{f}: valid {name}")
        continue
    bad += 1
    print(f"{f}: NOT valid {name}")
    for e in list(schema.error_log)[:10]:
        print(f"  line {e.line}: {e.message}")
if checked == 0:
    print("interchange_schemas: no CMIF or GEXF file given")
    sys.exit(1)
print(f"{checked - bad} passed, {bad} failed")
sys.exit(1 if bad else 0)
