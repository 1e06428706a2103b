#!/usr/bin/env bash
# Translator workflow, step 1 and 2: extract the source strings into messages.pot,
# then merge them into every language's messages.po (new strings arrive empty).
# Then translate the empty entries and run `lotse i18n check` (see locales/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
"$PYBABEL" extract -F locales/babel.cfg -k t -k tn:1,2 -k Keyword --no-default-keywords \
  --add-comments=TRANSLATORS: --sort-by-file --project=Lotse \
  --copyright-holder="Lotse contributors" -o locales/messages.pot bot flows adapters
for po in locales/*/LC_MESSAGES/messages.po; do
  lang=$(basename "$(dirname "$(dirname "$po")")")
  # pybabel drops header fields it does not know; keep the record of the last review.
  reviewed=$(grep -m1 '^"X-Lotse-Reviewed: ' "$po" || true)
  "$PYBABEL" update --no-fuzzy-matching --ignore-obsolete -l "$lang" -i locales/messages.pot -d locales
  if [ -n "$reviewed" ]; then
    sed -i "/^\"Language: /a\\${reviewed//\\/\\\\}" "$po"
  fi
done
