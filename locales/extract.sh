#!/usr/bin/env bash
# Translator workflow, step 1 and 2: extract the source strings into each domain's
# template, then merge them into every language's catalog (new strings arrive empty).
# Then translate the empty entries and run `lotse i18n check` (see locales/README.md).
#
# Two gettext domains (bot/i18n/domains.py), which never share a source string:
# - messages: what people read, 13 languages; t(), tn(), Keyword() in bot, flows, adapters
# - staff: the office pages, the advisor inbox, the advisors' digest and the overview charts, de and en; _(), N_(), ngettext()
#   in bot/web/office, bot/web/advice, bot/cases/digest and bot/cases/charts only
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
# The holder catalog's extraction method (bot/holders/extract.py) comes from this tree.
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
common=(-F locales/babel.cfg --no-default-keywords --add-comments=TRANSLATORS:
  --sort-by-file --project=Lotse --copyright-holder="Lotse contributors")

"$PYBABEL" extract "${common[@]}" -k t -k tn:1,2 -k Keyword \
  -o locales/messages.pot bot flows adapters
"$PYBABEL" extract "${common[@]}" -k _ -k N_ -k ngettext:1,2 \
  -o locales/staff.pot bot/web/office bot/web/advice bot/cases/digest bot/cases/charts

for domain in messages staff; do
  for po in locales/*/LC_MESSAGES/"$domain".po; do
    lang=$(basename "$(dirname "$(dirname "$po")")")
    # pybabel drops header fields it does not know; keep the record of the last review.
    reviewed=$(grep -m1 '^"X-Lotse-Reviewed: ' "$po" || true)
    "$PYBABEL" update --no-fuzzy-matching --ignore-obsolete -D "$domain" -l "$lang" \
      -i "locales/$domain.pot" -d locales
    if [ -n "$reviewed" ]; then
      sed -i "/^\"Language: /a\\${reviewed//\\/\\\\}" "$po"
    fi
  done
done
