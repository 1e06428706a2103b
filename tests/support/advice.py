"""The advice directory for tests of "Find advice": the demo services, or services built
here, imported through the directory's own import; and every choice the flow offers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.advice import Hours, Place, Programme, Service, import_services, seed_demo
from bot.kernel.bidi import isolated
from bot.kernel.types import Choice, Text, t
from flows import advice_words as words
from flows import handoff_words
from flows.handoff import ask_choice
from flows.holders import UNSURE, situation_choices

#: The demo's services by slug (bot/advice/data/demo-services.json).
MBE = "beispiel-mbe-musterstadt"
JMD = "beispiel-jmd-musterstadt"
ASYLUM = "beispiel-asylverfahrensberatung"
LEGAL = "beispiel-rechtsberatung"
ONLINE = "beispiel-onlineberatung"
VIOLENCE = "beispiel-schutz-bei-gewalt"
NAMES = {
    MBE: "Beispiel-Migrationsberatung Musterstadt (fiktiv)",
    JMD: "Beispiel-Jugendmigrationsdienst Musterstadt (fiktiv)",
    ASYLUM: "Beispiel-Asylverfahrensberatung Musterland (fiktiv)",
    LEGAL: "Beispiel-Rechtsberatung für Geflüchtete (fiktiv)",
    ONLINE: "Beispiel-Onlineberatung für Zugewanderte (fiktiv)",
    VIOLENCE: "Beispiel-Beratung bei Gewalt Musterstadt (fiktiv)",
}


async def demo(sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
    """The demo services, imported as `lotse demo` imports them."""
    async with sessions() as session, session.begin():
        await seed_demo(session, now=now, today=now.date())


async def directory(
    sessions: async_sessionmaker[AsyncSession], now: datetime, services: Sequence[Service]
) -> None:
    async with sessions() as session, session.begin():
        await import_services(
            session, services, replace=True, file_name="test.json", sha256=None, now=now
        )


def service(slug: str, **changes: Any) -> Service:
    """A service for every topic in German, in person in Musterstadt, Monday mornings."""
    base: dict[str, Any] = {
        "slug": slug, "name": slug.title(), "programme": Programme.OTHER,
        "provider": "Träger e. V.", "topics": frozenset(), "languages": frozenset({"de"}),
        "verified_at": date(2026, 11, 2), "source": "test",
        "place": Place("Weg 1", "12345", "Musterstadt", (Hours(0, time(9), time(12)),)),
    }  # fmt: skip
    return Service(**{**base, **changes})


def advice_choices() -> list[Choice]:
    """Every choice "Find advice" can offer, on a chat and by SMS (languages are those
    of the language menu)."""
    topics = {**words.TOPICS, **words.SMS_TOPICS}
    return [
        *(Choice(words.TOPIC_CHOICE + key, label) for key, label in words.TOPICS.items()),
        *(Choice(words.TOPIC_CHOICE + key, label) for key, label in topics.items()),
        *(Choice(words.AGE_CHOICE + key, label) for key, label in words.AGES.items()),
        *situation_choices(),
        Choice("situation:asylum", words.SMS_ASYLUM),
        UNSURE,
        words.SKIP,
        words.NONE,
        words.ANOTHER,
        # The demo's MBE takes requests through Lotse (its name isolated in RTL text);
        # asked about family reunification, as the channel tests do.
        *(
            Choice(ask_choice(MBE, "family"), t(handoff_words.ASK.msgid, service=name))
            for name in (NAMES[MBE], isolated(NAMES[MBE]))
        ),
        *handoff_choices(),
    ]


def handoff_choices() -> list[Choice]:
    """Every choice of the hand-off by SMS (toggles with GSM marks) and "My consents"'
    writing to and withdrawal of the MBE's."""
    toggles = [
        Choice(handoff_words.FIELD_CHOICE + key, Text(f"{mark} {{label}}", {"label": label}))
        for key, label in handoff_words.SMS_FIELDS.items()
        for mark in ("[ ]", "[x]")
    ]
    withdraw = [
        Choice(f"{prefix}1", t(label.msgid, service=name))
        for prefix, label in (
            (handoff_words.WITHDRAW_CHOICE, handoff_words.WITHDRAW),
            (handoff_words.WRITE_CHOICE, handoff_words.WRITE),
        )
        for name in (NAMES[MBE], isolated(NAMES[MBE]))
    ]
    return [
        *toggles, handoff_words.SEND, handoff_words.CANCEL, handoff_words.AGREE,
        handoff_words.WITHOUT, handoff_words.RELAY, *withdraw,
    ]  # fmt: skip
