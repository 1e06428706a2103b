from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import ConsentRecord, Person
from bot.i18n.catalogs import LANGUAGES, direction, native_name
from bot.runtime.services import Services
from tests.support.factories import ChatPerson
from tests.support.flows import onboard


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_onboarding_in_every_language(client, services: Services, lang: str) -> None:
    person = ChatPerson(client, services)
    welcome = await person.open(language=lang)
    assert welcome[0]["lang"] == lang
    assert welcome[0]["dir"] == direction(lang)
    assert native_name(lang) in welcome[0]["text"]
    en_catalog = services.catalogs["en"]
    bot = await onboard(person, ["yes"])
    assert person.offered == ["advice", "settings", "my_consents", "my_data", "delete", "help"]
    texts = " ".join(m["text"] for m in person.seen if m["from"] == "bot")
    if lang != "en":
        # Really translated: the English sentences do not appear.
        assert en_catalog.gettext("Thank you! Your choices are saved.") not in texts
    assert all(m["lang"] == lang for m in bot)
    async with services.sessionmaker() as session:
        person_row = await session.scalar(select(Person))
        assert person_row is not None and person_row.language == lang
        assert person_row.onboarded_at is not None
        record = await session.scalar(select(ConsentRecord))
    assert record is not None
    assert (
        record.purpose,
        record.channel,
        record.state,
        record.method,
        record.notice_language,
    ) == ("contact", "webchat", "given", "chat", lang)


async def test_without_a_hint_the_language_menu_comes_first(client, services) -> None:
    person = ChatPerson(client, services)
    bot = await person.open()
    assert len(person.offered) == len(LANGUAGES)
    labels = [c["label"] for c in bot[0]["choices"]]
    assert "العربية" in labels and "ትግርኛ" in labels and "Українська" in labels
    bot = await person.choose("lang:fa")
    assert bot[0]["lang"] == "fa" and bot[0]["dir"] == "rtl"
    assert person.offered == ["continue", "other-language"]


async def test_accept_language_is_a_hint(client, services) -> None:
    person = ChatPerson(client, services)
    bot = await person.open(headers={"Accept-Language": "xx, uk;q=0.9, en;q=0.5"})
    assert bot[0]["lang"] == "uk"
    assert person.offered == ["continue", "other-language"]


async def test_the_person_can_change_the_hinted_language(client, services) -> None:
    person = ChatPerson(client, services)
    await person.open(language="de")
    await person.choose("other-language")
    bot = await person.choose("lang:ti")
    assert bot[0]["lang"] == "ti"


async def test_refusing_is_respected(client, services) -> None:
    person = ChatPerson(client, services)
    await person.open(language="en")
    bot = await onboard(person, ["no"])
    texts = [m["text"] for m in bot]
    assert any("no" in t and "web chat" in t for t in texts)  # the receipt names the decision
    assert any("You said no to being contacted" in t for t in texts)
    assert person.offered[0] == "advice"
    async with services.sessionmaker() as session:
        states = list(await session.scalars(select(ConsentRecord.state)))
        person_row = await session.scalar(select(Person))
    assert states == ["refused"]
    assert person_row is not None and person_row.channel_ranking == []
