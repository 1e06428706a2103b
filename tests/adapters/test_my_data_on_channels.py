"""My data on the web chat and by SMS: an invited person connects, then sees what Lotse
keeps (contact details masked), why and until when, and who looked at their data,
including what the office did before they connected; one person never sees another's."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from adapters.twilio import EMPTY_TWIML, TwilioClient, TwilioSmsAdapter, routes
from adapters.webchat import WebChatAdapter
from bot.audit import Actor, Category, Concerned, record
from bot.db.models import Office
from bot.invitations import Personal, code_of, display_code
from bot.kernel.types import Channel
from bot.runtime.services import Services, build_services
from bot.web.app import make_app
from flows import build_router
from tests.fakes.twilio import FakeTwilio
from tests.support.clock import Clock
from tests.support.factories import ChatPerson, seed_municipality
from tests.support.invitations import ADDRESS, invite
from tests.support.twilio import TIMEOUT, Lotse, twilio_settings

PHONE = "+4915123456789"
NUMBERED = re.compile(r"^\u2067?(\d+)\. (.+?)\u2069?$")


def flat(text: str) -> str:
    return " ".join(text.split())


async def invited(services: Services, clock: Clock, channels: tuple[Channel, ...],
                  reference: str, phone: str = PHONE, accesses: int = 12) -> str:  # fmt: skip
    """An English invitation with `phone` and ADDRESS; the office printed its letter
    `accesses` times before the person connected. Its connect code, as typed."""
    invitation = await invite(
        services, clock() - timedelta(days=3), reference=reference, language="en",
        channels=channels, personal=Personal(phone=phone, postal_address=ADDRESS),
    )  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        office = await session.scalar(select(Office).where(Office.id == invitation.office_id))
        assert office is not None
        for n in range(accesses):
            await record(session, Actor.staff(office.id, 7), "letters.export",
                         clock() - timedelta(days=2, minutes=accesses - n),
                         concerns=[Concerned(invitation_id=invitation.id)],
                         categories=[Category.NAME, Category.POSTAL_ADDRESS])  # fmt: skip
    return display_code(code_of(services.vault, invitation))


def no_full_contact(text: str, phone: str = PHONE) -> None:
    assert phone not in text and phone[3:] not in text
    assert "Seestraße 12" not in text and "Kovalenko" not in text


# -- web chat ---------------------------------------------------------------------


async def on_web(client: TestClient[Any, Any], services: Services, code: str) -> ChatPerson:
    person = ChatPerson(client, services)
    await person.open(language="en")
    await person.say(code)
    await person.choose("confirm")
    return person


def texts(messages: list[dict[str, Any]]) -> str:
    return flat("\n".join(m["text"] for m in messages))


async def test_web_chat_my_data_masked_with_reasons_dates_and_history(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    code = await invited(services, clock, (Channel.WEBCHAT, Channel.LETTER), "MD-1")
    person = await on_web(client, services, code)
    assert "my_data" in person.offered
    shown = texts(await person.choose("my_data"))
    assert "This is what Lotse keeps about you, why, and until when:" in shown
    assert "Address for letters: Seestraße, 10115 Berlin." in shown
    # The office's phone number is kept only as a fingerprint: no number to show.
    assert "Phone number" not in shown
    assert "Invitation from Bürgeramt Mitte, agreed there on November 20, 2026." in shown
    assert "Why: the office invitation you accepted." in shown
    assert "Why: needed to write to you." in shown
    year_on = (clock() + timedelta(days=services.settings.retention_days)).date()
    assert f"Kept until {year_on:%B} {year_on.day}, {year_on.year} at the latest." in shown
    no_full_contact(shown)
    assert person.offered == ["history", "holders", "correct", "export", "move", "back"]

    first = texts(await person.choose("history"))
    assert first.count("Bürgeramt Mitte (office staff) printed your letter.") == 10
    assert "Data: name, postal address." in first
    assert "The list is complete since" in first
    assert person.offered == ["more", "back"]
    rest = texts(await person.choose("more"))
    assert rest.count("printed your letter") == 2
    assert person.offered == ["back"]
    no_full_contact(first + rest)
    menu = await person.choose("back")
    assert "Main menu. What would you like to do?" in texts(menu)


async def test_web_chat_one_person_never_sees_anothers(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    olena = await on_web(
        client, services, await invited(services, clock, (Channel.WEBCHAT, Channel.LETTER), "MD-2")
    )
    other_phone = "+4917099887766"
    code = await invited(
        services, clock, (Channel.WEBCHAT, Channel.LETTER), "MD-3", other_phone, accesses=1
    )
    other = await on_web(client, services, code)
    theirs = texts(await other.choose("my_data")) + texts(await other.choose("history"))
    assert "Phone number ending in 89" not in theirs
    assert theirs.count("printed your letter") == 1 and "more" not in other.offered
    await olena.choose("my_data")
    mine = texts(await olena.choose("history"))
    assert mine.count("printed your letter") == 10
    # The page cursor is kept in the conversation: the chat API takes no made-up one.
    assert await olena.post(choice="more", before=1) == 400
    rest = texts(await olena.choose("more"))
    assert rest.count("printed your letter") == 2
    no_full_contact(theirs, other_phone)


# -- SMS --------------------------------------------------------------------------


class SmsPerson:
    def __init__(self, services: Services, fake: FakeTwilio, url: str, clock: Clock) -> None:
        self.services, self.fake, self.url, self.clock = services, fake, url, clock
        self.number = PHONE
        self.bodies: list[str] = []

    async def write(self, text: str) -> list[str]:
        seen = len(self.fake.to(self.number))
        self.clock.advance(seconds=5)
        answer = await self.fake.inbound(self.url, self.number, text)
        assert (answer.status, answer.text) == (200, EMPTY_TWIML), answer
        await Lotse(self.services, self.fake, self.url, self.clock).dispatch()
        self.bodies = [m.body or "" for m in self.fake.to(self.number)[seen:]]
        return self.bodies

    async def choose(self, label: str) -> list[str]:
        numbered = [m for line in "\n".join(self.bodies).split("\n") if (m := NUMBERED.match(line))]
        number = next((m[1] for m in numbered if m[2] == label), None)
        assert number is not None, (label, self.bodies)
        return await self.write(number)


@asynccontextmanager
async def on_sms(database_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[SmsPerson]:
    async with FakeTwilio() as fake:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        settings = twilio_settings(
            tmp_path, fake, url, database_url=database_url, contact_channels="webchat,sms"
        )
        await seed_municipality(settings)
        sms = TwilioSmsAdapter(settings, TwilioClient(settings, timeout=TIMEOUT))
        services = await build_services(
            settings, router_factory=build_router,
            adapters={Channel.WEBCHAT: WebChatAdapter(), Channel.SMS: sms}, clock=clock,
        )  # fmt: skip
        runner = web.AppRunner(make_app(services, dispatch=False, extra_routes=[routes(services)]))
        try:
            await runner.setup()
            await web.SockSite(runner, sock).start()
            yield SmsPerson(services, fake, url, clock)
        finally:
            await runner.cleanup()
            await services.close()
            sock.close()


async def test_sms_my_data_short_masked_and_the_last_three_accesses(
    database_url: str, tmp_path: Path, clock: Clock
) -> None:
    async with on_sms(database_url, tmp_path, clock) as person:
        code = await invited(person.services, clock, (Channel.SMS,), "MD-4")
        await person.services.dispatcher.dispatch_once()  # the invitation SMS goes out
        await person.write(code)
        await person.choose("Yes, that is right")
        shown = await person.choose("My data")
        joined = flat("\n".join(shown))
        assert "Phone number ending in 89. Why: your consent." in joined
        assert "Address for letters" not in joined  # no letters agreed by SMS
        assert "Why: your consent." in joined
        no_full_contact(joined)
        history = await person.choose("Who looked at my data")
        lines = [b for b in history if "printed your letter" in b]
        assert len(lines) == 3  # the last three only, each a message of its own
        assert "The list is complete since" in history[-1]
        assert "More" not in history[-1]
        assert all(len(body) <= 3 * 153 for body in shown + history)
