from __future__ import annotations

from sqlalchemy import select

from bot.db.models import ConsentRecord, Person
from tests.support.flows import onboarded


async def test_change_language_in_settings(client, services) -> None:
    person = await onboarded(client, services)
    await person.choose("settings")
    assert "language" in person.offered
    await person.choose("language")
    bot = await person.choose("lang:ru")
    assert bot[0]["lang"] == "ru"
    assert person.offered[0] == "advice"  # back at the menu, now in Russian


async def test_language_keyword_works_in_any_language_at_any_step(client, services) -> None:
    person = await onboarded(client, services)
    russian_word = services.catalogs["ru"].keywords(
        __import__("bot.kernel.types", fromlist=["Keyword"]).Keyword("keyword-language")
    )[0]
    for word in ["language", "LANGUAGE!", russian_word]:
        await person.say(word)
        assert len(person.offered) == 13, word
        await person.choose("lang:en")


async def test_withdraw_and_give_again_appends_history_with_receipts(client, services) -> None:
    person = await onboarded(client, services)
    await person.choose("settings")
    bot = await person.choose("consent")
    assert person.offered == ["toggle:webchat", "done"]
    assert "yes" in bot[0]["choices"][0]["label"]
    bot = await person.choose("toggle:webchat")
    assert "Confirmation" in bot[0]["text"] and "withdrawn" in bot[0]["text"]
    bot = await person.choose("toggle:webchat")
    assert "Confirmation" in bot[0]["text"] and ": yes" in bot[0]["text"]
    async with services.sessionmaker() as session:
        states = list(
            await session.scalars(select(ConsentRecord.state).order_by(ConsentRecord.created_at))
        )
    assert states == ["given", "withdrawn", "given"]


async def test_my_consents_lists_date_and_notice_version(client, services) -> None:
    person = await onboarded(client, services, lang="de")
    bot = await person.choose("my_consents")
    text = bot[0]["text"]
    assert "23. November 2026" in text
    assert "2026-12-02" in text  # NOTICE_VERSION, not the date
    assert person.offered[0] == "advice"


async def test_withdrawing_removes_the_channel_from_the_ranking(client, services) -> None:
    person = await onboarded(client, services)
    await person.choose("settings")
    await person.choose("consent")
    await person.choose("toggle:webchat")
    async with services.sessionmaker() as session:
        person_row = await session.scalar(select(Person))
    assert person_row is not None and person_row.channel_ranking == []
