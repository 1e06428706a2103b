#!/usr/bin/env bash
# Proves the README's commands from nothing on this machine: clones the repository into
# an empty directory, installs from uv.lock with empty package caches, runs
# `deploy/setup.sh`, starts `lotse demo` and talks to it (/healthz, /chat, a chat
# session with a reply), then, with --test, runs `deploy/test.sh` in the same clone.
# Prints how long each command took and the Debian packages it relied on (the lock
# covers Python packages only).
#   deploy/fresh-check.sh [--test] [REPOSITORY]     (default: this checkout's committed HEAD)
# Needs root (or the Debian packages already installed) like setup itself; uses
# 127.0.0.1 only. For a clean Debian root as well, see deploy/fresh-root-check.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
with_test=0
[ "${1:-}" = "--test" ] && { with_test=1; shift; }
repository=${1:-$here}

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\nfresh check failed: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d -t lotse-fresh.XXXXXX)
demo_pid=
cleanup() {
  [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

step "cloning $repository into the empty directory $work/lotse"
git clone --quiet "$repository" "$work/lotse"
cd "$work/lotse"
git log -1 --format='    at %h %s'

# Empty caches: every Python package comes from the package index, as on a new machine.
export UV_CACHE_DIR="$work/uv-cache" PIP_NO_CACHE_DIR=1

step "deploy/setup.sh (empty caches)"
start=$SECONDS
deploy/setup.sh || fail "deploy/setup.sh exited $?"
setup_time=$((SECONDS - start))

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
step "starting .venv/bin/lotse demo on 127.0.0.1:$port"
LOTSE_PORT=$port LOTSE_DATA_DIR="$work/data" .venv/bin/lotse demo >"$work/demo.log" 2>&1 &
demo_pid=$!
if ! python3 deploy/smoke.py "$port"; then
  tail -n 20 "$work/demo.log" >&2
  fail "the demo did not serve the chat (its log is above)"
fi
kill "$demo_pid" && wait "$demo_pid" 2>/dev/null || true
demo_pid=

if [ "$with_test" = 1 ]; then
  step "deploy/test.sh (empty caches for what setup --test adds)"
  start=$SECONDS
  deploy/test.sh -q -p no:cacheprovider || fail "deploy/test.sh exited $?"
  test_time=$((SECONDS - start))
fi

step "Debian packages relied on (not covered by uv.lock)"
dpkg-query -W -f='    ${Package} ${Version}\n' python3 python3.11 libpango-1.0-0 fontconfig \
  fonts-noto-core fonts-noto-mono postgresql chromium libatomic1 poppler-utils zbar-tools \
  gettext git \
  2>/dev/null || true
printf '    (python used: %s)\n' "$(python3 --version 2>&1)"
step "fresh check passed"
printf '    deploy/setup.sh: %d s\n' "$setup_time"
[ "$with_test" = 1 ] && printf '    deploy/test.sh:  %d s\n' "$test_time"
exit 0
