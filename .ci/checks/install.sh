#!/usr/bin/env bash
# Install check (issue 28, docs/install.md): build the Debian package with cargo-packager,
# install it the way a user would (apt-get install ./marginalia_*.deb), then as a new user
# (fresh HOME): start /usr/bin/marginalia from outside the source tree (the start screen),
# open a project from the file manager's side (gio open: shared-mime-info type -> desktop
# entry -> `marginalia PATH`), remove and purge the package, and check that the user's
# project and data are exactly as they were.
#
# Which build goes into the package: by default the debug build `cargo test` already made
# (target/debug/marginalia), packaged by cargo-packager from the same Cargo.toml
# configuration, so CI compiles no second, release copy of every dependency (that costs
# far more than this check's budget on 2 cores; docs/install.md has the numbers).
# MARGINALIA_INSTALL_CHECK=release runs the release path exactly as a packager would:
# `cargo packager --release --formats deb` (its hook runs `cargo build --release`).
#
# Needs root (apt-get, dpkg). Installs what it uses. Set XVFB_DISPLAY=N to use display :N
# instead of the first free one.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
target="${CARGO_TARGET_DIR:-$repo/target}"
# Pinned: the configuration in Cargo.toml is written for this version.
packager_version=0.11.8
start=$(date +%s)
say() { printf 'install: %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
fail() { printf 'install: FAILED: %s\n' "$*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends xvfb xauth imagemagick x11-utils \
    libglib2.0-bin shared-mime-info desktop-file-utils appstream xdg-utils binutils >/dev/null

# cargo-packager: without its TLS stack (only AppImage/NSIS/WiX download tools; a .deb is
# written in Rust) and unoptimized except for its compression and checksums, which
# compiles in a fraction of the default's time; kept in target/ so a developer's second run
# reuses it (CI starts from a clean clone).
tools="$target/tools/cargo-packager-$packager_version"
if [ ! -x "$tools/bin/cargo-packager" ]; then
    say "cargo install cargo-packager@$packager_version"
    fast=()
    for crate in miniz_oxide adler2 crc32fast md5 flate2; do
        fast+=(--config "profile.dev.package.$crate.opt-level=3")
    done
    cargo install --quiet --locked "cargo-packager@$packager_version" --no-default-features \
        --features cli --debug "${fast[@]}" --root "$tools" --target-dir "$target/tools/build"
    rm -rf "$target/tools/build"
    say "cargo-packager installed"
fi
export PATH="$tools/bin:$PATH"

cargo_version=$(cargo pkgid | sed 's/.*[#@]//')
if [ "${MARGINALIA_INSTALL_CHECK:-}" = release ]; then
    say "cargo packager --release --formats deb"
    rm -f "$target"/release/marginalia_*.deb
    cargo packager --release --formats deb
    deb=$(ls "$target"/release/marginalia_*.deb)
else
    say "cargo build (the debug build cargo test made) and cargo packager --formats deb"
    cargo build --quiet
    # Cargo.toml's [package.metadata.packager] as cargo-packager reads it, less the hook
    # that would build the release binary, with the fields its Cargo loader fills in.
    out="$target/install-check"
    rm -rf "$out"
    config=$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
target, out = sys.argv[1:3]
package = next(p for p in json.load(sys.stdin)["packages"] if p["name"] == "marginalia")
config = package["metadata"]["packager"]
del config["before-packaging-command"]
config.update(name=package["name"], version=package["version"],
              description=package["description"],
              binaries=[{"path": "marginalia", "main": True}],
              binariesDir=target + "/debug", outDir=out)
print(json.dumps(config))' "$target" "$out")
    cargo packager --config "$config" --formats deb
    deb=$(ls "$out"/marginalia_*.deb)
fi
version=$(dpkg-deb -f "$deb" Version)
say "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"
[ "$version" = "$cargo_version" ] || fail "package version $version is not Cargo.toml's $cargo_version"

# A leftover install from an earlier run would hide a broken install.
if dpkg -s marginalia >/dev/null 2>&1; then apt-get purge -y -qq marginalia >/dev/null; fi
say "apt-get install ./$(basename "$deb")"
apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
dpkg -s marginalia | grep -q '^Status: install ok installed' || fail "marginalia is not installed"

# What the package put on the system.
for f in /usr/bin/marginalia /usr/share/applications/marginalia.desktop \
    /usr/share/mime/packages/marginalia.xml \
    /usr/share/metainfo/io.github.marginalia_workbench.Marginalia.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/marginalia.svg \
    /usr/share/doc/marginalia/copyright; do
    [ -f "$f" ] || fail "the package did not install $f"
done
for size in 16 24 32 48 64 128 256 512; do
    icon="/usr/share/icons/hicolor/${size}x${size}/apps/marginalia.png"
    [ "$(identify -format '%w %h' "$icon")" = "$size $size" ] || fail "$icon is not ${size}px"
done
desktop-file-validate /usr/share/applications/marginalia.desktop
appstreamcli validate --no-net /usr/share/metainfo/io.github.marginalia_workbench.Marginalia.metainfo.xml
installed_version=$(/usr/bin/marginalia --version)
case "$installed_version" in
    "marginalia $version "*) ;;
    *) fail "--version says \"$installed_version\", the package is $version" ;;
esac
say "installed: $installed_version"

# The package depends on the system libraries the binary opens, and on nothing else: the
# packages owning the libraries it links (ELF NEEDED) or names for dlopen() (versioned
# sonames among its strings; unversioned names are fallbacks to -dev packages) are exactly
# the Depends. Each library the running program loads (below) must then come from those
# or what they depend on.
depends=$(dpkg-deb -f "$deb" Depends | tr -d ' ' | tr ',' '\n' | sort -u)
named=$( (readelf -d /usr/bin/marginalia | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
          strings -n 6 /usr/bin/marginalia | grep -oE 'lib[A-Za-z0-9_+-]{1,30}\.so\.[0-9]+') \
    | grep -vx 'ld-linux.*' | sort -u)
# The packages owning library files: one dpkg -S with exact paths (patterns are slow), each
# under /lib and /usr/lib (merged /usr: dpkg lists some libraries under either).
owners() {
    local paths=() p
    for p in "$@"; do
        paths+=("$p")
        case "$p" in /usr/lib/*) paths+=("${p#/usr}") ;; /lib/*) paths+=("/usr$p") ;; esac
    done
    dpkg -S "${paths[@]}" 2>/dev/null || true
}
# Where the dynamic linker finds each soname.
named_paths=$(ldconfig -p | awk 'NR == FNR { want[$1] = 1; next } ($1 in want) { print $NF }' \
    <(echo "$named") -)
# shellcheck disable=SC2086 # one path per word
named_owners=$(owners $named_paths)
for lib in $named; do
    echo "$named_owners" | grep -q "/$lib\$" \
        || fail "the binary opens $lib, which no installed package provides: add its package to Depends"
done
wanted=$(echo "$named_owners" | cut -d: -f1 | sort -u)
if [ "$depends" != "$wanted" ]; then
    diff <(echo "$depends") <(echo "$wanted") | sed 's/^</  in Depends only:/; s/^>/  opened, not in Depends:/' >&2 || true
    fail "Depends is not the set of packages whose libraries the binary opens"
fi

# A new user: no settings, no recent projects, no data; not in the source tree.
user=$(mktemp -d /tmp/marginalia-install-user.XXXXXX)
xvfb_pid=""
cleanup() {
    if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
    rm -rf "$user"
}
trap cleanup EXIT
home="$user/home"
mkdir -p "$home"
run_as_user() {
    (cd "$home" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" DISPLAY="$DISPLAY" \
        LANG=C.UTF-8 "$@")
}

if [ -n "${XVFB_DISPLAY:-}" ]; then
    display=$XVFB_DISPLAY
else
    display=99
    while [ -e "/tmp/.X$display-lock" ] || [ -e "/tmp/.X11-unix/X$display" ]; do
        display=$((display + 1))
    done
fi
Xvfb ":$display" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=":$display"
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
xdpyinfo >/dev/null 2>&1 || fail "Xvfb did not start on $DISPLAY"

# First launch from the menu: no project, so the start screen. LD_DEBUG lists every library
# the process loads, dlopen()ed ones included.
shot="$target/install-start-screen.png"
rm -f "$shot"
say "first launch of /usr/bin/marginalia (fresh HOME)"
run_as_user LD_DEBUG=libs LD_DEBUG_OUTPUT="$user/ld" timeout 120 \
    /usr/bin/marginalia --window-size 900x600 --screenshot "$shot"
[ -s "$shot" ] || fail "no screenshot of the first launch"
colors=$(identify -format '%k' "$shot")
[ "$colors" -ge 16 ] || fail "the start screen looks blank ($colors colours): $shot"
say "start screen: $shot, $colors colours"
[ ! -e "$home/.local/share/marginalia/korean-armistice-1951" ] \
    || fail "the first launch opened the sample without being asked"

loaded=$(cat "$user"/ld.* | sed -n 's/.*calling init: \(\/.*\.so[.0-9]*\)$/\1/p' | sort -u)
# shellcheck disable=SC2086 # one package name per word
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
    --no-breaks --no-replaces --no-enhances $depends 2>/dev/null \
    | grep -oE '[a-z0-9][a-z0-9.+-]+' | sort -u)
# shellcheck disable=SC2086 # one path per word
loaded_owners=$(owners $loaded)
for lib in $loaded; do
    lib=$(basename "$lib")
    owner=$(echo "$loaded_owners" | grep "/$lib\$" | sed -n 1p | cut -d: -f1)
    [ -n "$owner" ] || fail "no package owns $lib, which marginalia loaded"
    echo "$closure" | grep -qxF "$owner" \
        || fail "marginalia loaded $lib from $owner, which its Depends do not bring"
done
say "Depends: $(echo "$depends" | paste -sd ' '); they bring all $(echo "$loaded" | wc -l) libraries loaded"

# A colleague's project in the user's documents, under a name with a space and Cyrillic.
proj="$home/Documents/Переговоры 1951"
mkdir -p "$proj"
cp -r projects/korean-armistice-1951/. "$proj/"
mv "$proj/korean-armistice-1951.marginalia.ron" "$proj/kaesong.marginalia.ron"
sed -i 's/name: "Korean Armistice 1951"/name: "Kaesong talks (install check)"/' \
    "$proj/kaesong.marginalia.ron"
grep -q 'Kaesong talks (install check)' "$proj/kaesong.marginalia.ron"
project_file="$proj/kaesong.marginalia.ron"
# And the copy of the sample that Open the sample makes in the user's data folder.
mkdir -p "$home/.local/share/marginalia"
cp -r projects/korean-armistice-1951 "$home/.local/share/marginalia/"

type=$(run_as_user gio info -a standard::content-type "$project_file" \
    | sed -n 's/.*standard::content-type: //p')
[ "$type" = application/x-marginalia-project ] \
    || fail "the desktop sees $project_file as \"$type\", not application/x-marginalia-project"
default=$(run_as_user gio mime application/x-marginalia-project | sed -n 1p)
case "$default" in
    *marginalia.desktop*) ;;
    *) fail "the default application for Marginalia projects is not marginalia.desktop: $default" ;;
esac

say "gio open $project_file"
run_as_user gio open "$project_file"
window=""
for _ in $(seq 120); do
    window=$(xwininfo -root -tree | grep -F 'Kaesong talks (install check)' | awk '{print $1}' | sed -n 1p) || true
    [ -n "$window" ] && break
    sleep 0.5
done
[ -n "$window" ] || fail "no window titled after the project opened with gio open"
app_pid=$(xprop -id "$window" _NET_WM_PID | sed -n 's/.* = \([0-9]*\)$/\1/p')
[ -n "$app_pid" ] || fail "the window has no _NET_WM_PID"
[ "$(readlink -f "/proc/$app_pid/exe")" = /usr/bin/marginalia ] \
    || fail "the window belongs to $(readlink -f "/proc/$app_pid/exe"), not /usr/bin/marginalia"
tr '\0' ' ' <"/proc/$app_pid/cmdline" | grep -qF "$project_file" \
    || fail "marginalia was not started with the project's path: $(tr '\0' ' ' <"/proc/$app_pid/cmdline")"
sleep 2
opened="$target/install-opened-by-mime.png"
import -window root "$opened"
colors=$(identify -format '%k' "$opened")
[ "$colors" -ge 64 ] || fail "the project window looks blank ($colors colours): $opened"
say "opened by the MIME association: window $window, pid $app_pid, $opened ($colors colours)"
kill "$app_pid"
for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.2; done
kill -0 "$app_pid" 2>/dev/null && fail "marginalia ($app_pid) did not stop"

# What the user has now: the project (with whatever the app wrote beside it) and the
# settings and data the app keeps; every file's bytes must survive the removal.
user_files() { (cd "$home" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
before=$(user_files)
[ -n "$before" ] || fail "no user files to compare"

say "apt-get purge marginalia"
apt-get purge -y -qq marginalia >/dev/null
[ ! -e /usr/bin/marginalia ] || fail "/usr/bin/marginalia is still there"
[ ! -e /usr/share/applications/marginalia.desktop ] || fail "the desktop entry is still there"
type=$(run_as_user gio info -a standard::content-type "$project_file" \
    | sed -n 's/.*standard::content-type: //p')
[ "$type" != application/x-marginalia-project ] || fail "the MIME type is still registered"
after=$(user_files)
if [ "$before" != "$after" ]; then
    diff <(echo "$before") <(echo "$after") >&2 || true
    fail "removing the package changed the user's files"
fi
say "removed; the user's $(echo "$before" | wc -l) files are unchanged"
