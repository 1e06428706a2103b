#!/usr/bin/env bash
# What the next lock refresh would meet: installs Lotse into a throw-away virtualenv with
# the NEWEST releases pyproject.toml's ranges allow (not uv.lock), lists what differs
# from the lock, then runs `lotse i18n check` and some tests under them.
#   deploy/newest-check.sh                               i18n check, i18n and plural tests
#   deploy/newest-check.sh --with 'Babel==2.18.0'        hold a package at another version
#   deploy/newest-check.sh -- tests/adapters -x          other pytest arguments
# Run it after deploy/setup.sh --test (it reuses the Debian packages and uv).
set -euo pipefail
cd "$(dirname "$0")/.."
with=()
while [ $# -gt 0 ]; do
  case "$1" in
    --with) with+=("${2:?--with needs a requirement}"); shift ;;
    --) shift; break ;;
    *) echo "newest-check: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/i18n/test_catalogs.py tests/i18n/test_plurals.py)

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
venv=$(mktemp -d -t lotse-newest.XXXXXX)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
step "installing the newest allowed releases${with:+ (holding ${with[*]})} into $venv"
printf '%s\n' "${with[@]}" >"$venv/overrides.txt"
deploy/uv.sh pip install --quiet --python "$venv/bin/python" --override "$venv/overrides.txt" \
  -e '.[dev]'
step "packages whose version differs from uv.lock"
deploy/uv.sh export --frozen --no-hashes --extra dev --no-emit-project --format requirements-txt \
  >"$venv/locked.txt"
"$venv/bin/python" - "$venv/locked.txt" <<'EOF'
import re
import sys
from importlib.metadata import distributions


def key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


pins = (re.match(r"([A-Za-z0-9][^=\s]*)==([^\s;]+)", line) for line in open(sys.argv[1]))
locked = {key(m[1]): m[2] for m in pins if m}
for dist in sorted(distributions(), key=lambda d: key(d.metadata["Name"])):
    name = key(dist.metadata["Name"])
    if name in locked and locked[name] != dist.version:
        print(f"    {name}: locked {locked[name]}, here {dist.version}")
EOF
step "lotse i18n check"
"$venv/bin/lotse" i18n check
step "pytest ${tests[*]}"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "${tests[@]}"
