#!/usr/bin/env bash
# Several writers as real processes (issue 21): `marginalia debug-writer` processes (2-4 per
# project, some killed with SIGKILL, with concurrent `add --copy`) on one folder, and every
# third schedule on two git clones merged through the merge driver. Every saved edit must be
# in the final project or a conflict it holds (0 lost) and `check` must pass.
# Then the same with the save lock broken on purpose: the trial must report lost edits, so
# it is known to be able to fail. The 1,000-schedule figure in docs/reliability.md is the
# same test with TRIAL_SCHEDULES=1000 (in release).
# Cost on the 2-core machine (debug build from `cargo test`): 48 + 12 schedules, about 2.5
# minutes (measured: 100 schedules in 350 s with a second 500-schedule run beside it).
set -euo pipefail
cd "$(dirname "$0")/../.."
if command -v apt-get >/dev/null 2>&1 && ! command -v git >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git >/dev/null
fi
TRIAL_SCHEDULES=${TRIAL_SCHEDULES:-48} TRIAL_SEED=${TRIAL_SEED:-$(date +%s)} \
    cargo test --quiet --test process_trial -- --ignored --nocapture
MARGINALIA_TRIAL_BREAK_SAVE_LOCK=1 TRIAL_EXPECT_LOSS=1 TRIAL_SCHEDULES=12 TRIAL_GIT_EVERY=0 \
    cargo test --quiet --test process_trial -- --ignored --nocapture 2>&1 | grep "process trial"
