#!/usr/bin/env bash
# Runs uv, the installer that reads uv.lock, installing it first if needed: the exact build
# pinned by hash in deploy/uv-requirements.txt, kept in .uv (outside .venv, which uv makes
# match the lock exactly). Never downloads a Python: uses the machine's.
#   deploy/uv.sh lock --check     any uv command
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
version=$(sed -n 's/^uv==\([0-9.]*\).*/\1/p' deploy/uv-requirements.txt)
if [ "$(.uv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$version" ]; then
  printf '\033[1m==> %s\033[0m\n' "installing uv $version (the lock's installer) into .uv" >&2
  rm -rf .uv
  if ! out=$("$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps \
      --require-hashes --target .uv/lib -r deploy/uv-requirements.txt 2>&1); then
    printf '%s\n\nsetup failed: could not install uv %s from the package index\n' "$out" "$version" >&2
    printf '  fix: check that pip reaches the package index (pip config list), then try again\n' >&2
    exit 1
  fi
  mkdir -p .uv/bin && ln -sf ../lib/bin/uv .uv/bin/uv
fi
export UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1
exec .uv/bin/uv "$@"
