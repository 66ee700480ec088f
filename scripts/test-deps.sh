#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo. Idempotent; safe offline
# (a missing optional tool makes the tests that need it say why they skip).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "test-deps: nothing beyond cargo is needed yet"
