# `make test` is the one test command (README, .ci/run). `make ci` is what CI runs.
.PHONY: test ci lint bench

test:
	bash scripts/test-deps.sh
	cargo test --all-targets

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

ci: lint test

bench:
	bash bench/run.sh
