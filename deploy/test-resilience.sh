#!/usr/bin/env bash
# Sets everything up and runs the resilience tests (tests/resilience, pytest marker
# `resilience`, which the main suite deselects): real `lotse serve` processes killed
# with SIGKILL mid-send and mid-queue, and a private PostgreSQL cluster stopped and
# started under a running Lotse (tests/support/pg_cluster.py). A few minutes.
# Needs root (pg_createcluster); nothing is skipped here: a missing PostgreSQL fails.
#   deploy/test-resilience.sh [PYTEST ARGS]     e.g. -k outage -x
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

deploy/setup.sh --test
# PostgreSQL for the tests: LOTSE_TEST_POSTGRES_URL (root starts one if unset).
. deploy/postgres-for-tests.sh
export LOTSE_TEST_STRICT=1

step "pytest -m resilience"
exec .venv/bin/python -m pytest -m resilience tests/resilience "$@"
