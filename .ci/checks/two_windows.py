#!/usr/bin/env python3
"""Two real windows on one project folder (issue 21): tag + Ctrl+S in both within 50 ms,
20 times; then both tags of every round must be on disk and on both screens.

Run by .ci/checks/two_windows.sh inside a D-Bus session with the AT-SPI bus, under Xvfb.
Arguments: the marginalia binary, the project folder, a work folder (homes and logs).
Windows are driven with real X input (xdotool: focus, clicks at the reader's rectangle as
AT-SPI reports it, keys); dialogs are answered through their AT-SPI buttons. What each
window shows is read back from its accessibility tree (the reader names every annotation
in view, "Place: …"; places, of which the sample has only two, so every tag is a new one). Exits 1 when a check fails.
"""
import json
import os
import subprocess
import sys
import time

import pyatspi

ROUNDS = 20
# The windows are tall, so enough words are in view for every round (a round is run
# again when its input did not take or it was slower than 50 ms).
HEIGHT = 2000


def log(*a):
    print("two_windows:", *a, flush=True)


def apps_by_pid():
    out = {}
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and app.name and "marginalia" in app.name.lower():
                out[app.get_process_id()] = app
        except Exception:
            continue
    return out


def wait_app(pid, timeout=90.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        app = apps_by_pid().get(pid)
        if app is not None:
            return app
        time.sleep(0.3)
    raise SystemExit(f"two_windows: window of process {pid} not on the accessibility bus")


def walk(node, out, depth=0):
    if node is None or len(out) > 6000:
        return
    try:
        role = node.getRoleName()
        name = node.name or ""
    except Exception:
        return
    out.append((node, role, name))
    try:
        n = node.childCount
    except Exception:
        return
    for i in range(n):
        try:
            walk(node.getChildAtIndex(i), out, depth + 1)
        except Exception:
            continue


def nodes(app):
    out = []
    walk(app, out)
    return out


def find(app, role, name, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for node, r, n in nodes(app):
            if r == role and n == name:
                return node
        time.sleep(0.3)
    return None


def press(app, name, timeout=30.0):
    """Clicks the button named `name` through its AT-SPI action."""
    b = find(app, "push button", name, timeout)
    if b is None:
        return False
    action = b.queryAction()
    for i in range(action.nActions):
        action.doAction(i)
        return True
    return False


def marks(app):
    return sorted(n for _, r, n in nodes(app) if r in ("mark", "static") and n.startswith("Place: "))


def xdo(*args):
    subprocess.run(["xdotool", *args], check=True)


def window_of(pid, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = subprocess.run(["xdotool", "search", "--pid", str(pid)], capture_output=True, text=True)
        ids = [w for w in r.stdout.split() if w.strip()]
        if ids:
            return ids[-1]
        time.sleep(0.3)
    raise SystemExit(f"two_windows: no X window for process {pid}")


def reader_point(app):
    """A point inside the reader's text, in window coordinates: its top-left corner."""
    doc = find(app, "document frame", "Document text")
    if doc is None:
        raise SystemExit("two_windows: no reader ('Document text') in the window")
    e = doc.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return e.x + 6, e.y + 8


def free_words(app):
    """Words of the reader in view that no annotation covers, as (offset, x0, x1, y): the
    code-point offset in the text and window coordinates (from the reader's AT-SPI text:
    character extents), top to bottom."""
    import re
    doc = find(app, "document frame", "Document text")
    t = doc.queryText()
    text = t.getText(0, t.characterCount)
    marks = []
    for node, role, name in nodes(doc):
        if role in ("mark", "static") and ": " in name:
            try:
                e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
                marks.append((e.x, e.y, e.x + e.width, e.y + e.height))
            except Exception:
                pass
    out = []
    # Whole words: the reader snaps a selection to words, so a piece would tag the word.
    for m in re.finditer(r"[A-Za-z0-9]{3,}", text):
        a = t.getCharacterExtents(m.start(), pyatspi.WINDOW_COORDS)
        b = t.getCharacterExtents(m.end() - 1, pyatspi.WINDOW_COORDS)
        x0, y, x1 = a[0], a[1] + a[3] // 2, b[0] + b[2]
        if a[1] != b[1] or not (60 < y < HEIGHT - 60) or x1 <= x0:
            continue
        if any(mx0 <= x1 and x0 <= mx1 and my0 <= y <= my1 for mx0, my0, mx1, my1 in marks):
            continue
        out.append((m.start(), x0, x1, y))
    return out


def status(app):
    """The window's status line (what its last action did)."""
    for _, r, n in nodes(app):
        if r in ("label", "status bar", "static") and any(
                w in n for w in ("Saved", "Merged", "Tag as", "Cannot", "conflict", "failed")):
            return n
    return ""


def selection(app):
    """The reader's text selection (start, end) as AT-SPI reports it; None where it does
    not (then the drag is not checked)."""
    try:
        t = find(app, "document frame", "Document text").queryText()
        if t.getNSelections() < 1:
            return (-1, -1)
        return tuple(t.getSelection(0))
    except Exception:
        return None


def count_on_disk(binary, project):
    r = subprocess.run([binary, "check", "--json", project], capture_output=True, text=True)
    report = json.loads(r.stdout)
    return report["counts"]["mentions"].get("place", 0), report["ok"]


def main():
    binary, project, work = sys.argv[1], sys.argv[2], sys.argv[3]
    env = dict(os.environ)
    procs = []
    names = ["Alice", "Bob"]
    for k, who in enumerate(names):
        home = os.path.join(work, "home-" + who)
        os.makedirs(home, exist_ok=True)
        e = dict(env, HOME=home, USER=who, XDG_CONFIG_HOME=home + "/.config",
                 XDG_DATA_HOME=home + "/.local/share")
        logf = open(os.path.join(work, who + ".log"), "w")
        p = subprocess.Popen([binary, project, "--window-size", f"1200x{HEIGHT}"], env=e,
                             stdout=logf, stderr=subprocess.STDOUT)
        procs.append(p)
        app = wait_app(p.pid)
        if k == 1:
            # The second window is told Alice has the project open: continue, as a writer.
            if not press(app, "Continue"):
                raise SystemExit("two_windows: no 'Continue' in the project-in-use dialog")
        if not press(app, "OK"):
            raise SystemExit(f"two_windows: no 'OK' in {who}'s annotator-name prompt")
    apps = [wait_app(p.pid) for p in procs]
    wins = [window_of(p.pid) for p in procs]
    # Side by side, so a click lands in the window meant.
    xdo("windowmove", wins[0], "0", "0")
    xdo("windowmove", wins[1], "1240", "0")
    time.sleep(1.0)
    before_disk, _ = count_on_disk(binary, project)
    before_screens = [len(marks(a)) for a in apps]
    log(f"before: {before_disk} annotations on disk, {before_screens} place marks in view")
    gaps = []
    per_round = []
    # Words tagged by this trial (by offset in the text, the same in both windows).
    used = set()
    # Tags the windows made; rounds with both tags made and saved within 50 ms.
    made = 0
    good = 0
    i = -1
    attempts = 0
    while good < ROUNDS and attempts < 3 * ROUNDS:
        attempts += 1
        i += 1
        # Each window selects its own word (one no annotation covers yet), by dragging the
        # mouse over it: slot 2i for Alice, 2i+1 for Bob.
        # Positions are read from each window's own tree each round (a panel opening after a
        # tag re-wraps the text); Alice takes the first free word, Bob the last.
        for k, (app, win) in enumerate(zip(apps, wins)):
            free = [w for w in free_words(app) if w[0] not in used]
            if len(free) < 2:
                break
            offset, x0, x1, y = free[0] if k == 0 else free[-1]
            used.add(offset)
            xdo("windowfocus", "--sync", win)
            xdo("mousemove", "--window", win, str(x0 + 1), str(y), "mousedown", "1")
            time.sleep(0.3)
            for f in (0.2, 0.4, 0.6, 0.8, 1.0):
                xdo("mousemove", "--window", win, str(int(x0 + (x1 - x0) * f) - 1), str(y))
                time.sleep(0.08)
            xdo("mouseup", "1")
            time.sleep(0.5)
        # One xdotool run: focus Alice's window, tag, save; focus Bob's, tag, save. The gap is
        # measured between the two Ctrl+S by xdotool's own timing (one process, no fork).
        if len(free) < 2:
            log(f"no untagged word left in view after {i} rounds")
            break
        # Alice's window has the focus before the clock starts; the run (at a raised
        # priority where allowed, so other load on the machine does not stretch it) is an
        # upper bound of the time from Alice's Ctrl+S to Bob's.
        xdo("windowfocus", "--sync", wins[0])
        t0 = time.monotonic()
        subprocess.run(["nice", "-n", "-10", "xdotool",
                        "key", "--delay", "0", "l", "ctrl+s",
                        "windowfocus", "--sync", wins[1], "key", "--delay", "0", "l", "ctrl+s"],
                       check=True)
        gaps.append((time.monotonic() - t0) * 1000.0)
        time.sleep(0.8)
        now, _ = count_on_disk(binary, project)
        per_round.append(now)
        # A window whose status says its save had nothing to change made no tag this round
        # (the drag did not select: input, not data); its round is run again. Anything
        # else — a tag made but not on disk — counts against the trial below.
        said = [status(a) for a in apps]
        untaken = sum(1 for x in said if x.startswith("Saved (nothing changed)"))
        made += 2 - untaken
        if untaken == 0 and gaps[-1] < 50.0:
            good += 1
        elif untaken:
            log(f"round {i}: {untaken} tag(s) not made by the input ({said}); run again")
        if os.environ.get("TWO_WINDOWS_DEBUG"):
            for who, app in zip(names, apps):
                said = [n for _, r, n in nodes(app) if r in ("label", "status bar", "static")
                        and any(w in n for w in ("Saved", "Merged", "Tag", "Cannot", "conflict", "Nothing", "failed"))]
                log(f"round {i} {who}: {said[:4]}")
    # The live merge (folder watch) brings each window the other's tags.
    time.sleep(6.0)
    after_disk, ok = count_on_disk(binary, project)
    log("place mentions on disk after each round:", per_round)
    log("burst lengths (ms):", " ".join(f"{g:.0f}" for g in gaps))
    after_screens = [marks(a) for a in apps]
    failures = 0

    def check(cond, what):
        nonlocal failures
        print(("ok    " if cond else "FAIL  ") + what, flush=True)
        if not cond:
            failures += 1

    rounds = len(gaps)
    check(good >= ROUNDS,
          f"{good} rounds with a tag and Ctrl+S in both windows within 50 ms ({rounds} rounds run; a slower one, or one whose drag selected nothing, is run again)")
    check(after_disk - before_disk == made,
          f"every tag the windows made is on disk ({after_disk - before_disk} new of {made})")
    check(ok, "marginalia check passes on the project")
    for who, m, b in zip(names, after_screens, before_screens):
        check(len(m) - b == made,
              f"{who}'s window shows every tag ({len(m) - b} new place marks of {made})")
    check(after_screens[0] == after_screens[1], "both windows show the same annotations")
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
