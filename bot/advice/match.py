"""Which services fit a person, best first: eligibility, then language, then topic, then
area. Pure: the directory is passed in, nothing is stored.

A service is left out when the person is certainly not eligible, when it advises
neither on the topic nor on every topic, or when the person gave a postcode outside its
area and it can only be reached by going there. Everything else is ranked; a service
that speaks none of the person's languages is still shown (after those that do), and
`Found.spoken` tells the flow to say so honestly."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from bot.advice.record import Service
from bot.advice.taxonomy import AgeGroup, Topic
from bot.holders import Situation

LIMIT = 3


class Eligible(IntEnum):
    """Lower ranks first."""

    YES = 0
    #: Depends on an answer the person did not give ("not sure").
    MAYBE = 1
    NO = 2


@dataclass(frozen=True, slots=True)
class Query:
    topic: Topic
    #: The person's language, then a second one they read (asked when none speaks the first).
    languages: tuple[str, ...]
    age: AgeGroup | None = None
    situation: Situation | None = None
    postcode: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    service: Service
    eligible: Eligible
    #: Which of the person's languages it speaks (the first it finds), or None.
    language: str | None
    #: It names the topic (not only general counselling).
    on_topic: bool
    #: The person's postcode lies in its area (None: no postcode given).
    local: bool | None


@dataclass(frozen=True, slots=True)
class Found:
    matches: tuple[Match, ...]
    #: Some fitting service speaks one of the person's languages.
    spoken: bool


def eligible(service: Service, age: AgeGroup | None, situation: Situation | None) -> Eligible:
    by_situation = _situation_fits(service, situation)
    if situation is not None and situation in service.any_age:
        return Eligible.YES
    by_age = _age_fits(service, age)
    if Eligible.NO in (by_age, by_situation):
        # "Not sure" of the situation may still be one taken at any age.
        if situation is None and service.any_age and by_situation is not Eligible.NO:
            return Eligible.MAYBE
        return Eligible.NO
    return max(by_age, by_situation)


def _age_fits(service: Service, age: AgeGroup | None) -> Eligible:
    low = service.min_age or 0
    high = 200 if service.max_age is None else service.max_age
    if low <= 12 and high >= 120:
        return Eligible.YES
    if age is None:
        return Eligible.MAYBE
    first, last = age.years
    if low <= first and last <= high:
        return Eligible.YES
    return Eligible.MAYBE if first <= high and low <= last else Eligible.NO


def _situation_fits(service: Service, situation: Situation | None) -> Eligible:
    if not service.situations:
        return Eligible.YES
    if situation is None:
        return Eligible.MAYBE
    return Eligible.YES if situation in service.situations else Eligible.NO


def questions(services: Iterable[Service], topic: Topic) -> tuple[str, ...]:
    """The eligibility questions worth asking for `topic`: "age" when a service on it has
    age limits, "situation" when one takes only some residence situations."""
    on_topic = [s for s in services if not s.topics or topic in s.topics]
    asked = []
    if any(_age_fits(s, None) is not Eligible.YES for s in on_topic):
        asked.append("age")
    if any(s.situations or s.any_age for s in on_topic):
        asked.append("situation")
    return tuple(asked)


def find(services: Iterable[Service], query: Query, limit: int = LIMIT) -> Found:
    fitting = [m for s in services if (m := _match(s, query)) is not None]
    spoken = any(m.language is not None for m in fitting)
    # The best `limit` without sorting them all (a directory may hold thousands).
    return Found(tuple(heapq.nsmallest(limit, fitting, key=lambda m: _rank(m, query))), spoken)


def _match(service: Service, query: Query) -> Match | None:
    # The topic first: the cheapest test, and the one that leaves out the most.
    on_topic = query.topic in service.topics
    if not (on_topic or not service.topics):
        return None
    fit = eligible(service, query.age, query.situation)
    if fit is Eligible.NO:
        return None
    local = None if query.postcode is None else service.serves(query.postcode)
    if local is False and not service.remote:
        return None
    language = next((lang for lang in query.languages if lang in service.languages), None)
    return Match(service, fit, language, on_topic, local)


def _rank(match: Match, query: Query) -> tuple[int, int, int, int, str]:
    languages = query.languages
    language = languages.index(match.language) if match.language else len(languages)
    # Serving the person's area, then every area, then reachable from elsewhere; with
    # no postcode every service is alike here.
    if match.local is None:
        area = 0
    elif match.local:
        area = 0 if match.service.areas else 1
    else:
        area = 2
    return (match.eligible, language, 0 if match.on_topic else 1, area, match.service.name)
