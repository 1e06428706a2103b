"""The directory for the flows: the `Advice` port (bot/conversation/scope.py).

Flows pass the directory's words as strings; a word this Lotse does not know (a state
saved before an update) counts as not answered. The directory is read once per process
and again only after an import (bot.advice.directory.Directory)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from bot.advice.directory import Directory
from bot.advice.match import Found, Query, find, questions
from bot.advice.record import Service
from bot.advice.taxonomy import AgeGroup, Topic
from bot.config import Settings
from bot.conversation import Advice, StepScope
from bot.holders import Situation

_POSTCODE = re.compile(r"^\d{5}$")


E = TypeVar("E", Topic, AgeGroup, Situation)


def _word(kind: type[E], value: str | None) -> E | None:
    if value is None or value not in kind._value2member_map_:
        return None
    return kind(value)


class DirectoryAdvice(Advice):
    """The directory as one step reads it (through the step's own transaction)."""

    __slots__ = ("__directory", "__scope")

    def __init__(self, scope: StepScope, directory: Directory) -> None:
        self.__scope = scope
        self.__directory = directory

    async def _services(self) -> tuple[Service, ...]:
        return await self.__directory.services(self.__scope.session)

    async def topics(self) -> tuple[str, ...]:
        services = await self._services()
        if any(not s.topics for s in services):
            return tuple(t.value for t in Topic)
        named = {t for s in services for t in s.topics}
        return tuple(t.value for t in Topic if t in named)

    async def questions(self, topic: str) -> tuple[str, ...]:
        chosen = _word(Topic, topic)
        if chosen is None:
            return ()
        return questions(await self._services(), chosen)

    async def languages(self) -> tuple[str, ...]:
        return tuple(sorted({lang for s in await self._services() for lang in s.languages}))

    async def find(
        self,
        *,
        topic: str,
        languages: tuple[str, ...],
        age: str | None = None,
        situation: str | None = None,
        postcode: str | None = None,
    ) -> Found:
        chosen = _word(Topic, topic)
        if chosen is None:
            return Found((), False)
        query = Query(
            topic=chosen,
            languages=tuple(dict.fromkeys(lang.strip().lower() for lang in languages if lang)),
            age=_word(AgeGroup, age),
            situation=_word(Situation, situation),
            postcode=postcode.strip() if postcode and _POSTCODE.match(postcode.strip()) else None,
        )
        return find(await self._services(), query)


def advice_port(settings: Settings) -> Callable[[StepScope], Advice]:
    """The factory the runtime lists among the engine's ports under `Advice`; the
    process's copy of the directory lives as long as it."""
    directory = Directory()
    return lambda scope: DirectoryAdvice(scope, directory)
