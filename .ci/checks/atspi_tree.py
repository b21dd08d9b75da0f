#!/usr/bin/env python3
"""Dumps Marginalia's accessibility tree over AT-SPI and checks what issue 16 asks for.

Run by .ci/checks/atspi.sh inside a D-Bus session with the AT-SPI bus and the window up.
Prints the tree (role, name, states; text for text nodes), then one line per check; exits 1
if any check fails. Optional argument: a line of the document that must be readable.
"""
import sys
import time

import pyatspi

MAX_NODES = 4000


def find_app(timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is not None and app.name and "marginalia" in app.name.lower():
                return app
        time.sleep(0.5)
    return None


def text_of(node):
    try:
        t = node.queryText()
        return t.getText(0, t.characterCount)
    except NotImplementedError:
        return None
    except Exception:
        return None


def walk(node, depth, out):
    if node is None or len(out) >= MAX_NODES:
        return
    try:
        role = node.getRoleName()
        name = node.name or ""
        states = node.getState().getStates()
    except Exception:
        return
    out.append((depth, node, role, name, states))
    for i in range(node.childCount):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        walk(child, depth + 1, out)


def wait_for(cond, timeout=4.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if cond():
                return True
        except Exception:
            pass
        time.sleep(0.1)
    return False


def attribute_run(t, offset):
    """(attributes as a dict, start, end) of the text attribute run at `offset`."""
    r = t.getAttributeRun(offset, False)
    attrs, start, end = r[0], r[1], r[2]
    if isinstance(attrs, str):
        attrs = [a for a in attrs.split(";") if a.strip()]
    if isinstance(attrs, dict):
        return attrs, start, end
    out = {}
    for a in attrs:
        k, _, v = a.partition(":")
        out[k.strip()] = v.strip()
    return out, start, end


def marks_of(doc):
    out = []
    for i in range(doc.childCount):
        n = doc.getChildAtIndex(i)
        if n is not None and n.getRoleName() in ("static", "mark"):
            out.append(n)
    return out


def check_document_text(doc, sources, check):
    """Issue 24, items 6 and 7: the reader's text is the whole document with document
    offsets, stable as the view scrolls; set_caret_offset anywhere moves the caret and the
    view; tagged words are underlined runs; annotation nodes in reading order, each with its
    line, and activating one puts the caret at its place in the text."""
    import glob
    import os
    t = doc.queryText()
    whole = t.getText(0, -1)
    texts = {}
    for f in sorted(glob.glob(os.path.join(sources, "*.txt"))):
        with open(f, encoding="utf-8") as fh:
            texts[f] = fh.read().replace("\r\n", "\n").replace("\r", "\n")
    same = [f for f, x in texts.items() if x == whole]
    check(bool(same), f"the reader's text is a whole document ({t.characterCount} characters; "
          f"documents: {sorted(len(x) for x in texts.values())[:8]})")
    n = t.characterCount
    lines = [l for l in whole.split("\n") if l.strip()]
    probe = lines[min(3, len(lines) - 1)] if lines else ""
    at = whole.find(probe)
    # Far down: the view scrolls; the text and its offsets stay the same.
    target = max(0, n - 2)
    t.setCaretOffset(target)
    moved = wait_for(lambda: t.caretOffset == target)
    check(moved, f"set_caret_offset far below the view moves the caret ({t.caretOffset}, asked {target})")
    time.sleep(0.8)
    after = t.getText(0, -1)
    check(after == whole and after.find(probe) == at,
          f"after scrolling, the text and its offsets are the same ({probe[:30]!r} at {at} "
          f"then {after.find(probe)}; {len(after)} characters)")
    # Back to the top, where the sample's first annotations are.
    t.setCaretOffset(0)
    wait_for(lambda: t.caretOffset == 0)
    time.sleep(0.8)
    # Tagged words: underlined runs, each inside an annotation's words.
    underlined = []
    off = 0
    while off < n and len(underlined) < 200:
        try:
            attrs, s, e = attribute_run(t, off)
        except Exception as ex:
            print(f"atspi: getAttributeRun({off}) failed: {ex}")
            break
        if attrs.get("underline") == "single":
            underlined.append((s, e, t.getText(s, e)))
        off = max(e, off + 1)
    marks = marks_of(doc)
    names = [m.name or "" for m in marks]
    print(f"atspi: {len(underlined)} underlined runs, first {underlined[:4]}; "
          f"{len(marks)} annotation nodes", flush=True)
    check(bool(underlined), "tagged words are underlined text runs (AT-SPI text attributes)")
    flat = " ".join(names)
    def in_view(s):
        try:
            e = t.getCharacterExtents(s, pyatspi.DESKTOP_COORDS)
            return e[2] > 0 and e[3] > 0
        except Exception:
            return False
    # Marks are made for annotations in view: compare the runs in view.
    seen = [w for s, _, w in underlined if in_view(s)]
    print(f"atspi: underlined runs in view: {seen[:12]}", flush=True)
    check(not any(w.endswith("\n") for _, _, w in underlined),
          "no underlined run holds a line's newline")
    stray = [w for w in seen if w.strip() and w.strip() not in flat]
    check(bool(underlined) and not stray,
          f"every underlined run is part of an annotation's words ({stray[:4]})")
    described = []
    for m in marks:
        d = m.description or ""
        described.append(int(d[5:]) if d.startswith("line ") and d[5:].isdigit() else None)
    check(marks and all(d is not None for d in described),
          f"each annotation node says its line ({[m.description for m in marks[:3]]})")
    ok = [d for d in described if d is not None]
    check(ok == sorted(ok), f"annotation nodes come in reading order (lines {ok[:12]})")


def main():
    line = sys.argv[1] if len(sys.argv) > 1 else None
    sources = sys.argv[2] if len(sys.argv) > 2 else None
    app = find_app()
    if app is None:
        print("atspi: no application named marginalia on the accessibility bus", file=sys.stderr)
        return 1
    # Give the window a few frames to publish its tree.
    nodes = []
    for _ in range(40):
        nodes = []
        walk(app, 0, nodes)
        if any(r == "document frame" for _, _, r, _, _ in nodes):
            break
        time.sleep(0.5)
    for depth, node, role, name, states in nodes:
        flags = [pyatspi.stateToString(s) for s in states
                 if s in (pyatspi.STATE_FOCUSABLE, pyatspi.STATE_FOCUSED,
                          pyatspi.STATE_EXPANDED, pyatspi.STATE_COLLAPSED)]
        if not any(s == pyatspi.STATE_ENABLED for s in states) and role in ("push button", "menu item"):
            flags.append("disabled")
        extra = ""
        if role in ("document frame", "paragraph", "label", "combo box", "heading"):
            t = text_of(node)
            if t:
                extra = " text=" + repr(t[:80])
        print("  " * depth + f"{role} {name!r}{' [' + ','.join(flags) + ']' if flags else ''}{extra}")

    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    by_role = lambda r: [(n, name) for _, n, role, name, _ in nodes if role == r]
    frames = by_role("frame") + by_role("window")
    check(any("Marginalia" in name for _, name in frames), "the window has an accessible name")
    docs = [n for n, name in by_role("document frame") if name == "Document text"]
    check(len(docs) == 1, "the reader is one document node")
    if docs:
        doc = docs[0]
        kids = doc.childCount
        check(kids > 0, f"the reader has children ({kids})")
        texts = [text_of(n) or "" for _, n, role, _, _ in nodes if role == "paragraph"]
        body = "\n".join(texts) + (text_of(doc) or "")
        check(len(body.strip()) > 0, "the reader exposes its text")
        if line:
            check(line.strip()[:40] in body, f"the reader's text holds {line.strip()[:40]!r}")
            # Issue 24: lines are not run together in the document's text.
            whole = text_of(doc) or ""
            check(line.strip() + "\n" in whole,
                  f"the reader's text ends the line with a newline "
                  f"({whole[:120]!r})")
        check(any(s == pyatspi.STATE_FOCUSABLE for s in doc.getState().getStates()),
              "the reader is focusable")
        if sources:
            check_document_text(doc, sources, check)
        # Issue 24: a screen reader can move the caret (Say All does).
        try:
            t = doc.queryText()
            target = 20 if t.caretOffset != 20 else 25
            t.setCaretOffset(target)
            deadline = time.time() + 3
            while t.caretOffset != target and time.time() < deadline:
                time.sleep(0.1)
            check(t.caretOffset == target,
                  f"set_caret_offset moves the reader's caret ({t.caretOffset}, asked {target})")
        except Exception as e:
            check(False, f"set_caret_offset moves the reader's caret ({e})")
    marks = [name for n, name in by_role("mark") + by_role("static")]
    check(any(": " in m and ("linked to" in m or "not linked" in m) for m in marks),
          f"annotations in view are named with type, text and link ({len(marks)} marks)")
    landmarks = {name for _, _, role, name, _ in nodes if role in ("landmark", "panel", "section")}
    for region in ("Reader", "Documents", "Inspector", "Registry"):
        check(region in landmarks, f"region {region!r} is named")
    headings = {name for n, name in by_role("heading")} | {
        text_of(n) for n, _ in by_role("heading")}
    for h in ("Documents", "Inspector", "Registry"):
        check(h in headings, f"{h!r} is a heading")
    # Issue 24: the level, which the adapter drops, is said in the description.
    levels = [(name, n.description) for n, name in by_role("heading")]
    check(levels and all((d or "").endswith(("level 1", "level 2")) for _, d in levels),
          f"headings say their level ({levels[:4]})")
    splitters = [n for _, n, role, _, states in nodes if role in ("split pane", "separator")
                 and any(s == pyatspi.STATE_FOCUSED for s in states)]
    check(not splitters, "no resize handle has focus")
    menus = [name for n, name in by_role("push button") + by_role("menu item")]
    check(not any("Ctrl+" in m for m in menus), "no control's name has a shortcut glued to it")
    if failures:
        print(f"atspi: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("atspi: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
