#!/usr/bin/env bash
# Runs one fuzz target (docs/fuzzing.md).
#   fuzz/run.sh TARGET [SECONDS] [more libFuzzer flags]
# TARGET is parse, codec, edit, fsrs, frontmatter or anki (give anki -max_len=65536: its seeds are packages); SECONDS defaults to 60. The committed seeds
# (fuzz/seeds/TARGET) are copied into the working corpus (fuzz/corpus/TARGET,
# not committed) first; crashes land in fuzz/artifacts/TARGET.
#
# cargo-fuzz needs nightly flags: on a stable toolchain RUSTC_BOOTSTRAP=1
# lets them through. The code is safe Rust (unsafe_code is forbidden), so
# the default is no sanitizer; recall itself is built with debug assertions
# and overflow checks (fuzz/Cargo.toml), its dependencies without;
# SANITIZER=address uses ASan instead. Building holds /tmp/recall-cargo.lock
# (one cargo build at a time on a shared machine); fuzzing runs one process,
# niced.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh parse|codec|edit|fsrs|frontmatter|anki [SECONDS] [libFuzzer flags]}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
sanitizer=${SANITIZER:-none}
export RUSTC_BOOTSTRAP=1

build=(cargo fuzz build -O --sanitizer "$sanitizer" "$target")
if command -v flock >/dev/null; then
    flock /tmp/recall-cargo.lock "${build[@]}"
else
    "${build[@]}"
fi

mkdir -p "corpus/$target" "artifacts/$target"
cp -n "seeds/$target"/* "corpus/$target/" 2>/dev/null || true
bin="${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release/$target"
exec nice -n 19 "$bin" "corpus/$target" \
    -artifact_prefix="artifacts/$target/" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 "$@"
