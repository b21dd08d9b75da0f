#!/usr/bin/env bash
# GUI smoke test: start the binary (the debug build `cargo test` made) in a real window under
# Xvfb on the sample project, let it render its first frames into a PNG (--screenshot), and check the PNG is not blank.
# Needs xvfb-run, Mesa (GL) and ImageMagick's `identify` (installed by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
# The binary `cargo test` built (same features as the tests, so nothing is rebuilt).
cargo test --no-run --quiet
out="target/smoke.png"
mkdir -p target
rm -f "$out"
timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" \
    "$target/debug/marginalia" projects/korean-armistice-1951 --screenshot "$out"
if [ ! -s "$out" ]; then
    echo "gui_smoke: no screenshot written to $out" >&2
    exit 1
fi
size=$(identify -format '%w %h' "$out")
colors=$(identify -format '%k' "$out")
echo "gui_smoke: $out is $size with $colors colors"
if [ "$colors" -lt 64 ]; then
    echo "gui_smoke: the window looks blank ($colors colors): $out" >&2
    exit 1
fi

# The same at a narrow window (700x900): the reader must still get room to draw text.
narrow="target/smoke-700x900.png"
rm -f "$narrow"
timeout 120 xvfb-run -a -s "-screen 0 700x900x24" \
    "$target/debug/marginalia" projects/korean-armistice-1951 --window-size 700x900 \
    --screenshot "$narrow"
if [ ! -s "$narrow" ]; then
    echo "gui_smoke: no screenshot written to $narrow" >&2
    exit 1
fi
size=$(identify -format '%w %h' "$narrow")
colors=$(identify -format '%k' "$narrow")
echo "gui_smoke: $narrow is $size with $colors colors"
if [ "$size" != "700 900" ] || [ "$colors" -lt 64 ]; then
    echo "gui_smoke: the narrow window is wrong ($size, $colors colors): $narrow" >&2
    exit 1
fi

# A new user's first launch: the binary copied outside the source tree, a fresh HOME, no
# project argument, 700x900: the start screen must be drawn (not an error, not the
# repository's sample).
newuser=$(mktemp -d)
trap 'rm -rf "$newuser"' EXIT
mkdir -p "$newuser/bin" "$newuser/home"
cp "$target/debug/marginalia" "$newuser/bin/marginalia"
start_png="target/smoke-start-700x900.png"
rm -f "$start_png"
(cd "$newuser" && HOME="$newuser/home" XDG_DATA_HOME= XDG_CONFIG_HOME= timeout 120 xvfb-run -a \
    -s "-screen 0 700x900x24" "$newuser/bin/marginalia" --window-size 700x900 \
    --screenshot "$OLDPWD/$start_png")
if [ ! -s "$start_png" ]; then
    echo "gui_smoke: no screenshot of the first launch written to $start_png" >&2
    exit 1
fi
colors=$(identify -format '%k' "$start_png")
echo "gui_smoke: $start_png has $colors colors"
if [ "$colors" -lt 16 ]; then
    echo "gui_smoke: the first launch looks blank ($colors colors): $start_png" >&2
    exit 1
fi
if [ -e "$newuser/home/.local/share/marginalia" ] && \
    find "$newuser/home/.local/share/marginalia" -name '*.marginalia.ron' | grep -q .; then
    echo "gui_smoke: the first launch opened a project without being asked" >&2
    exit 1
fi
