#!/usr/bin/env bash
# Runs uv, the installer that reads uv.lock, installing it first if needed: the exact build
# pinned by hash in deploy/uv-requirements.txt, in a small virtualenv of its own, .uv
# (outside .venv, which uv makes match the lock exactly). Never downloads a Python: uses
# the machine's.
#   deploy/uv.sh lock --check     any uv command
#   deploy/uv.sh                  only make sure uv is installed
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
version=$(sed -n 's/^uv==\([0-9.]*\).*/\1/p' deploy/uv-requirements.txt)
if [ "$(.uv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$version" ]; then
  printf '\033[1m==> %s\033[0m\n' "installing uv $version (the lock's installer) into .uv" >&2
  rm -rf .uv
  # A virtualenv brings its own pip (Debian's python3 has none outside one).
  if ! out=$({ "$PYTHON" -m venv .uv && .uv/bin/python -m pip install --quiet \
      --disable-pip-version-check --no-deps --require-hashes -r deploy/uv-requirements.txt; } 2>&1)
  then
    printf '%s\n\nsetup failed: could not install uv %s into .uv\n' "$out" "$version" >&2
    printf '  fix: if pip could not reach the package index, check the network and pip config list; then run setup again\n' >&2
    exit 1
  fi
fi
[ $# -gt 0 ] || exit 0
export UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1
exec .uv/bin/uv "$@"
