#!/usr/bin/env bash
# Crash-during-save trial with the real binary (issue 8): a copy of the sample project is
# edited and saved in a loop (`marginalia debug-edit-loop`, every save writes the project file
# and the annotation file), killed with SIGKILL at a random moment, and then classified by
# `marginalia debug-probe` (which loads it as the app would, finishing or undoing a save the
# kill interrupted):
#   old   - the project holds the last save the loop reported
#   new   - it holds the save in progress when the kill came
#   mixed - files from different saves (must be 0)
#   torn  - the project does not load (must be 0)
#   lost  - anything else, e.g. an older save (must be 0)
# The same copy is used for every trial, so each trial also starts from a crashed state.
#
# Usage: tests/crash_trial.sh [TRIALS]   (default 200; not part of `cargo test`)
# Env: MARGINALIA_BIN to use a built binary; MAX_KILL_MS (default 400).
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-200}
max_ms=${MAX_KILL_MS:-400}

if [ -z "${MARGINALIA_BIN:-}" ]; then
    # The binary `cargo test` builds (same features as the tests, so nothing is rebuilt).
    cargo test --no-run --quiet
    MARGINALIA_BIN="${CARGO_TARGET_DIR:-target}/debug/marginalia"
fi
bin=$MARGINALIA_BIN
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
project="$work/project"
cp -r projects/korean-armistice-1951 "$project"

ran=0 old=0 new=0 mixed=0 torn=0 lost=0 leftovers=0 saves=0
state=$("$bin" debug-probe "$project")
current=${state#state }
[ "$state" = "state $current" ] || { echo "sample project does not probe: $state" >&2; exit 2; }

for ((i = 1; i <= trials; i++)); do
    ran=$i
    "$bin" debug-edit-loop "$project" >"$work/out" 2>"$work/err" &
    pid=$!
    sleep "$(printf '0.%03d' $((RANDOM % max_ms)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    last=$(tail -n 1 "$work/out" | awk '$1 == "saved" { print $2 }')
    if [ -z "$last" ]; then last=$current; else saves=$((saves + last - current)); fi
    state=$("$bin" debug-probe "$project")
    case "$state" in
        "state $last") old=$((old + 1)); current=$last ;;
        "state $((last + 1))") new=$((new + 1)); current=$((last + 1)) ;;
        mixed*) mixed=$((mixed + 1)); echo "trial $i: $state" >&2 ;;
        torn*) torn=$((torn + 1)); echo "trial $i: $state" >&2 ;;
        *) lost=$((lost + 1)); echo "trial $i: $state after save $last" >&2 ;;
    esac
    if [ -s "$work/err" ]; then echo "trial $i: loop said: $(cat "$work/err")" >&2; fi
    # After a load, no journal and no temporary file of a dead process may remain.
    n=$(find "$project" \( -name '.*.tmp-*' -o -name '.*.journal' \) | wc -l)
    if [ "$n" -gt 0 ]; then echo "trial $i: left behind: $(find "$project" \( -name '.*.tmp-*' -o -name '.*.journal' \) -printf "%P ")" >&2; fi
    leftovers=$((leftovers + n))
    case "$state" in state*) ;; *) break ;; esac
done

echo "crash trial: $ran kills, $saves saves completed: old $old, new $new, mixed $mixed, torn $torn, lost $lost, leftover files $leftovers"
# A trial in which no save completed proves nothing (the loop could not save at all).
if [ "$saves" -eq 0 ]; then
    echo "crash trial: no save completed in $ran trials; the trial proves nothing" >&2
    exit 1
fi
[ $((mixed + torn + lost + leftovers)) -eq 0 ]
