#!/usr/bin/env bash
# Sets up doorman in ./.venv from this checkout: compiles llama-cpp-python once per
# machine (cached), then installs doorman and the embedded model package.
#   scripts/setup.sh          runtime only
#   scripts/setup.sh --test   with the test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "doorman needs Python 3.11 or newer; set PYTHON to one" >&2
  exit 1
fi
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
wheelhouse=$(PYTHON=.venv/bin/python scripts/build-llama-wheel.sh)
# Force the wheelhouse's build in when it changed (pip would keep an equal version).
wheel=$(ls "$wheelhouse"/llama_cpp_python-*.whl)
if [ "$(cat .venv/.llama-wheel 2>/dev/null)" != "$wheel" ]; then
  .venv/bin/python -m pip install --quiet --no-deps --force-reinstall "$wheel"
  echo "$wheel" > .venv/.llama-wheel
fi
.venv/bin/python -m pip install --quiet --find-links "$wheelhouse" --editable ".$extras"
echo "doorman is installed in .venv (run .venv/bin/doorman --help)" >&2
