"""The advice directory: the advice services of the operator's area, loaded from a file
the operator keeps (`lotse services import`), and which of them fit a person."""

from bot.advice.match import LIMIT, Eligible, Found, Match, Query, find, questions
from bot.advice.record import Hours, Place, Service
from bot.advice.taxonomy import AgeGroup, Programme, Reach, Topic

__all__ = [
    "LIMIT",
    "AgeGroup",
    "Eligible",
    "Found",
    "Hours",
    "Match",
    "Place",
    "Programme",
    "Query",
    "Reach",
    "Service",
    "Topic",
    "find",
    "questions",
]
