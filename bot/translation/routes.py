"""Which models a translation goes through, and an honest answer where there are none.

Argos publishes models only between English and de, ar, fa, tr, ru, fr, uk (its package
index, mid-2025); none at all for ps, ku, ckb, ti or so. A pair without a direct model
goes through English when both halves are installed. Whatever the operator installed is
used, also outside this table; the table only tells "not installed" from "no model exists".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import LANGUAGES

PIVOT = "en"
#: Lotse's languages with published models, each to and from English.
PUBLISHED_WITH_ENGLISH = frozenset({"de", "ar", "fa", "tr", "ru", "fr", "uk"})
#: Lotse's languages no published model covers.
NO_PUBLISHED_MODEL = frozenset(LANGUAGES) - PUBLISHED_WITH_ENGLISH - {PIVOT}

Pair = tuple[str, str]


class RouteKind(StrEnum):
    SAME_LANGUAGE = "same-language"
    DIRECT = "direct"
    VIA_ENGLISH = "via-english"
    NOT_INSTALLED = "not-installed"
    NO_MODEL_EXISTS = "no-model-exists"


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    #: The languages the text goes through, e.g. ("fa", "en", "de"); empty without a route.
    path: tuple[str, ...] = ()

    @property
    def hops(self) -> tuple[Pair, ...]:
        return tuple(zip(self.path, self.path[1:], strict=False))


def language(code: str) -> str:
    """`code` if it is one of Lotse's languages; a ValueError (a caller's mistake) if not."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}; Lotse speaks {', '.join(LANGUAGES)}")
    return code


def published(pair: Pair) -> bool:
    """Argos publishes a model for this pair."""
    source, target = pair
    return (source == PIVOT and target in PUBLISHED_WITH_ENGLISH) or (
        target == PIVOT and source in PUBLISHED_WITH_ENGLISH
    )


def route(source: str, target: str, installed: Collection[Pair]) -> Route:
    if source == target:
        return Route(RouteKind.SAME_LANGUAGE)
    if (source, target) in installed:
        return Route(RouteKind.DIRECT, (source, target))
    if PIVOT not in (source, target) and {(source, PIVOT), (PIVOT, target)} <= set(installed):
        return Route(RouteKind.VIA_ENGLISH, (source, PIVOT, target))
    if _could_exist(source, target, installed):
        return Route(RouteKind.NOT_INSTALLED)
    return Route(RouteKind.NO_MODEL_EXISTS)


def _could_exist(source: str, target: str, installed: Collection[Pair]) -> bool:
    """A direct model, or both halves through English, is published or installed."""
    known = set(installed)

    def exists(pair: Pair) -> bool:
        return pair in known or published(pair)

    if exists((source, target)):
        return True
    return PIVOT not in (source, target) and exists((source, PIVOT)) and exists((PIVOT, target))


@dataclass(frozen=True, slots=True)
class Coverage:
    """One of Lotse's languages, to and from German."""

    language: str
    to_german: Route
    from_german: Route


def coverage(installed: Collection[Pair], hub: str = "de") -> tuple[Coverage, ...]:
    """Per language of Lotse, how a text gets to and from `hub` (German) here."""
    others: Iterable[str] = (code for code in LANGUAGES if code != hub)
    return tuple(
        Coverage(code, route(code, hub, installed), route(hub, code, installed)) for code in others
    )
