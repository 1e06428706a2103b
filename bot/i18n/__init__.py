"""Languages: catalogs, negotiation, language names, plural rules, the catalog check
and what messages cost as SMS."""

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
from bot.i18n.check import SOURCE_PACKAGES, check_catalogs, check_template
from bot.i18n.labels import CHANNEL_NAMES, PURPOSE_NAMES, STATE_NAMES, channel_name, listed
from bot.i18n.sms_cost import SmsCost, format_report, over_budget, step_cost

__all__ = [
    "CHANNEL_NAMES",
    "LANGUAGES",
    "PURPOSE_NAMES",
    "SOURCE_PACKAGES",
    "STATE_NAMES",
    "Catalogs",
    "SmsCost",
    "Translator",
    "channel_name",
    "check_catalogs",
    "check_template",
    "direction",
    "fold",
    "format_report",
    "listed",
    "native_name",
    "negotiate",
    "over_budget",
    "parse_accept_language",
    "step_cost",
]
