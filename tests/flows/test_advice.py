"""Find advice through the web chat API, on the demo directory imported through its
import: three services in Arabic (right to left, numbers kept in place), a person
writing Pashto (spoken by no demo service) asked for a second language, Tigrinya's day
names, and nothing of the answers kept anywhere once the services are shown."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.db.models import Base, Conversation
from tests.support.advice import ASYLUM, JMD, MBE, NAMES, VIOLENCE, demo
from tests.support.flows import onboarded

LRI, PDI = "\u2066", "\u2069"


async def counts(services: Any) -> dict[str, int]:
    """Rows per table."""
    async with services.sessionmaker() as session:
        return {
            table.name: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


async def own_state(services: Any) -> dict[str, Any]:
    async with services.sessionmaker() as session:
        row = await session.scalar(select(Conversation))
        assert row is not None
        return {key: value for key, value in row.data.items() if not key.startswith("_")}


async def test_three_services_in_arabic_and_nothing_kept(client: Any, services: Any) -> None:
    await demo(services.sessionmaker, services.clock())
    person = await onboarded(client, services, lang="ar")
    assert person.offered[0] == "advice"
    before = await counts(services)
    [intro] = await person.choose("advice")
    assert intro["dir"] == "rtl" and "لا يتم حفظ إجاباتك." in intro["text"]
    await person.choose("topic:family")
    await person.choose("age:27+")
    [postcode] = await person.choose("situation:asylum")
    assert person.offered == ["skip", "back"] and "اكتب الأرقام الخمسة" in postcode["text"]
    assert await own_state(services) == {
        "topic": "family", "ask": [], "age": "27+", "situation": "asylum",
    }  # fmt: skip
    header, *cards, after = await person.say("12345")
    assert header["text"] == "جهات الاستشارة هذه مناسبة لك، الأنسب أولًا:"
    assert [c["text"].split("\n")[0] for c in cards] == [
        f"{LRI}{NAMES[slug]}{PDI}" for slug in (ASYLUM, VIOLENCE, MBE)
    ]
    mbe = cards[2]["text"]
    assert f"العنوان: {LRI}Musterstraße 1, 12345 Musterstadt{PDI}" in mbe
    assert f"الاثنين–الخميس {LRI}09:00–12:00{PDI}" in mbe
    assert f"الهاتف: {LRI}+49 30 1234567{PDI}" in mbe
    assert "اللغات: العربية، الألمانية، الإنجليزية" in mbe
    assert "تم التحقق في 16 نوفمبر 2026." in mbe
    assert all(card["dir"] == "rtl" for card in cards)
    # The MBE takes requests through Lotse: it can be asked to contact the person.
    assert person.offered == [f"handoff:{MBE}:family", "topics", "back"]
    # The answers are gone from the conversation, and no other row was written but
    # the messages themselves and the conversation's step.
    assert await own_state(services) == {}
    after_counts = await counts(services)
    changed = {name for name, n in after_counts.items() if n != before[name]}
    assert changed <= {"messages", "inbox"}, changed
    await person.choose("back")
    assert person.offered[0] == "advice"
    assert after["text"]


async def test_pashto_is_told_and_asked_for_another_language(client: Any, services: Any) -> None:
    await demo(services.sessionmaker, services.clock())
    person = await onboarded(client, services, lang="ps")
    await person.choose("advice")
    await person.choose("topic:work")
    await person.choose("age:18-26")
    await person.choose("unsure")
    [asked] = await person.choose("skip")
    assert "(پښتو)" in asked["text"] and asked["dir"] == "rtl"
    assert "lang:ps" not in person.offered and person.offered[-2:] == ["none", "back"]
    labels = {c["id"]: c for c in asked["choices"]}
    # Each language named in its own script, marked for screen readers.
    assert labels["lang:fa"] == {"id": "lang:fa", "label": "فارسی", "lang": "fa", "dir": "rtl"}
    # Still asking: the answers are in the state until the services are shown.
    assert (await own_state(services))["topic"] == "work"
    header, first, *_ = await person.choose("lang:fa")
    assert header["lang"] == "ps"  # still in Pashto: the second language only searched
    assert first["text"].startswith(f"{LRI}{NAMES[JMD]}{PDI}")
    assert "ژبې: فارسي" in first["text"]
    assert await own_state(services) == {}


async def test_tigrinya_day_names_and_no_second_question(client: Any, services: Any) -> None:
    await demo(services.sessionmaker, services.clock())
    person = await onboarded(client, services, lang="ti")
    await person.choose("advice")
    [situation] = await person.choose("topic:violence")  # no age limit on this topic
    assert "unsure" in person.offered
    await person.choose("unsure")
    header, *cards, _ = await person.choose("skip")
    assert header["lang"] == "ti" and len(cards) == 3
    text = "\n".join(card["text"] for card in cards)
    assert "ሰኑ–ሰን 00:00–24:00" in text  # the violence helpline, every day
    assert "ዝተረጋገጸሉ ዕለት፦" in text
    assert situation["text"]
