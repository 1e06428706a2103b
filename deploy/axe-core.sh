#!/usr/bin/env bash
# The accessibility checker the browser tests run in Chromium: axe-core from the npm
# registry, one pinned version, its tarball checked against the registry's published
# SHA-512 before anything is unpacked; only axe.min.js (and its licence) is kept, in
# .cache/axe-core/. No Node.js needed. Tests load the file from there (never a CDN) and
# check its SHA-256 again (tests/support/axe.py).
#   deploy/axe-core.sh            installs it if missing (called by deploy/setup.sh --test)
# NPM_REGISTRY points at a mirror (default: the public npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.14.1
INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
FILE_SHA256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
REGISTRY=${NPM_REGISTRY:-https://registry.npmjs.org}
DEST=.cache/axe-core

fail() { printf '\naxe-core failed: %s\n  fix: %s\n' "$1" "$2" >&2; exit 1; }

if [ -f "$DEST/axe.min.js" ] && echo "$FILE_SHA256  $DEST/axe.min.js" | sha256sum --check --status; then
  exit 0
fi
printf '\033[1m==> %s\033[0m\n' "downloading axe-core $VERSION from $REGISTRY"
tmp=$(mktemp -d -t lotse-axe.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
curl --fail --silent --show-error --location --retry 3 \
  -o "$tmp/axe.tgz" "$REGISTRY/axe-core/-/axe-core-$VERSION.tgz" \
  || fail "could not download axe-core $VERSION from $REGISTRY" \
          "check the network to the npm registry, or set NPM_REGISTRY to a mirror"
got="sha512-$(openssl dgst -sha512 -binary "$tmp/axe.tgz" | base64 -w0)"
[ "$got" = "$INTEGRITY" ] \
  || fail "axe-core $VERSION's tarball has $got, the pinned integrity is $INTEGRITY" \
          "the download was altered or the mirror serves another file; do not use it"
tar -xzf "$tmp/axe.tgz" -C "$tmp" package/axe.min.js package/LICENSE
echo "$FILE_SHA256  $tmp/package/axe.min.js" | sha256sum --check --status \
  || fail "axe.min.js inside the checked tarball has an unexpected SHA-256" \
          "update FILE_SHA256 in deploy/axe-core.sh together with VERSION and INTEGRITY"
mkdir -p "$DEST"
mv "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$DEST/"
printf '%s\n' "$VERSION" >"$DEST/VERSION"
