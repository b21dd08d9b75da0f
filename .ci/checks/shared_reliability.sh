#!/usr/bin/env bash
# Shared projects (issue 10 §5): 1,000 randomized schedules of three sessions editing,
# saving, autosaving, watching and reloading one folder, half of them with a fork merged
# back by the git driver's file merge. Every saved edit must end in the project or in a
# surfaced conflict (0 lost) and every run must pass `check`.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test --quiet --test multi_session reliability_thousand -- --ignored --nocapture
