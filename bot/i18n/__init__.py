"""Languages: catalogs, negotiation, language names, plural rules, the catalog check,
translators' review lists and what messages cost as SMS."""

from bot.i18n.access_words import ACTIONS, CATEGORIES, ROLES, access_sentence
from bot.i18n.catalogs import (
    LANGUAGES,
    Catalogs,
    Translator,
    direction,
    fold,
    native_name,
    negotiate,
    parse_accept_language,
)
from bot.i18n.check import (
    SOURCE_PACKAGES,
    check_all,
    check_catalogs,
    check_separation,
    check_template,
)
from bot.i18n.domains import DOMAINS, MESSAGES, STAFF, Domain
from bot.i18n.labels import (
    CHANNEL_NAMES,
    HANDOFF_FIELD_NAMES,
    PURPOSE_NAMES,
    REQUEST_KIND_NAMES,
    STATE_NAMES,
    channel_name,
    listed,
)
from bot.i18n.review import awaiting_review, format_review, mark_reviewed, review_list
from bot.i18n.review import languages as review_languages
from bot.i18n.sms_cost import SmsCost, format_report, over_budget, step_cost

__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "CHANNEL_NAMES",
    "DOMAINS",
    "HANDOFF_FIELD_NAMES",
    "LANGUAGES",
    "MESSAGES",
    "PURPOSE_NAMES",
    "REQUEST_KIND_NAMES",
    "ROLES",
    "SOURCE_PACKAGES",
    "STAFF",
    "STATE_NAMES",
    "Catalogs",
    "Domain",
    "SmsCost",
    "Translator",
    "access_sentence",
    "awaiting_review",
    "channel_name",
    "check_all",
    "check_catalogs",
    "check_separation",
    "check_template",
    "direction",
    "fold",
    "format_report",
    "format_review",
    "listed",
    "mark_reviewed",
    "native_name",
    "negotiate",
    "over_budget",
    "parse_accept_language",
    "review_languages",
    "review_list",
    "step_cost",
]
