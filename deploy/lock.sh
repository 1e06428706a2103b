#!/usr/bin/env bash
# Keeps uv.lock, the exact versions and hashes every install uses, in step with pyproject.toml.
#   deploy/lock.sh             after editing dependencies in pyproject.toml: lock what changed,
#                              keep every other package at its locked version
#   deploy/lock.sh --upgrade   move every package to the newest release the ranges allow
#                              (then run deploy/test.sh before committing uv.lock)
#   deploy/lock.sh --check     fail if uv.lock no longer matches pyproject.toml (CI runs this)
# Optional extras are locked too (uv resolves every extra together), so --check covers them;
# deploy/setup.sh installs an extra only when asked (--extra NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  "") exec deploy/uv.sh lock --python python3 ;;
  --upgrade) exec deploy/uv.sh lock --python python3 --upgrade ;;
  --check)
    if ! deploy/uv.sh lock --python python3 --check; then
      printf '\nlock check failed: uv.lock does not match pyproject.toml\n' >&2
      printf '  fix: run deploy/lock.sh, then deploy/test.sh, and commit uv.lock\n' >&2
      exit 1
    fi ;;
  *) echo "lock: unknown option $1 (use --upgrade or --check)" >&2; exit 2 ;;
esac
