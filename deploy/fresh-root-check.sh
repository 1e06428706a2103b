#!/usr/bin/env bash
# The README's two commands inside a clean Debian 12 root built with debootstrap: no
# package, font, pip configuration or cache of this machine's can help them, so a
# missing Debian package or install step fails here. Slow (about 10 minutes), so it is
# a command of its own, not part of deploy/test.sh.
#   deploy/fresh-root-check.sh [--keep]      needs root; --keep leaves the root in place
# The root shares this machine's network (Debian's and the Python package index only)
# and its loopback; its PostgreSQL listens on port 5499 so as not to meet this machine's.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
keep=0
[ "${1:-}" = "--keep" ] && keep=1
[ "$(id -u)" = 0 ] || { echo "fresh-root-check: needs root (debootstrap, chroot)" >&2; exit 1; }

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$(mktemp -d -t lotse-root.XXXXXX)
chmod 755 "$root"  # the root's "/": other users (postgres) must get in too
mounts=()
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then echo "root kept in $root"; else rm -rf "$root"; fi
}
trap cleanup EXIT

if ! command -v debootstrap >/dev/null; then
  step "installing debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
start=$SECONDS
step "building a minimal Debian 12 (bookworm) root in $root"
debootstrap --variant=minbase --include=ca-certificates,python3,git,procps bookworm "$root" \
  "$mirror" >"$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; exit 1; }
rm -f "$root.log"
printf '    %d s\n' $((SECONDS - start))

for fs in proc sys dev dev/pts dev/shm; do
  mkdir -p "$root/$fs"
  mount --bind "/$fs" "$root/$fs"
  mounts+=("$root/$fs")
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
# This machine's trusted certificates (a network behind a TLS-inspecting proxy has its
# own authority): the only thing of this machine's the root uses, besides DNS.
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/host-ca-certificates.crt"
# No daemon starts on its own inside the root (PostgreSQL's package would try).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"

step "cloning Lotse (committed HEAD of $here) into the root"
git clone --quiet "$here" "$root/srv/lotse"

ca=/etc/ssl/host-ca-certificates.crt
inside() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM=dumb PIP_CERT=$ca SSL_CERT_FILE=$ca REQUESTS_CA_BUNDLE=$ca \
  bash -c "cd /srv/lotse || exit 1; $1"; }

step "README command 1 inside the root: deploy/setup.sh, then lotse demo and a chat"
start=$SECONDS
inside "deploy/setup.sh"
setup_time=$((SECONDS - start))
inside "LOTSE_PORT=8099 .venv/bin/lotse demo >/tmp/demo.log 2>&1 & demo=\$!; \
  python3 deploy/smoke.py 8099 \
    || { tail -n 20 /tmp/demo.log; kill \$demo; exit 1; }; kill \$demo"

step "README command 2 inside the root: deploy/test.sh"
inside "DEBIAN_FRONTEND=noninteractive deploy/setup.sh --test >/dev/null \
  && if ls /etc/postgresql/*/main/postgresql.conf >/dev/null 2>&1; then \
       sed -i 's/^port = .*/port = 5499/' /etc/postgresql/*/main/postgresql.conf; \
     else pg_createcluster -p 5499 \$(ls /usr/lib/postgresql | sort -V | tail -n 1) main >/dev/null; fi"
start=$SECONDS
inside "deploy/test.sh -q -p no:cacheprovider"
test_time=$((SECONDS - start))

step "Debian packages inside the root"
inside "dpkg-query -W -f='    \${Package} \${Version}\n' python3 postgresql chromium fonts-noto-core \
  fonts-noto-mono libpango-1.0-0 libatomic1 poppler-utils zbar-tools"
step "fresh root check passed"
printf '    deploy/setup.sh: %d s (after the root was built)\n' "$setup_time"
printf '    deploy/test.sh:  %d s (after setup --test)\n' "$test_time"
