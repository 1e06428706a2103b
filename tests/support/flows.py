"""A web chat person clicked through onboarding, for the flows that come after it."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.runtime.services import Services
from tests.support.factories import ChatPerson


async def onboard(person: ChatPerson, answers: list[str]) -> list[dict[str, Any]]:
    """Click through onboarding from the welcome, answering consent questions in order."""
    await person.choose("continue")  # welcome → about
    bot = await person.choose("continue")  # about → first consent question
    for answer in answers:
        bot = await person.choose(answer)
    return bot


async def onboarded(
    client: TestClient[Any, Any], services: Services, lang: str = "en"
) -> ChatPerson:
    """A person who opened the chat in `lang` and said yes to contact."""
    person = ChatPerson(client, services)
    await person.open(language=lang)
    await onboard(person, ["yes"])
    return person
