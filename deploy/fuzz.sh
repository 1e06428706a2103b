#!/usr/bin/env bash
# The long fuzzing run, a command of its own (deploy/test.sh runs the same tests with
# few examples): schemathesis against the office API's and the chat API's OpenAPI
# documents, and the hand-written corpus against every public route, on SQLite and
# PostgreSQL. Run it after deploy/test.sh (it reuses its PostgreSQL).
#   deploy/fuzz.sh [EXAMPLES]      examples per operation and mode (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
export LOTSE_FUZZ_EXAMPLES=${1:-500}
if [ -z "${LOTSE_TEST_POSTGRES_URL:-}" ]; then
  port=$(pg_lsclusters -h | awk '$4 == "online" {print $3; exit}')
  export LOTSE_TEST_POSTGRES_URL="postgresql+asyncpg://lotse_test:lotse_test@127.0.0.1:$port/postgres"
fi
exec .venv/bin/python -m pytest -q -p no:cacheprovider tests/web/office/test_api_fuzz.py \
  tests/web/chat/test_api_fuzz.py tests/web/test_public_routes_corpus.py
