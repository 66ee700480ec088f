#!/usr/bin/env bash
# Builds the release binary and runs the benchmarks (see bench/run.py).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rg >/dev/null || { echo "installing ripgrep (the baseline)"; apt-get install -y -qq ripgrep >/dev/null; }
cargo build --release
python3 bench/run.py --notes 10000 --notes 50000 --runs "${RUNS:-15}" --out target/bench/report.md "$@"
