#!/usr/bin/env bash
# Sets Lotse up on a fresh Debian machine with Python 3.11:
#   deploy/setup.sh          the service (a virtualenv in .venv with Lotse installed)
#   deploy/setup.sh --test   also what the test suite needs: PostgreSQL, Chromium, fonts
# Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || die "Lotse needs Python 3.11 (found $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11"

# Pango and Noto fonts: postal letters (WeasyPrint) in every script Lotse writes,
# Arabic, Persian, Pashto, Sorani and Tigrinya included.
debian_packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core)
if [ "$WITH_TEST" = 1 ]; then
  # PostgreSQL: the production database, tested for real. Chromium: the web chat
  # page in a real browser. Poppler and zbar: letters read back as text and QR codes.
  debian_packages+=(postgresql chromium poppler-utils zbar-tools)
fi
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
# python3-venv is only needed when the interpreter has no working venv module.
if "$PYTHON" -m venv --help >/dev/null 2>&1; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  [ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]} (or install them yourself)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PYTHON" -m venv .venv
fi
say "installing Lotse into .venv"
.venv/bin/python -m pip install -q --upgrade pip
if [ "$WITH_TEST" = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[dev]'
else
  .venv/bin/python -m pip install -q -e .
fi
say "checking the translation catalogs"
.venv/bin/lotse i18n check >/dev/null || .venv/bin/lotse i18n check
say "ready"
