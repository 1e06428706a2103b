#!/usr/bin/env bash
# Sets Lotse up on a fresh Debian 12 machine with Python 3.11, exactly as tested:
# Python packages come from uv.lock (versions and hashes), Debian packages by name.
#   deploy/setup.sh                the service: .venv with Lotse and its locked dependencies
#   deploy/setup.sh --test         also the test tools and PostgreSQL, Chromium, poppler, zbar,
#                                  gettext (msgfmt), git
#                                  and axe-core (deploy/axe-core.sh), and the extra mt
#                                  (offline translation) so its tests run
#   deploy/setup.sh --extra NAME   also an optional extra of pyproject.toml (repeatable)
# Safe to run again: it installs what is missing and makes .venv match the lock.
# Each step says what it does; a failure ends with one line naming the cause and the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
WITH_TEST=0
extras=()
while [ $# -gt 0 ]; do
  case "$1" in
    --test) WITH_TEST=1 ;;
    --extra) extras+=("${2:?--extra needs a name}"); shift ;;
    *) printf 'setup: unknown option %s (use --test, --extra NAME)\n' "$1" >&2; exit 2 ;;
  esac
  shift
done
[ "$WITH_TEST" = 1 ] && extras+=(dev mt)

log=$(mktemp -t lotse-setup.XXXXXX)
trap 'rm -f "$log"' EXIT

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() {  # fail CAUSE FIX: the last line a failed setup prints
  printf '\nsetup failed: %s\n  fix: %s\n' "$1" "$2" >&2
  exit 1
}
# run CAUSE FIX COMMAND...: runs quietly; on failure shows the command's last lines, then fails.
run() {
  local cause=$1 fix=$2
  shift 2
  if ! "$@" >"$log" 2>&1; then
    tail -n 25 "$log" >&2
    fail "$cause" "$fix"
  fi
}

step "checking Python ($PYTHON)"
command -v "$PYTHON" >/dev/null \
  || fail "no $PYTHON on PATH" "install Python 3.11 (Debian 12: apt-get install python3) or set PYTHON=/path/to/python3.11"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || fail "Lotse needs Python 3.11, $PYTHON is $("$PYTHON" --version 2>&1)" \
          "install Python 3.11 (Debian 12's python3 is 3.11) or set PYTHON=/path/to/python3.11"

# Pango, fontconfig and the Noto families the letters name (bot/documents/fonts.py: LETTER_FONTS;
# tests/documents/test_letter_fonts.py asks fontconfig for each): Latin, Arabic script,
# Ethiopic (fonts-noto-core) and the monospace of the connect code (fonts-noto-mono).
debian_packages=(libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-noto-core fonts-noto-mono)
if [ "$WITH_TEST" = 1 ]; then
  # PostgreSQL: the production database, tested for real. Chromium: the web pages in a
  # real browser, driven by Playwright, whose bundled node needs libatomic1 (a clean
  # Debian root found it missing). Poppler and zbar: letters read back as text,
  # positions and QR codes. gettext: msgfmt checks every catalog as Poedit and Weblate
  # would; git: translators' review lists compare with the last reviewed catalog.
  debian_packages+=(postgresql chromium libatomic1 poppler-utils zbar-tools gettext git)
fi
"$PYTHON" -m venv --help >/dev/null 2>&1 && "$PYTHON" -c 'import ensurepip' 2>/dev/null \
  || debian_packages+=(python3-venv)
step "checking Debian packages: ${debian_packages[*]}"
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] \
    || fail "Debian packages missing: ${missing[*]}, and installing them needs root" \
            "run setup as root, or: sudo apt-get install ${missing[*]}"
  step "installing Debian packages: ${missing[*]}"
  run "apt-get update failed (no network, or a broken apt source)" \
      "check /etc/apt/sources.list* and the network, then run setup again" \
      apt-get update
  run "apt-get could not install ${missing[*]}" \
      "read apt's message above; on Debian 12 these packages are all in main" \
      env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  step "creating the virtualenv .venv"
  run "could not create .venv with $PYTHON" \
      "install python3-venv (Debian) or remove a broken .venv and run setup again" \
      "$PYTHON" -m venv .venv
fi

deploy/uv.sh  # installs uv itself if needed; says so, or why it failed
export UV_PROJECT_ENVIRONMENT=.venv
extra_flags=()
for extra in "${extras[@]}"; do extra_flags+=(--extra "$extra"); done
step "installing Lotse and the locked packages into .venv${extras:+ (extras: ${extras[*]})}"
run "could not install the packages of uv.lock (uv's message is above)" \
    "if it says the lockfile needs to be updated, run deploy/lock.sh and commit uv.lock; otherwise check the network to the package index" \
    deploy/uv.sh sync --locked --python .venv/bin/python "${extra_flags[@]}"

if [ "$WITH_TEST" = 1 ]; then
  step "checking axe-core for the accessibility tests (.cache/axe-core)"
  deploy/axe-core.sh  # says what failed and how to fix it
fi

step "checking the translation catalogs"
.venv/bin/lotse i18n check >"$log" 2>&1 || {
  cat "$log" >&2
  fail "the translation catalogs are incomplete or inconsistent (listed above)" \
       "see README, Translations; locales/extract.sh, then translate what is missing"
}
step "ready: .venv/bin/lotse"
