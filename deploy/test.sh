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

if [ -z "${LOTSE_TEST_POSTGRES_URL:-}" ]; then
  step "starting PostgreSQL for the tests"
  [ "$(id -u)" = 0 ] || { echo "test: set LOTSE_TEST_POSTGRES_URL or run as root" >&2; exit 1; }
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >/dev/null
  fi
  pg_ctlcluster "$version" main start 2>/dev/null || true
  pg_lsclusters -h | grep -q "^$version *main .*online" \
    || { echo "test: PostgreSQL $version did not start" >&2; exit 1; }
  port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
  su postgres -c "psql -q -p $port -c \"DO \\\$\\\$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lotse_test') THEN
      CREATE ROLE lotse_test LOGIN CREATEDB PASSWORD 'lotse_test';
    END IF; END \\\$\\\$;\""
  export LOTSE_TEST_POSTGRES_URL="postgresql+asyncpg://lotse_test:lotse_test@127.0.0.1:$port/postgres"
fi
export LOTSE_TEST_STRICT=1
export LOTSE_TEST_CHROMIUM=${LOTSE_TEST_CHROMIUM:-/usr/bin/chromium}

step "ruff"
.venv/bin/ruff check bot flows adapters tests bench
step "mypy"
.venv/bin/mypy
step "import contracts"
.venv/bin/lint-imports --no-cache
step "pytest"
exec .venv/bin/python -m pytest "$@"
