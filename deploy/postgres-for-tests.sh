# Sourced by deploy/test.sh and deploy/test-resilience.sh (which define `step`): makes
# sure a PostgreSQL server runs for the tests and exports LOTSE_TEST_POSTGRES_URL.
# Unless LOTSE_TEST_POSTGRES_URL is already set, it needs root: it starts (and if
# need be creates) the newest installed version's `main` cluster and a role
# lotse_test that may create databases.
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
