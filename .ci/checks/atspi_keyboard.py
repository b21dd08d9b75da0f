#!/usr/bin/env python3
"""Drives Marginalia by keyboard alone and checks, over AT-SPI, where focus goes (issue 24).

Run by .ci/checks/atspi.sh after atspi_tree.py, in the same session and window. Keys go to
the window through the X server (xdotool, XTEST); focus is read from the AT-SPI tree the
way a screen reader reads it (the node with the `focused` state). Checks:

- the annotator prompt at first launch has focus in its field, and OK leaves focus somewhere;
- Tab walks every focusable control of the main window (all counted), never stops on a
  resize handle, never leaves focus on nothing, and comes back to where it began;
- Shift+Tab walks the same cycle backwards;
- F6 lands in every region, the page images and the status bar included;
- the schema editor and the document metadata take focus when they open, keep Tab inside,
  and close on Esc with focus back in the main window.

Prints each step; exits 1 if a check fails.
"""
import subprocess
import sys
import time

import pyatspi

from atspi_tree import find_app, walk

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def key(*keys):
    subprocess.run(["xdotool", "key", "--clearmodifiers", *keys], check=False)


def type_text(text):
    subprocess.run(["xdotool", "type", "--delay", "20", text], check=False)


def states(node):
    try:
        return node.getState().getStates()
    except Exception:
        return []


REGIONS = ("Reader", "Page images", "Documents", "Inspector", "Registry", "Status bar")


def snapshot(app):
    """The tree as (node, role, name, states, key); see `key_of`."""
    nodes = []
    walk(app, 0, nodes)
    return [(node, role, name, st, key_of(node, role, name)) for _, node, role, name, st in nodes]


def around_of(node):
    """The names of the nodes around `node`, nearest first (its region, its window)."""
    around = []
    p = node
    for _ in range(40):
        try:
            p = p.parent
        except Exception:
            break
        if p is None:
            break
        try:
            around.append(p.name or "")
        except Exception:
            break
    return around


def key_of(node, role, name, around=None):
    """A control's identity across frames: role, name (a label's text changes: the status
    message) and the region it is in (two "Filter" fields)."""
    if around is None:
        around = around_of(node)
    region = next((a for a in around if a in REGIONS), "")
    return (role, "" if role == "label" else name, region)


# The focus as AT-SPI events report it (what a screen reader follows).
_focus = {"node": None}


def _on_focus(event):
    if event.detail1:
        _focus["node"] = event.source
    elif _focus["node"] is not None and event.source == _focus["node"]:
        _focus["node"] = None


# What the window announced (AT-SPI `object:announcement`, AccessKit's live regions).
_said = []


def _on_announcement(event):
    try:
        _said.append(str(event.any_data))
    except Exception:
        pass


# What Orca 43 (Debian 12) presents of them: it has no handler for `object:announcement`;
# it speaks a description change of the locus of focus (`onDescriptionChanged`), where
# app::a11y::herald says each message too. Recorded the way that Orca filters them.
_heard = []


def _on_description(event):
    try:
        text = str(event.any_data or "")
        if text and _focus["node"] is not None and event.source == _focus["node"]:
            _heard.append(text)
    except Exception:
        pass


def pump(seconds):
    from gi.repository import GLib
    ctx = GLib.MainContext.default()
    end = time.time() + seconds
    while time.time() < end:
        while ctx.iteration(False):
            pass
        time.sleep(0.02)


def focused_slow(app):
    for node, role, name, st, k in snapshot(app):
        if pyatspi.STATE_FOCUSED in st and role not in ("frame", "application"):
            return node
    return None


def describe(node):
    """(key, around) of a focused node; (None, []) for nothing or the window itself."""
    if node is None:
        return None, []
    try:
        role, name = node.getRoleName(), node.name or ""
        if role in ("frame", "application") or pyatspi.STATE_FOCUSED not in states(node):
            return None, []
    except Exception:
        return None, []
    around = around_of(node)
    return key_of(node, role, name, around), around


def focused(app):
    """The focused control's key and the names around it; (None, []) when nothing but the
    window itself has focus."""
    pump(0.05)
    return describe(_focus["node"] or focused_slow(app))


def settle(app, before, timeout=2.0):
    """Waits for focus to move from `before` (or the timeout) and returns the new focus."""
    deadline = time.time() + timeout
    f, around = focused(app)
    while f == before and time.time() < deadline:
        pump(0.05)
        f, around = describe(_focus["node"])
    # A little more: egui may pass focus on over two frames (a resize handle), and the
    # events of a loaded machine come late; nothing focused must last to count.
    pump(0.2)
    f, around = describe(_focus["node"])
    deadline = time.time() + 1.5
    while (f is None or f[0] in ("separator", "split pane")) and time.time() < deadline:
        pump(0.1)
        f, around = describe(_focus["node"])
    return f, around


def text_of_node(node):
    try:
        t = node.queryText()
        return t.getText(0, t.characterCount)
    except Exception:
        try:
            return node.name
        except Exception:
            return None


def label(k):
    return "nothing" if k is None else f"{k[0]} {k[1]!r} in {k[2] or 'window'}"


def walk_tab(app, n, back=False):
    seq = []
    f, _ = focused(app)
    for _ in range(n):
        key("shift+Tab" if back else "Tab")
        f, _ = settle(app, f)
        seq.append(f)
    return seq


def cycle_of(seq):
    """The part of `seq` before its first element comes round again (None: never)."""
    if not seq:
        return None
    for i in range(1, len(seq)):
        if seq[i] == seq[0]:
            return seq[:i]
    return None


def main():
    pyatspi.Registry.registerEventListener(_on_focus, "object:state-changed:focused")
    pyatspi.Registry.registerEventListener(_on_announcement, "object:announcement")
    pyatspi.Registry.registerEventListener(
        _on_description, "object:property-change:accessible-description")
    app = find_app()
    if app is None:
        print("atspi: no application named marginalia on the accessibility bus", file=sys.stderr)
        return 1
    # Keys go to the window under the X server's focus.
    subprocess.run(["xdotool", "search", "--sync", "--name", "Marginalia", "windowfocus"],
                   check=False, timeout=20)
    time.sleep(0.5)

    # The annotator prompt of a first launch: its field has focus; OK leaves focus somewhere.
    f, around = focused(app)
    if f is not None and f[1] == "Annotator name":
        check(True, "the annotator prompt opens with focus in its name field")
        type_text("Tester")
        key("Return")
        f, around = settle(app, f)
        check(f is not None and f[1] != "Annotator name",
              f"OK in the annotator prompt leaves focus on a control ({label(f)})")
    else:
        check(False, f"the annotator prompt opens with focus in its name field ({label(f)})")

    tree = snapshot(app)

    def desc(node):
        try:
            return node.description or ""
        except Exception:
            return ""

    # What AccessKit's Unix adapter drops, said in the description (docs/accessibility.md).
    combos = [(name, desc(n)) for n, role, name, _, _ in tree if role == "combo box"]
    check(combos and all(d for _, d in combos),
          f"every drop-down says its value ({combos})")
    unavailable = [(role, name) for n, role, name, _, _ in tree if "unavailable" in desc(n)]
    check(bool(unavailable), f"disabled controls say they are unavailable ({unavailable[:4]})")
    disclosures = [(name, desc(n)) for n, role, name, _, _ in tree
                   if name.startswith("Regions on this page")]
    check(disclosures and all(("expanded" in d or "collapsed" in d) for _, d in disclosures),
          f"a collapsible section says expanded or collapsed ({disclosures})")

    expected = {k for n, role, _, st, k in tree
                if pyatspi.STATE_FOCUSABLE in st and "unavailable" not in desc(n)
                and role not in ("frame", "application", "separator", "split pane")
                # Annotations are reached inside the reader (] and [, a screen reader's
                # browse mode), not by Tab.
                and role not in ("mark", "static")}
    print(f"atspi: {len(expected)} focusable controls in the main window", flush=True)
    n = len(expected) + 8

    t0 = time.time()
    fwd = walk_tab(app, n)
    for i, f in enumerate(fwd):
        print(f"  Tab {i + 1}: {label(f)}")
    print(f"atspi: Tab walk took {time.time() - t0:.1f} s", flush=True)
    check(all(f is not None for f in fwd),
          f"Tab never leaves focus on nothing ({sum(f is None for f in fwd)} of {len(fwd)} steps)")
    check(not any(f and f[0] in ("separator", "split pane") for f in fwd),
          "Tab never stops on a resize handle")
    missed = expected - set(fwd)
    check(not missed, f"Tab reaches every control ({len(expected) - len(missed)} of "
          f"{len(expected)}; missed: {sorted(label(k) for k in missed)[:12]})")
    cyc = cycle_of(fwd)
    check(cyc is not None, f"Tab comes round to where it began ({len(cyc or [])} stops)")

    back = walk_tab(app, n, back=True)
    for i, f in enumerate(back):
        print(f"  Shift+Tab {i + 1}: {label(f)}")
    check(all(f is not None for f in back), "Shift+Tab never leaves focus on nothing")
    bcyc = cycle_of(back)
    if cyc and bcyc:
        # Walking back, each stop is the one before it in the forward cycle.
        pos = {k: i for i, k in enumerate(cyc)}
        wrong = [(a, b) for a, b in zip(back, back[1:])
                 if a in pos and b in pos and pos[b] != (pos[a] - 1) % len(cyc)]
        check(not wrong and set(bcyc) == set(cyc),
              f"Shift+Tab walks the Tab cycle backwards ({len(bcyc)} stops; "
              f"out of order: {[(label(a), label(b)) for a, b in wrong[:4]]})")
    else:
        check(False, "Shift+Tab comes round to where it began")

    # F6: every region in turn.
    regions = []
    f, _ = focused(app)
    for _ in range(8):
        key("F6")
        f, around = settle(app, f)
        regions.append(f[2] if f and f[2] else label(f))
    print(f"atspi: F6 visits {regions}", flush=True)
    for r in REGIONS:
        check(r in regions, f"F6 lands in {r!r}")

    # A menu's items name their shortcuts.
    project = [n for n, role, name, _, _ in snapshot(app) if role == "push button" and name == "Project"]
    if project:
        del _said[:]
        try:
            project[0].queryAction().doAction(0)
        except Exception as e:
            print(f"atspi: could not click Project: {e}")
        pump(0.8)
        check(any(a.startswith("Project menu, ") for a in _said),
              f"opening a menu says so ({_said[-2:]})")
        items = [(name, desc(n)) for n, role, name, _, _ in snapshot(app) if role == "menu item"]
        print(f"atspi: Project menu: {items[:12]}", flush=True)
        save = [d for name, d in items if name == "Save"]
        check(save and "Ctrl+S" in save[0], f"the Save menu item says its shortcut ({save})")
        key("Escape")
        pump(0.5)
        f, _ = focused(app)
        check(f is not None, f"Esc in a menu leaves focus on a control ({label(f)})")
    else:
        check(False, "the Project menu button is in the tree")
    # The View menu's toggles are checkable items, checked when on.
    view = [n for n, role, name, _, _ in snapshot(app) if role == "push button" and name == "View"]
    if view:
        try:
            view[0].queryAction().doAction(0)
        except Exception as e:
            print(f"atspi: could not click View: {e}")
        pump(0.8)
        checks = [(name, pyatspi.STATE_CHECKED in st) for n, role, name, st, _ in snapshot(app)
                  if role == "check menu item"]
        print(f"atspi: View menu check items: {checks}", flush=True)
        check(("Show/hide documents", True) in checks,
              "View menu toggles are check menu items, checked when on")
        key("Escape")
        pump(0.5)

    # The schema editor and the metadata: focus inside, Tab kept in, Esc closes.
    for command, title in (("Schema editor", "Schema"), ("Document metadata", "Document metadata")):
        key("ctrl+shift+p")
        time.sleep(0.4)
        del _said[:]
        type_text(command)
        time.sleep(0.3)
        pump(0.5)
        check(any(a.startswith(command + "…, 1 of ") for a in _said),
              f"the palette says its highlighted row ({_said[-2:]})")
        key("Return")
        f, around = settle(app, None)
        time.sleep(0.3)
        f, around = focused(app)
        check(f is not None and title in around,
              f"{title!r} opens with focus inside it ({label(f)} in {around[:3]})")
        outside = []
        for _ in range(12):
            key("Tab")
            f, around = settle(app, f, timeout=1.0)
            if f is None or title not in around:
                outside.append(label(f))
        check(not outside, f"Tab stays inside {title!r} ({outside[:3]})")
        key("Escape")
        time.sleep(0.6)
        f, around = focused(app)
        still = any(name == title and role in ("window", "dialog", "frame", "panel")
                    for _, role, name, _, _ in snapshot(app))
        check(not still, f"Esc closes {title!r}")
        check(f is not None and title not in around,
              f"after Esc, focus is in the main window ({label(f)})")

    # An annotation's node is focusable, and its action selects the annotation (read out).
    tree = snapshot(app)
    marks = [(n, name, st) for n, role, name, st, _ in tree
             if role in ("mark", "static") and ("linked to" in name or "not linked" in name)]
    if marks:
        node, name, st = marks[min(2, len(marks) - 1)]
        check(pyatspi.STATE_FOCUSABLE in st, f"annotation node {name!r} is focusable")
        try:
            node.queryAction().doAction(0)
        except Exception as e:
            print(f"atspi: could not act on {name!r}: {e}")
        pump(1.0)
        # Its place in the text: the caret goes to its words (issue 24, item 7).
        docs = [n for n, role, name, _, _ in tree if role == "document frame"]
        if docs:
            t = docs[0].queryText()
            whole = t.getText(0, -1)
            word = name.split(": ", 1)[-1].split(",")[0].split()[0]
            deadline = time.time() + 3
            while not whole[t.caretOffset:].startswith(word) and time.time() < deadline:
                pump(0.1)
            at = t.caretOffset
            check(whole[at:].startswith(word) and
                  f"line {whole[:at].count(chr(10)) + 1}" == (node.description or ""),
                  f"... and puts the caret at its words, on the line it names "
                  f"({whole[at:at + 20]!r} at {at}; {node.description!r})")
        said = [text_of_node(n) for n, role, _, _, k in snapshot(app)
                if role == "label" and k[2] == "Status bar"]
        check(any(name in (t or "") for t in said),
              f"activating it selects it and the status bar says {name!r} ({said[:2]})")
    else:
        check(False, "annotation nodes are in the tree")

    # Enter in the Link field (issue 24, item 8): links (a new entry), says so, and
    # leaves focus on the reader, not on nothing.
    key("ctrl+l")
    f, around = settle(app, None)
    del _said[:]
    pump(0.5)
    del _heard[:]
    type_text("Zzyzx Nobody")
    pump(0.6)
    check(any("Enter creates" in a for a in _said),
          f"typing in the Link field says what Enter would do ({_said[-2:]})")
    check(any("Enter creates" in a for a in _heard),
          f"... also as the focused field's description, for Orca 43 ({_heard[-2:]})")
    del _said[:]
    del _heard[:]
    key("Return")
    f, around = settle(app, f)
    pump(0.5)
    f, around = focused(app)
    check(f is not None and f[0] == "document frame",
          f"Enter in the Link field leaves focus on the reader ({label(f)})")
    pump(0.5)
    done = [a for a in _said if a.startswith("Done: ")]
    check(len(done) == 1, f"... and the link is announced, once ({_said[-3:]})")
    done = [a for a in _heard if a.startswith("Done: ")]
    check(len(done) == 1,
          f"... and said once by the reader's description, for Orca 43 ({_heard[-3:]})")

    # Speech (issue 24, item 9): a message said twice is announced twice; reading with
    # the caret, entering a tagged word says what it is.
    key("Escape")
    pump(0.5)
    del _said[:]
    del _heard[:]
    key("Delete")
    pump(0.8)
    key("Delete")
    pump(1.0)
    twice = [a for a in _said if "nothing to delete" in a]
    check(len(twice) >= 2, f"a message said again is announced again ({_said[-4:]})")
    twice = [a for a in _heard if "nothing to delete" in a]
    check(len(twice) == 2,
          f"... and said twice by the focused reader's description ({_heard[-4:]})")
    names = [name for n, role, name, _, _ in snapshot(app)
             if role in ("mark", "static") and ("linked to" in name or "not linked" in name)]
    key("ctrl+End")
    pump(0.8)
    del _said[:]
    key("ctrl+Home")
    pump(1.0)
    check(any(a in names for a in _said),
          f"the caret entering a tagged word announces it ({_said[-3:]})")

    if failures:
        print(f"atspi: {len(failures)} keyboard check(s) failed", file=sys.stderr)
        return 1
    print("atspi: all keyboard checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
