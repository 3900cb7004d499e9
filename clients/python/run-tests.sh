#!/usr/bin/env bash
# Runs the Python client's tests (pytest) in a virtualenv against the real `descent serve`.
#
#   clients/python/run-tests.sh [pytest arguments]
#
# The virtualenv (default .build/python-venv; PYTHON_VENV) is made with `python3 -m venv` (PYTHON) and gets
# the package's extras and test tools from PyPI once, again only when pyproject.toml changes; the package
# itself is rebuilt and reinstalled from ./clients/python on every run, so the tests use it as installed.
# Environment: DESCENT_BIN (default .build/debug/descent, else .build/release/descent), DESCENT_NO_SKIPS=1
# (a skipped test fails the run; `make test` sets it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
venv="${PYTHON_VENV:-$root/.build/python-venv}"
stamp="$venv/.descent-requirements"
wanted="$(sha256sum "$here/pyproject.toml" | cut -d' ' -f1)"

if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "python client: preparing $venv (pandas, matplotlib, pytest, PyYAML)"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "setuptools>=61" wheel "$here[all,test]"
  echo "$wanted" >"$stamp"
fi
# setuptools builds in the source tree; its leftovers (build/lib may keep a deleted module) go each time.
rm -rf "$here/build" "$here/src/"*.egg-info
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation --force-reinstall "$here"
rm -rf "$here/build" "$here/src/"*.egg-info
cd "$here"
exec "$venv/bin/python" -m pytest -p no:cacheprovider -ra "$@"
