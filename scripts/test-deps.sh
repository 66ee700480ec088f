#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo. Idempotent; safe offline
# (a missing optional tool makes the tests that need it say why they skip).
#
# The export tests import recall's packages into real Anki: the `anki`
# Python package (26.x) in a venv at .venv-anki. Under CI=true a failed
# install is an error; locally it is a warning and those tests skip.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-anki
want='anki>=26,<27'

anki_ok() {
    "$venv/bin/python" - <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
v = version("anki")
sys.exit(0 if v.split(".")[0] == "26" else 1)
PY
}

install_anki() {
    command -v python3 >/dev/null || { echo "python3 not found"; return 1; }
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || return 1
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$want" || return 1
    anki_ok
}

if [ -x "$venv/bin/python" ] && anki_ok; then
    echo "test-deps: anki $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("anki"))') in $venv"
elif install_anki; then
    echo "test-deps: installed anki in $venv"
elif [ "${CI:-}" = "true" ]; then
    echo "test-deps: error: could not install '$want' into $venv (needed by the export tests)" >&2
    exit 1
else
    echo "test-deps: warning: could not install '$want' into $venv; the Anki import tests will skip" >&2
fi
