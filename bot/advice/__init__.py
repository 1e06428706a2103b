"""The advice directory: the advice services of the operator's area, loaded from a file
the operator keeps (`lotse services import`), and which of them fit a person."""

from bot.advice.codec import FIELDS, LISTS, encode
from bot.advice.directory import (
    Counts,
    Directory,
    Imported,
    Stored,
    import_services,
    imports,
    load,
    recheck_before,
    remove_service,
    stored,
)
from bot.advice.files import DEMO_FILE, import_file, seed_demo
from bot.advice.hours import HoursError, format_hours, parse_hours
from bot.advice.match import LIMIT, Eligible, Found, Match, Query, find, questions
from bot.advice.parse import MAX_BYTES, ParseError, Problem, parse
from bot.advice.port import advice_port
from bot.advice.record import Hours, Place, Service
from bot.advice.taxonomy import AgeGroup, Programme, Reach, Topic

__all__ = [
    "DEMO_FILE",
    "FIELDS",
    "LIMIT",
    "LISTS",
    "MAX_BYTES",
    "AgeGroup",
    "Counts",
    "Directory",
    "Eligible",
    "Found",
    "Hours",
    "HoursError",
    "Imported",
    "Match",
    "ParseError",
    "Place",
    "Problem",
    "Programme",
    "Query",
    "Reach",
    "Service",
    "Stored",
    "Topic",
    "advice_port",
    "encode",
    "find",
    "format_hours",
    "import_file",
    "import_services",
    "imports",
    "load",
    "parse",
    "parse_hours",
    "questions",
    "recheck_before",
    "remove_service",
    "seed_demo",
    "stored",
]
