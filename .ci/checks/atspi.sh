#!/usr/bin/env bash
# Accessibility regression check (issue 16): run the real window under Xvfb with the Linux
# accessibility stack (a D-Bus session, the AT-SPI bus, the screen-reader flag on), dump its
# tree with pyatspi and check the reader's text, annotation names, regions, headings and menu
# names (.ci/checks/atspi_tree.py), then drive it by keyboard (xdotool) and check where focus
# goes at the AT-SPI end (.ci/checks/atspi_keyboard.py, issue 24). See docs/accessibility.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
if command -v apt-get >/dev/null 2>&1 && { ! /usr/bin/python3 -c 'import pyatspi' 2>/dev/null \
        || ! command -v xdotool >/dev/null; }; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        at-spi2-core python3-pyatspi dbus xvfb xauth xdotool >/dev/null
fi
cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy of the binary (the target dir may be shared) and of the sample project (the window
# writes a presence lock beside it).
cp "$target/debug/marginalia" "$work/marginalia"
cp -r projects/korean-armistice-1951 "$work/project"
# A line of the first document, which the reader must expose as text.
line=$(find "$work/project/sources" -name '*.txt' | sort | head -1 | xargs -r grep -m1 -v '^[[:space:]]*$' || true)
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"
timeout 300 dbus-run-session -- xvfb-run ${ATSPI_XVFB:--a} -s "-screen 0 1400x900x24" bash -c '
    set -uo pipefail
    /usr/libexec/at-spi-bus-launcher --launch-immediately &
    launcher=$!
    sleep 1
    # The screen-reader flag AccessKit waits for before it publishes the tree.
    for prop in IsEnabled ScreenReaderEnabled; do
        dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus \
            org.freedesktop.DBus.Properties.Set string:org.a11y.Status string:$prop \
            variant:boolean:true >/dev/null
    done
    "$1/marginalia" "$1/project" >"$1/window.log" 2>&1 &
    app=$!
    /usr/bin/python3 .ci/checks/atspi_tree.py "$2" "$1/project/sources"
    status=$?
    # Then by keyboard alone, in the same window: Tab, Shift+Tab, F6, the floating windows.
    /usr/bin/python3 .ci/checks/atspi_keyboard.py || status=1
    kill "$app" 2>/dev/null; wait "$app" 2>/dev/null
    kill "$launcher" 2>/dev/null; wait "$launcher" 2>/dev/null
    if [ "$status" -ne 0 ]; then echo "atspi: window log:" >&2; tail -20 "$1/window.log" >&2; fi
    exit "$status"
' atspi "$work" "$line"
