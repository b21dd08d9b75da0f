#!/usr/bin/env bash
# Two real windows on one project folder (issue 21): under Xvfb, Alice's and Bob's windows
# (separate processes, separate homes) each tag a different word and press Ctrl+S, until 3
# rounds had both windows' saves start within 50 ms of each other (at most 12 rounds). The
# windows run with autosave off (MARGINALIA_AUTOSAVE_SECS=off), so both saves of a round
# really write, and trace their saves (MARGINALIA_TRACE_SAVES=1: start and end of each, from
# each process's own clock), which is how a race is counted. Every tag must be on disk and on
# both screens (read back from each window's accessibility tree), and `check` must pass; the
# script prints how many rounds raced and how many edits were lost. See two_windows.py.
# Needs xvfb-run, xdotool, the AT-SPI bus and pyatspi (installed here when missing).
# Cost: see the figure measured in docs/reliability.md ("Two real windows").
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
if command -v apt-get >/dev/null 2>&1 && { ! command -v xdotool >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import pyatspi' 2>/dev/null; }; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        xdotool at-spi2-core python3-pyatspi dbus xvfb xauth >/dev/null
fi
cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$target/debug/marginalia" "$work/marginalia"
cp -r projects/korean-armistice-1951 "$work/project"
timeout 900 dbus-run-session -- xvfb-run ${XVFB_RUN_ARGS:--a} -s "-screen 0 2500x2050x24" bash -c '
    set -uo pipefail
    /usr/libexec/at-spi-bus-launcher --launch-immediately &
    launcher=$!
    sleep 1
    for prop in IsEnabled ScreenReaderEnabled; do
        dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus \
            org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:$prop \
            variant:boolean:true >/dev/null
    done
    # pyatspi warns about accesskit signatures it does not know; those lines are noise.
    /usr/bin/python3 .ci/checks/two_windows.py "$1/marginalia" "$1/project" "$1" \
        2> >(grep -v -e "dbind-WARNING" -e "^$" >&2)
    status=$?
    kill "$launcher" 2>/dev/null; wait "$launcher" 2>/dev/null
    if [ "$status" -ne 0 ]; then
        for who in Alice Bob; do echo "two_windows: $who window log:" >&2; tail -20 "$1/$who.log" >&2; done
    fi
    exit "$status"
' two_windows "$work"
