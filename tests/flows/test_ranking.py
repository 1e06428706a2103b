from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.db.models import ConsentRecord, Person
from bot.kernel.types import Channel
from tests.support.factories import ChatPerson
from tests.support.flows import onboard


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Three channels to consent to, so that ranking has something to rank.
    channels = (Channel.WEBCHAT, Channel.SMS, Channel.LETTER)
    return settings.model_copy(update={"contact_channels": channels})


async def test_consent_per_channel_and_ranking(client, services) -> None:
    person = ChatPerson(client, services)
    await person.open(language="en")
    bot = await onboard(person, ["yes", "no", "yes"])
    assert "Confirmation: we have saved 3 answers." in bot[0]["text"]
    assert person.offered == ["rank:webchat", "rank:letter"]
    bot = await person.choose("rank:letter")
    assert "letter by post, this web chat" in bot[0]["text"]
    async with services.sessionmaker() as session:
        person_row = await session.scalar(select(Person))
        count = await session.scalar(select(func.count()).select_from(ConsentRecord))
    assert person_row is not None and person_row.channel_ranking == ["letter", "webchat"]
    assert count == 3
