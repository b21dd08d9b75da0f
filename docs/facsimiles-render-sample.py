#!/usr/bin/env python3
"""Renders the sample facsimile once: python3 docs/facsimiles-render-sample.py SOURCE.txt OUT.jpg (needs ImageMagick convert, DejaVu Sans Mono). Prints the boxes of the cable number, stamp and decipherer lines."""
import subprocess, textwrap, sys
src = open(sys.argv[1], encoding='utf-8').read()
body = src[src.index("SECOND MAIN DIRECTORATE"):]
body = body.replace(" $^{\\rm o}$", "º").replace(" $^{\\!0}$", "º").replace(" $\\,$", "")
W, H = 1700, 2200
margin, pt, lh, cols = 130, 23, 33, 102
lines = []
stamp = None
for para in body.split("\n"):
    if para.startswith("[Stamp:"):
        stamp = para.strip("[]").removeprefix("Stamp: ")
        lines.append(("STAMPBOX", None)); continue
    if para.strip() == "":
        lines.append(("", None)); continue
    for l in textwrap.wrap(para, cols):
        lines.append((l, None))
# collapse double blanks
out = []
for l in lines:
    if l[0] == "" and out and out[-1][0] == "":
        continue
    out.append(l)
args = ["convert", "-size", f"{W}x{H}", "xc:#f3eee2", "-font", "DejaVu-Sans-Mono", "-pointsize", str(pt), "-fill", "#262626"]
y = margin
boxes = {}
for text, _ in out:
    if text == "STAMPBOX":
        # a rectangular rubber stamp, in violet ink, four lines
        sl = textwrap.wrap(stamp, 44)
        bh = 26 * len(sl) + 24
        x0, y0 = W - margin - 700, y
        boxes["stamp"] = (x0, y0, 700, bh)
        args += ["-stroke", "#5b3d8a", "-strokewidth", "3", "-fill", "none", "-draw", f"rectangle {x0},{y0} {x0+700},{y0+bh}",
                 "-stroke", "none", "-fill", "#5b3d8a", "-pointsize", "20"]
        for i, s in enumerate(sl):
            args += ["-annotate", f"+{x0+18}+{y0+34+26*i}", s]
        args += ["-pointsize", str(pt), "-fill", "#262626"]
        y += bh + lh // 2
        continue
    if text:
        if text.startswith("Deciphered by"):
            boxes.setdefault("deciphered", (margin - 8, y - pt, W - 2 * margin + 16, 0))
        if "CABLE N" in text:
            boxes["cable_no"] = (margin - 8, y - pt, 14 * len(text) + 16, lh)
        args += ["-annotate", f"+{margin}+{y}", text]
        if "deciphered" in boxes and boxes["deciphered"][3] == 0:
            pass
    y += lh
if "deciphered" in boxes:
    x, y0, w, _ = boxes["deciphered"]
    boxes["deciphered"] = (x, y0, w, y - y0)
args += ["-colorspace", "Gray", "-depth", "8", "-quality", "70", sys.argv[2]]
subprocess.run(args, check=True)
print(boxes, "height used", y)
