"""Request letters delivered on every channel, and who can open them:

- web chat: a link under the message that works only in the session that asked;
- SMS: a short link `/r/<token>` to a page in the person's language, for a short time;
- Telegram: the PDF sent as a document through the real outbox.

A wrong, expired, deleted or someone else's link gets the same 404 page; the access log
records each letter received, as the person's own doing, and no page view."""

from __future__ import annotations

import logging
import subprocess
from datetime import timedelta
from html import escape
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.db.models import AccessEntry, Contact, Person
from bot.kernel.types import Channel
from bot.messaging import Outgoing, enqueue
from bot.mydata import REFERENCE, attachment_loader
from bot.rights import LETTER_REFERENCE, IssuedLetter, RequestView, letter_loader
from bot.runtime.attachments import by_prefix
from bot.runtime.logs import AccessLogger
from bot.runtime.services import Services
from bot.web.rights import LETTER_WARNING
from tests.rights.support import IDENTITY, step, typed
from tests.support.clock import Clock
from tests.support.connect import person_on
from tests.support.flows import onboarded
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_harness,  # noqa: F401  (the fixture `tg`)
)

Client = TestClient[Any, Any]
TOKEN = "cR7ePgj00YMsP3sgelbzIg"


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True)  # fmt: skip
    return done.stdout.decode()


async def logged(services: Services, action: str) -> list[str | None]:
    async with services.sessionmaker() as session:
        rows = await session.scalars(
            select(AccessEntry.detail)
            .where(AccessEntry.action == action, AccessEntry.role == "person")
            .order_by(AccessEntry.id)
        )
        return list(rows)


async def letter_for(
    services: Services, clock: Clock, person: int, channel: Channel
) -> IssuedLetter:
    """The person asks the AZR what it holds, types who they are, and gets the letter."""
    view = await step(services, clock, person, channel, lambda port: port.start("azr", "access"))
    assert isinstance(view, RequestView)
    await typed(services, clock, person, view.request_id, IDENTITY, channel)
    issued = await step(services, clock, person, channel,
                        lambda port: port.letter(view.request_id))  # fmt: skip
    assert isinstance(issued, IssuedLetter)
    return issued


async def delivered(services: Services, clock: Clock, person: int, channel: Channel,
                    issued: IssuedLetter) -> None:  # fmt: skip
    """The reply that carries the letter, queued as a conversation step queues it."""
    async with services.sessionmaker() as session, session.begin():
        contact = await session.scalar(
            select(Contact).where(Contact.person_id == person, Contact.channel == channel)
        )
        assert contact is not None
        await enqueue(session, services.vault, Outgoing(
            person_id=person, contact_id=contact.id, channel=channel.value, lang="en",
            text="Your letter is ready.", attachment=issued.reference,
        ), clock())  # fmt: skip


async def test_web_chat_letter_opens_only_in_its_own_session(
    client: Client, services: Services, clock: Clock
) -> None:
    person = await onboarded(client, services)
    other = await onboarded(client, services)
    async with services.sessionmaker() as session:
        person_id = await session.scalar(
            select(Contact.person_id).where(Contact.channel == "webchat").order_by(Contact.id)
        )
    assert person_id is not None
    issued = await letter_for(services, clock, person_id, Channel.WEBCHAT)
    assert issued.link is None
    assert issued.expires_at == clock() + timedelta(hours=services.settings.mydata_export_hours)
    await delivered(services, clock, person_id, Channel.WEBCHAT, issued)

    [message] = [m for m in await person.replies() if m.get("documents")]
    [document] = message["documents"]
    name = f"LOTSE-R-{issued.request_id}.pdf"
    assert document["name"] == name and document["type"] == "application/pdf"
    response = await client.get(document["href"])
    body = await response.read()
    assert response.status == 200, body[:200]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert 'filename="' in response.headers["Content-Disposition"]
    text = pdf_text(body)
    assert "Haddad" in text and "Bundesverwaltungsamt" in text
    assert f"LOTSE-R-{issued.request_id}" in text
    assert await logged(services, "rights.download") == ["webchat"]

    # Everyone else: another session, a made-up one, a wrong request, time up.
    path = document["href"]
    wrong = [
        path.replace(person.session, other.session),
        path.replace(person.session, "x" * len(person.session)),
        path.replace(f"/letters/{issued.request_id}/", f"/letters/{issued.request_id + 1}/"),
        path.replace(name, "letter.exe"),
    ]
    answers = [await client.get(href) for href in wrong]
    clock.advance(hours=services.settings.mydata_export_hours, seconds=1)
    answers.append(await client.get(path))
    assert {answer.status for answer in answers} == {404}
    assert len({await answer.text() for answer in answers}) == 1
    assert await logged(services, "rights.download") == ["webchat"]


async def test_sms_letter_is_a_short_link_to_a_page_in_the_persons_language(
    client: Client, services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, Channel.SMS, "+4915112345670")
    async with services.sessionmaker() as session, session.begin():
        found = await session.get(Person, person)
        assert found is not None
        found.language = "ar"
    issued = await letter_for(services, clock, person, Channel.SMS)
    assert issued.link is not None and "/r/" in issued.link
    path = issued.link.removeprefix(services.settings.public_url)

    page = await client.get(path)
    html = await page.text()
    assert page.status == 200
    assert '<html lang="ar" dir="rtl">' in html
    ar = services.catalogs["ar"]
    assert escape(ar.text(LETTER_WARNING)) in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert page.headers["Cache-Control"] == "no-store"
    assert await logged(services, "rights.download") == []  # the page only links

    href = f"{path}/LOTSE-R-{issued.request_id}.pdf"
    assert f'href="{href}"' in html
    response = await client.get(href)
    assert response.status == 200 and (await response.read()).startswith(b"%PDF")
    assert await logged(services, "rights.download") == ["sms"]

    bad = await client.get("/r/" + "A" * 22)
    clock.advance(minutes=services.settings.mydata_link_minutes, seconds=1)
    late = [await client.get(path), await client.get(href)]
    assert {r.status for r in (bad, *late)} == {404}
    assert len({await r.text() for r in (bad, *late)}) == 1
    assert await logged(services, "rights.download") == ["sms"]


async def test_a_deleted_request_has_no_letter_any_more(
    client: Client, services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, Channel.SMS, "+4915112345670")
    issued = await letter_for(services, clock, person, Channel.SMS)
    assert issued.link is not None
    path = issued.link.removeprefix(services.settings.public_url)
    assert (await client.get(path)).status == 200

    gone = await step(services, clock, person, Channel.SMS,
                      lambda port: port.delete(issued.request_id))  # fmt: skip

    assert gone is True
    assert (await client.get(path)).status == 404


async def test_telegram_gets_the_letter_as_a_document(tg: Harness) -> None:
    person = TelegramPerson(tg, 6234567890, "en")
    await person.write("/start")
    for choice in ("continue", "continue", "yes", "yes", "rank:telegram"):
        await person.send(person.callback(choice))
    services = tg.services
    async with services.sessionmaker() as session:
        person_id = await session.scalar(
            select(Contact.person_id).where(Contact.channel == "telegram")
        )
    assert person_id is not None
    issued = await letter_for(services, tg.clock, person_id, Channel.TELEGRAM)
    assert issued.link is None

    await delivered(services, tg.clock, person_id, Channel.TELEGRAM, issued)
    await tg.dispatch()

    [call] = tg.fake.calls_to("sendDocument")
    assert call.params["chat_id"] == 6234567890
    assert call.params["caption"] == "Your letter is ready."
    document = call.params["document"]
    assert document["filename"].endswith(".pdf") and document["data"].startswith(b"%PDF")
    assert "Haddad" in pdf_text(document["data"])
    assert await logged(services, "rights.download") == ["telegram"]


@pytest.mark.parametrize("path", [f"/r/{TOKEN}", f"/r/{TOKEN}/LOTSE-R-1.pdf"])
def test_the_access_log_cuts_letter_tokens(path: str, caplog: pytest.LogCaptureFixture) -> None:
    logger = AccessLogger(logging.getLogger("test.access"), "")
    with caplog.at_level(logging.INFO, logger="test.access"):
        logger.log(SimpleNamespace(method="GET", path=path), SimpleNamespace(status=404), 0.01)  # type: ignore[arg-type]
    assert TOKEN not in caplog.text and "GET /r/…" in caplog.text


async def test_a_letter_is_laid_out_once_and_anew_after_a_change(
    client: Client, services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, Channel.SMS, "+4915112345670")
    issued = await letter_for(services, clock, person, Channel.SMS)
    assert issued.link is not None
    href = f"{issued.link.removeprefix(services.settings.public_url)}/letter.pdf"
    first = await (await client.get(href)).read()
    again = await (await client.get(href)).read()
    assert first == again and len(services.letter_pdfs) == 1

    clock.advance(minutes=1)
    rename = "Al-Haddad"
    changed = await step(
        services, clock, person, Channel.SMS,
        lambda port: port.set_part(issued.request_id, "family-name", rename),
    )  # fmt: skip
    assert isinstance(changed, RequestView)
    after = await (await client.get(href)).read()
    assert rename in pdf_text(after) and len(services.letter_pdfs) == 1


async def test_the_outbox_loader_picks_the_feature_by_the_references_prefix(
    services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, Channel.SMS, "+4915112345670")
    issued = await letter_for(services, clock, person, Channel.SMS)
    async with services.sessionmaker() as session:
        contact_id = await session.scalar(select(Contact.id).where(Contact.person_id == person))
    assert contact_id is not None
    sm, vault = services.sessionmaker, services.vault
    load = by_prefix({
        REFERENCE: attachment_loader(sm, vault, services.export_pdfs, clock),
        LETTER_REFERENCE: letter_loader(sm, vault, services.letter_pdfs, clock),
    })  # fmt: skip

    [letter] = await load(issued.reference, contact_id)
    assert letter.media_type == "application/pdf" and letter.data.startswith(b"%PDF")
    for gone in (f"{REFERENCE}{issued.request_id}", "something-else:1",
                 f"{LETTER_REFERENCE}{issued.request_id + 1}"):  # fmt: skip
        with pytest.raises(LookupError):
            await load(gone, contact_id)
