"""The `Advice` port as the runtime wires it for flows: strings in, the directory's
answers out; a word this Lotse does not know counts as not answered."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.advice import import_services, seed_demo
from bot.config import Settings
from bot.conversation import Advice, StepScope
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.runtime.services import feature_ports
from tests.advice.conftest import NOW, TODAY, service, topics
from tests.support.settings import SECRET


@pytest.fixture
async def port(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Advice]:
    make = feature_ports(settings)[Advice]
    async with sessions() as session:
        scope = StepScope(session, Vault(SECRET), 1, NOW, Channel.WEBCHAT, "idx", None, None)
        advice = make(scope)
        assert isinstance(advice, Advice)
        yield advice


async def _demo(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        await seed_demo(session, now=NOW, today=TODAY)


async def test_an_empty_directory_offers_nothing(port: Advice) -> None:
    assert await port.topics() == ()
    assert await port.languages() == ()
    found = await port.find(topic="work", languages=("ar",))
    assert found.matches == () and not found.spoken


async def test_topics_languages_and_questions_of_the_demo(
    port: Advice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _demo(sessions)
    # The demo has a general online service: every topic, in the taxonomy's order.
    assert (await port.topics())[:3] == ("asylum", "residence", "work")
    assert len(await port.topics()) == 10
    languages = await port.languages()
    assert {"ku", "ckb", "ar", "fa", "ti", "so", "tr", "fr", "uk", "ru", "en", "de"} <= set(
        languages
    )
    assert "ps" not in languages and list(languages) == sorted(languages)
    assert await port.questions("school") == ("age", "situation")
    assert await port.questions("no-such-topic") == ()


async def test_topics_without_a_general_service_are_those_named(
    port: Advice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        await import_services(session, [service("a", topics=topics("work", "asylum"))],
                              replace=False, file_name="f", sha256=None, now=NOW)  # fmt: skip
    assert await port.topics() == ("asylum", "work")


async def test_find_converts_words_and_ignores_unknown_ones(
    port: Advice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _demo(sessions)
    adult = await port.find(topic="work", languages=("ar",), age="27+", postcode="12345")
    assert adult.spoken
    assert adult.matches[0].service.slug == "beispiel-mbe-musterstadt"
    assert all(m.language == "ar" for m in adult.matches)
    # A stale age word and a malformed postcode count as not answered.
    stale = await port.find(topic="work", languages=("ar",), age="adult", postcode="12 3")
    assert {m.service.slug for m in stale.matches} >= {"beispiel-mbe-musterstadt"}
    assert all(m.local is None for m in stale.matches)
    assert (await port.find(topic="gardening", languages=("ar",))).matches == ()


async def test_nobody_speaks_pashto_and_the_port_says_so(
    port: Advice, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _demo(sessions)
    found = await port.find(topic="residence", languages=("ps",), age="27+")
    assert not found.spoken and found.matches
    second = await port.find(topic="residence", languages=("ps", "fa"), age="27+")
    assert second.spoken and second.matches[0].language == "fa"
