#!/usr/bin/env bash
# Sets everything up and runs the whole test suite (pytest), on SQLite and on a
# real PostgreSQL server, with the web chat tested in headless Chromium.
# Nothing is skipped here: a missing PostgreSQL or Chromium fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Setup first: on a fresh machine it installs what uv itself needs (python3-venv).
deploy/setup.sh --test
step "checking that uv.lock matches pyproject.toml"
deploy/lock.sh --check

# PostgreSQL for the tests: LOTSE_TEST_POSTGRES_URL (root starts one if unset).
. deploy/postgres-for-tests.sh
export LOTSE_TEST_STRICT=1
export LOTSE_TEST_CHROMIUM=${LOTSE_TEST_CHROMIUM:-/usr/bin/chromium}

step "ruff"
.venv/bin/ruff check bot flows adapters tests bench
step "mypy"
.venv/bin/mypy
step "import contracts"
.venv/bin/lint-imports --no-cache
# One pytest worker per core (pytest-xdist; each has its own PostgreSQL database and
# SQLite files); LOTSE_TEST_WORKERS=0 runs everything in this one process.
step "pytest (${LOTSE_TEST_WORKERS:-auto} workers)"
exec .venv/bin/python -m pytest -n "${LOTSE_TEST_WORKERS:-auto}" "$@"
