"""A request that reaches an office on this installation, end to end: a person on
Telegram (fake Bot API) makes a request to the foreigners authority, which the
operator's holders file links to the office "amt-mitte", and sends it through Lotse;
the office's staff log in, find it with its deadline and record the answer (HTTP with
the login and CSRF, as the office pages are used); the ask job tells the person on
Telegram, and "My requests" shows it done. Nothing is posted or printed."""

from __future__ import annotations

import re
from typing import Any

from bot.rights import Ask, RequestStatus
from tests.support.clock import Clock
from tests.support.office_page import seed_office
from tests.support.office_requests import HOLDER_NAME, link_office
from tests.support.rights_channels import TO_AZR, TYPED
from tests.support.rights_clock import request_row, run_ask_job
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    buttons,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_harness,  # noqa: F401  (the fixture `tg`)
)
from tests.web.office.test_page import csrf_of, logged_in

NOTE = "Auskunft per Post am 27.11.2026 versandt."


def text_of(messages: list[dict[str, Any]]) -> str:
    return " ".join(" ".join(m["text"].split()) for m in messages)


async def test_sent_to_the_office_answered_there_and_the_person_told(
    tg: Harness, clock: Clock
) -> None:
    office_id, _ = await seed_office(tg.services)
    link_office(tg.services)
    person = TelegramPerson(tg, 6234567031, "en")
    await person.write("/start")
    for choice in ("continue", "continue", "yes", "yes", "rank:telegram"):
        await person.send(person.callback(choice))
    for choice in (*TO_AZR[:5], "holder:auslaenderbehoerde", "write", "access", "agree"):
        await person.send(person.callback(choice))
    for _, text in TYPED:
        sent = await person.write(text)
    assert "receives requests directly through Lotse" in text_of(sent)
    assert buttons(sent[-1]) == ["office", "here"]
    told = text_of(await person.send(person.callback("office")))
    assert "received your request today" in told
    assert "They must answer by December 23, 2026." in told  # not an estimate
    assert tg.fake.calls_to("sendDocument") == []  # nothing to print or post
    row = await request_row(tg.services)
    assert (row.status, row.office_id, row.sent_by) == (RequestStatus.SENT, office_id, "lotse")

    # Staff find it in their list with its deadline, and record the answer.
    clock.advance(days=4)  # Friday 27 November
    await logged_in(tg.client)
    page = await (await tg.client.get("/office/requests")).text()
    assert f"LOTSE-R-{row.id}" in page and HOLDER_NAME in page
    assert '<time datetime="2026-12-23">23.12.2026</time>' in page
    detail = f"/office/requests/{row.id}"
    csrf = await csrf_of(tg.client, detail)
    assert "Haddad-Nour" in await (await tg.client.get(detail)).text()
    answered = await tg.client.post(
        f"{detail}/answer",
        data={"csrf": csrf, "on": "2026-11-27", "outcome": "done", "note": NOTE},
        allow_redirects=False,
    )
    assert answered.status == 303
    row = await request_row(tg.services)
    assert (row.status, row.ask) == (RequestStatus.CLOSED, Ask.OFFICE)

    # The next run of the job tells the person, once.
    news = text_of(await _asked(tg, person))
    assert "answered your request on November 27, 2026: they did what you asked for." in news
    assert f"Their note: {NOTE}" in news
    assert "Their answer itself reaches you from them, usually by post." in news
    assert re.search(r"Your request is done\. Lotse erases it on \w+ \d+, 2027\.", news), news
    clock.advance(minutes=5)
    assert await _asked(tg, person) == []
    assert (await request_row(tg.services)).ask is None

    for choice in (*TO_AZR[:5], "requests"):
        listed = text_of(await person.send(person.callback(choice)))
    assert "access to your data, done." in listed


async def _asked(tg: Harness, person: TelegramPerson) -> list[dict[str, Any]]:
    await run_ask_job(tg.services)
    return await person.replies()
