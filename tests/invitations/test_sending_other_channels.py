"""Connecting with the code on Telegram (`/start <code>`, the deep link a letter or
SMS carries) and on the web chat (`POST /chat/api/sessions {"code"}`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from adapters import telegram
from bot.db.models import ConsentRecord, Contact, Invitation, Letter, Person
from bot.invitations.codes import code_of, token_of
from bot.kernel.types import Channel
from bot.people.postal import postal_address
from bot.runtime.services import Services
from bot.web.app import make_app
from tests.fakes.telegram import FakeTelegram
from tests.support.clock import Clock
from tests.support.factories import ChatPerson
from tests.support.invitations import ADDRESS, invite
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    buttons,
    start_harness,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_settings,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


async def test_a_telegram_only_invitation_goes_by_letter_and_connects_by_deep_link(
    database_url: str,
    tmp_path: Path,
    clock: Clock,
    fake: FakeTelegram,
) -> None:
    settings = telegram_settings(tmp_path, database_url, fake, telegram_bot_username="lotse_bot")
    services, adapter = await start_harness(settings, clock)
    app = make_app(services, dispatch=False, extra_routes=[telegram.routes(services)])
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            h = Harness(services, adapter, client, fake, clock)
            invitation = await invite(services, clock())
            # A bot cannot write first: the deep link travels by letter, and that is recorded.
            assert invitation.sent_via == "letter"
            assert (
                invitation.sent_note is not None
                and "Telegram link by letter" in invitation.sent_note
            )
            async with services.sessionmaker() as session:
                letters = list(await session.scalars(select(Letter)))
            assert [(x.kind, x.status) for x in letters] == [("invitation", "pending")]

            person = TelegramPerson(h, 7001, "en")  # the app speaks English; the letter said uk
            start = f"/start {token_of(services.vault, invitation)}"  # the letter's QR
            entities = [{"type": "bot_command", "offset": 0, "length": 6}]
            replies = await person.send(person.message(text=start, entities=entities))
            texts = "\n".join(r["text"] for r in replies)
            uk = services.catalogs["uk"]
            assert (
                uk.gettext("Welcome! {office} invited you to Lotse.").format(
                    office="Bürgeramt Mitte"
                )
                in texts
            )
            assert buttons(replies[-1]) == ["confirm", "change"]
            await person.send(person.callback("confirm"))
            async with services.sessionmaker() as session:
                current = await session.get(Invitation, invitation.id)
                letters = list(await session.scalars(select(Letter)))
                records = list(await session.scalars(select(ConsentRecord)))
                someone = await session.scalar(select(Person))
            assert current is not None and current.status == "connected"
            assert [x.status for x in letters] == ["cancelled"]  # no letter after connecting
            assert [(r.channel, r.method) for r in records] == [
                ("telegram", "office"),
                ("telegram", "chat"),
            ]
            assert someone is not None and someone.language == "uk"
    finally:
        await adapter.close()
        await services.close()


async def test_the_web_chat_connects_with_a_code(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    invitation = await invite(
        services, clock(), language="ar", channels=(Channel.LETTER,), reference="C-1"
    )
    person = ChatPerson(client, services)
    response = await client.post(
        "/chat/api/sessions", json={"code": code_of(services.vault, invitation)}
    )
    assert response.status == 201
    person.session = (await response.json())["session"]
    replies = await person.replies()
    ar = services.catalogs["ar"]
    assert any(
        ar.gettext("Welcome! {office} invited you to Lotse.").format(office="Bürgeramt Mitte")
        in m["text"]
        for m in replies
    )
    assert replies[-1]["dir"] == "rtl" and person.offered == ["confirm", "change"]
    # "Change" leads to the usual question per channel, answered by the person.
    await person.choose("change")
    assert person.offered == ["yes", "no"]


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ", "not a code at all"])
async def test_the_web_chat_explains_a_wrong_code(
    client: TestClient[Any, Any], services: Services, code: str
) -> None:
    response = await client.post("/chat/api/sessions", json={"code": code, "language": "en"})
    assert response.status == 201
    person = ChatPerson(client, services)
    person.session = (await response.json())["session"]
    texts = " ".join(m["text"] for m in await person.replies())
    assert "This code does not work" in texts
    assert "Hello! I am Lotse" in texts  # then the normal onboarding


async def test_a_code_that_is_not_a_string_is_a_bad_request(client: TestClient[Any, Any]) -> None:
    response = await client.post("/chat/api/sessions", json={"code": 12345678})
    assert response.status == 400


async def connected_in_chat(
    client: TestClient[Any, Any], services: Services, clock: Clock, reference: str
) -> tuple[ChatPerson, str]:
    """Someone invited by letter in German who opened the web chat with the code, and
    what Lotse answered."""
    invitation = await invite(
        services, clock(), language="de", channels=(Channel.LETTER,), reference=reference
    )
    person = ChatPerson(client, services)
    response = await client.post(
        "/chat/api/sessions", json={"code": code_of(services.vault, invitation)}
    )
    person.session = (await response.json())["session"]
    replies = await person.replies()
    return person, "\n".join(m["text"] for m in replies)


async def test_the_postal_address_is_kept_while_letters_are_agreed(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    person, answer = await connected_in_chat(client, services, clock, "P-1")
    told = services.catalogs["de"].gettext(
        "{office} gave us your name and postal address for letters. We keep them only as "
        "long as you agree to letters."
    )
    assert told.format(office="Bürgeramt Mitte") in answer  # the notice says what is kept
    await person.choose("confirm")
    async with services.sessionmaker() as session:
        person_id = await session.scalar(select(Person.id))
        assert person_id is not None
        kept = await postal_address(session, services.vault, person_id)
        stored = await session.scalar(
            select(Contact.address_enc).where(Contact.channel == "letter")
        )
    assert kept == ADDRESS
    assert stored is not None and ADDRESS.street not in stored  # encrypted at rest

    # Letters were agreed at the office: the settings offer to withdraw them, although
    # this installation's chat does not offer letters itself.
    await person.choose("settings")
    await person.choose("consent")
    assert person.offered == ["toggle:webchat", "toggle:letter", "done"]
    bot = await person.choose("toggle:letter")
    assert bot[0]["text"].startswith("Bestätigung:")  # the receipt, in German
    async with services.sessionmaker() as session:
        assert await postal_address(session, services.vault, person_id) is None


async def test_changing_the_office_consent_asks_for_its_channels_too(
    client: TestClient[Any, Any], services: Services, clock: Clock
) -> None:
    person, _ = await connected_in_chat(client, services, clock, "P-2")
    await person.choose("change")
    await person.choose("no")  # letters: no
    await person.choose("yes")  # the web chat: yes
    async with services.sessionmaker() as session:
        person_id = await session.scalar(select(Person.id))
        assert person_id is not None
        assert await postal_address(session, services.vault, person_id) is None
        records = await session.scalars(select(ConsentRecord).order_by(ConsentRecord.id))
        answers = [(r.channel, r.method, r.state) for r in records]
    assert answers == [
        ("letter", "office", "given"),
        ("letter", "chat", "refused"),
        ("webchat", "chat", "given"),
    ]
