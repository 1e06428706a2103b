"""The office's requests over HTTP: staff see only what people sent to their own office,
with the deadline; every look is in the access log; an extension (with reasons, only in
the first month) and the answer go through the clock and reach the person's view; the
German letter for the office's file; and every way in that is not allowed (logged out,
wrong CSRF, another office's request, an unknown id) answers alike and changes nothing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.db.models import AccessEntry, Invitation, RightsRequest
from bot.kernel.types import Channel
from bot.rights import Ask, Outcome, RequestStatus
from bot.runtime.services import Services
from tests.rights.pdf import pages, require_tools
from tests.rights.support import IDENTITY, step
from tests.support.clock import Clock
from tests.support.office_page import invite, seed_office
from tests.web.office.test_page import csrf_of, logged_in

from tests.support.office_requests import (  # isort: skip
    HOLDER_NAME, RIGHT, WRONG, link_office, sent_to_office,
)  # fmt: skip

Client = TestClient[Any, Any]
NOT_FOUND = "Diesen Antrag gibt es nicht (oder er ging an eine andere Behörde)."


async def row_of(services: Services, request_id: int) -> RightsRequest:
    async with services.sessionmaker() as session:
        row = await session.get(RightsRequest, request_id)
    assert row is not None
    return row


async def entries(services: Services, action: str) -> list[AccessEntry]:
    async with services.sessionmaker() as session:
        found = await session.scalars(
            select(AccessEntry).where(AccessEntry.action == action).order_by(AccessEntry.id)
        )
        return list(found)


async def two_offices(services: Services, clock: Clock) -> tuple[int, int, int, int]:
    """Office "amt-mitte" (logged in by the tests) and "amt-nord", a request to each:
    (office id, its request, the other office's request, the user id)."""
    office_id, user_id = await seed_office(services)
    other_id, _ = await seed_office(services, slug="amt-nord", email="nord@amt.example")
    link_office(services)
    mine = await sent_to_office(services, clock, office_id)
    theirs = await sent_to_office(services, clock, other_id, address="+4915111111111", linked=False)
    return office_id, mine, theirs, user_id


async def test_the_list_shows_the_offices_own_requests_with_their_deadlines(
    client: Client, services: Services, clock: Clock
) -> None:
    office_id, mine, theirs, user_id = await two_offices(services, clock)
    assert (await client.get("/office/requests", allow_redirects=False)).status == 303
    clock.advance(days=2)  # Wednesday 25 November: received Monday, due 23 December
    await logged_in(client)
    response = await client.get("/office/requests")
    page = await response.text()
    assert response.status == 200
    assert f"LOTSE-R-{mine}" in page and f"LOTSE-R-{theirs}" not in page
    assert HOLDER_NAME in page and "Auskunft (Art. 15 DSGVO)" in page
    assert '<time datetime="2026-11-23">23.11.2026</time>' in page  # received
    assert '<time datetime="2026-12-23">23.12.2026</time>' in page  # the deadline
    assert "noch 28 Tage" in page
    assert 'href="/office/requests" aria-current="page"' in page  # the section in the frame
    for secret in (IDENTITY["family-name"], IDENTITY["street"], "1991"):
        assert secret not in page  # a list shows no one's name or address
    listed = await entries(services, "rights.office-list")
    assert [(e.office_id, e.actor, tuple(e.categories)) for e in listed] == [
        (office_id, f"user:{user_id}", ("request",))
    ]
    assert listed[0].person_id == (await row_of(services, mine)).person_id

    clock.advance(days=30)  # 25 December: two days overdue
    await logged_in(client)  # a session lasts hours, not days
    page = await (await client.get("/office/requests")).text()
    assert "2 Tage überfällig" in page


async def test_one_request_shows_its_letter_and_what_the_person_has_proven(
    client: Client, services: Services, clock: Clock
) -> None:
    office_id, _, _, user_id = await two_offices(services, clock)
    request_id = await sent_to_office(
        services, clock, office_id, kind="correction", channel=Channel.TELEGRAM,
        address="4242",
    )  # fmt: skip
    await logged_in(client)
    page = await (await client.get(f"/office/requests/{request_id}")).text()
    for shown in (IDENTITY["family-name"], IDENTITY["given-names"], "03.04.1991", "Aleppo",
                  "syrisch", "Hauptstraße 1, 12345 Musterstadt", WRONG, RIGHT,
                  "Berichtigung (Art. 16 DSGVO)"):  # fmt: skip
        assert shown in page, shown
    proof = re.search(r'<ul class="proof" id="proof">(.*?)</ul>', page)
    assert proof is not None
    assert "Niemand hat sie geprüft" in proof[1]
    assert "Kein Ausweis wurde vorgelegt oder geprüft" in proof[1]
    assert "nur, dass die Person ein Telegram-Konto nutzt" in proof[1]
    assert "beglaubigte Unterschrift" not in proof[1]  # the foreigners authority: a signature
    assert "ein unterschriebener Brief" in proof[1]
    read = await entries(services, "rights.office-read")
    assert [(e.office_id, e.actor, e.detail) for e in read] == [
        (office_id, f"user:{user_id}", None)
    ]
    assert set(read[0].categories) == {
        "name",
        "identity",
        "postal-address",
        "request",
        "language",
        "contact",
    }
    # Every look is logged again: a second view is a second entry.
    await client.get(f"/office/requests/{request_id}")
    assert len(await entries(services, "rights.office-read")) == 2


async def test_another_offices_request_answers_like_one_that_does_not_exist(
    client: Client, services: Services, clock: Clock
) -> None:
    _, mine, theirs, _ = await two_offices(services, clock)
    await logged_in(client)
    csrf = await csrf_of(client, f"/office/requests/{mine}")
    answers = []
    for target in (str(theirs), "999999", "0", "abc", "1" * 40):
        got = await client.get(f"/office/requests/{target}")
        answers.append((got.status, await got.text()))
        for action, data in (
            ("extension", {"on": "2026-11-23", "reasons": "Viel zu tun"}),
            ("answer", {"on": "2026-11-23", "outcome": "done", "note": ""}),
            ("letter", {}),
        ):
            posted = await client.post(
                f"/office/requests/{target}/{action}", data={"csrf": csrf, **data},
                allow_redirects=False,
            )  # fmt: skip
            answers.append((posted.status, await posted.text()))
    assert {status for status, _ in answers} == {404}
    assert len({text for _, text in answers}) == 1  # word for word the same page
    assert NOT_FOUND in answers[0][1]
    row = await row_of(services, theirs)
    assert row.status == RequestStatus.SENT and row.office_note_enc is None
    # Only the own request was looked at.
    assert [e.action for e in await entries(services, "rights.office-read")] == [
        "rights.office-read"
    ]
    for action in ("rights.office-extend", "rights.office-answer", "rights.office-letter"):
        assert await entries(services, action) == []


async def test_logged_out_and_wrong_csrf_change_nothing(
    client: Client, services: Services, clock: Clock
) -> None:
    _, mine, _, _ = await two_offices(services, clock)
    data = {"on": "2026-11-23", "reasons": "Viel zu tun"}
    for path in (f"/office/requests/{mine}", "/office/requests"):
        got = await client.get(path, allow_redirects=False)
        assert (got.status, got.headers["Location"]) == (303, "/office/login?ended=1")
    posted = await client.post(f"/office/requests/{mine}/extension", data=data,
                               allow_redirects=False)  # fmt: skip
    assert posted.status == 303
    await logged_in(client)
    for csrf in ("wrong", ""):
        for action in ("extension", "answer", "letter"):
            refused = await client.post(
                f"/office/requests/{mine}/{action}", data={"csrf": csrf, **data},
                allow_redirects=False,
            )  # fmt: skip
            assert refused.status == 403
    assert (await row_of(services, mine)).status == RequestStatus.SENT
    assert await entries(services, "rights.office-extend") == []


async def test_an_extension_needs_reasons_and_the_first_month(
    client: Client, services: Services, clock: Clock
) -> None:
    office_id, mine, _, _ = await two_offices(services, clock)
    late = await sent_to_office(services, clock, office_id, address="+4915122222222")
    clock.advance(days=10)
    await logged_in(client)
    csrf = await csrf_of(client, f"/office/requests/{mine}")
    url = f"/office/requests/{mine}/extension"

    refused = await client.post(url, data={"csrf": csrf, "on": "2026-12-03", "reasons": "  "})
    assert refused.status == 422
    assert "Bitte geben Sie die Gründe für die Verlängerung an." in await refused.text()
    future = await client.post(url, data={"csrf": csrf, "on": "2026-12-04", "reasons": "x"})
    assert future.status == 422 and "Zukunft" in await future.text()
    assert (await row_of(services, mine)).status == RequestStatus.SENT

    reasons = "Die Akte liegt beim Verwaltungsgericht; wir fordern sie an."
    done = await client.post(url, data={"csrf": csrf, "on": "2026-12-03", "reasons": reasons},
                             allow_redirects=False)  # fmt: skip
    assert (done.status, done.headers["Location"]) == (
        303,
        f"/office/requests/{mine}?saved=extension",
    )
    row = await row_of(services, mine)
    assert row.status == RequestStatus.EXTENDED
    assert (row.extended_on, row.due_on) == (date(2026, 12, 3), date(2027, 2, 23))
    assert row.ask == Ask.OFFICE and row.ask_at == clock()
    assert row.office_note_enc is not None and reasons not in row.office_note_enc
    # The person's own view: the office's name, its reasons, and Lotse will tell them.
    view = await step(services, clock, row.person_id, Channel.SMS, lambda p: p.view(mine))
    assert view is not None and view.clock is not None and view.ask is Ask.OFFICE
    assert (view.clock.office, view.clock.office_note) == ("Bürgeramt amt-mitte", reasons)
    assert view.clock.due_on == date(2027, 2, 23) and view.status is RequestStatus.EXTENDED
    page = await (await client.get(f"/office/requests/{mine}?saved=extension")).text()
    assert 'role="status"' in page and "Verlängert" in page and reasons in page
    assert 'id="extension-heading"' not in page  # only once
    extended = await entries(services, "rights.office-extend")
    assert [(e.detail, tuple(e.categories)) for e in extended] == [("extended", ("request",))]

    clock.advance(days=30)  # 2 January: the first month of `late` ended on 23 December
    await logged_in(client)
    csrf = await csrf_of(client, f"/office/requests/{late}")
    page = await (await client.get(f"/office/requests/{late}")).text()
    assert 'id="extension-heading"' not in page
    refused = await client.post(
        f"/office/requests/{late}/extension",
        data={"csrf": csrf, "on": "2027-01-02", "reasons": reasons},
    )
    assert refused.status == 422
    assert "nur innerhalb des ersten Monats" in await refused.text(), re.findall(
        r'role="alert"[^>]*>([^<]*)', await refused.text()
    )
    assert (await row_of(services, late)).status == RequestStatus.SENT


async def test_the_answer_is_recorded_and_the_person_is_told(
    client: Client, services: Services, clock: Clock
) -> None:
    office_id, mine, _, _ = await two_offices(services, clock)
    correction = await sent_to_office(services, clock, office_id, kind="correction",
                                      address="+4915133333333")  # fmt: skip
    clock.advance(days=5)
    await logged_in(client)
    csrf = await csrf_of(client, f"/office/requests/{mine}")
    url = f"/office/requests/{mine}/answer"

    no_reasons = await client.post(
        url, data={"csrf": csrf, "on": "2026-11-28", "outcome": "refused"}
    )
    assert no_reasons.status == 422
    assert "Bitte geben Sie die Gründe" in await no_reasons.text()
    nothing = await client.post(url, data={"csrf": csrf, "on": "2026-11-28"})
    assert nothing.status == 422 and "Bitte wählen Sie" in await nothing.text()
    early = await client.post(url, data={"csrf": csrf, "on": "2026-11-01", "outcome": "done"})
    assert early.status == 422 and "vor dem Eingang" in await early.text()
    assert await entries(services, "rights.office-answer") == []

    note = "Teilweise: die Akte zum Asylverfahren führt das BAMF."
    done = await client.post(url, data={"csrf": csrf, "on": "2026-11-28", "outcome": "partly",
                                        "note": note}, allow_redirects=False)  # fmt: skip
    assert done.status == 303
    row = await row_of(services, mine)
    assert (row.status, row.outcome, row.answered_on) == (
        RequestStatus.ANSWERED,
        Outcome.PARTLY,
        date(2026, 11, 28),
    )
    assert row.ask == Ask.OFFICE and row.recipients_named is None
    view = await step(services, clock, row.person_id, Channel.SMS, lambda p: p.view(mine))
    assert view is not None and view.clock is not None
    assert (view.clock.outcome, view.clock.office_note) == (Outcome.PARTLY, note)

    page = await (await client.get("/office/requests?show=done")).text()
    assert f"LOTSE-R-{mine}" in page and "Teilweise beantwortet" in page

    answered = await client.post(
        f"/office/requests/{correction}/answer",
        data={"csrf": csrf, "on": "2026-11-28", "outcome": "done", "named": "no", "note": ""},
        allow_redirects=False,
    )  # fmt: skip
    assert answered.status == 303
    row = await row_of(services, correction)
    # Corrected, but the recipients told of it were not named (Art. 19): not closed.
    assert (row.status, row.recipients_named) == (RequestStatus.ANSWERED, False)


async def test_the_german_letter_for_the_offices_file(
    client: Client, services: Services, clock: Clock
) -> None:
    require_tools()
    office_id, mine, _, user_id = await two_offices(services, clock)
    await logged_in(client)
    csrf = await csrf_of(client, f"/office/requests/{mine}")
    got = await client.post(f"/office/requests/{mine}/letter", data={"csrf": csrf})
    assert got.status == 200
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"] == (
        'attachment; filename="antrag-auslaenderbehoerde-auskunft.pdf"'
    )
    text = "\n".join(pages(await got.read()))
    assert HOLDER_NAME in text and "Haddad" in text and f"LOTSE-R-{mine}" in text
    assert "Art. 15" in text
    # The German letter alone: no guide, no working translation.
    assert "Translation" not in text and "How to send" not in text
    assert "So schicken Sie diesen Brief ab" not in text
    letters = await entries(services, "rights.office-letter")
    assert [(e.office_id, e.actor) for e in letters] == [(office_id, f"user:{user_id}")]
    assert set(letters[0].categories) == {"name", "identity", "postal-address", "request"}


def test_every_office_action_is_worded_for_the_person() -> None:
    """ "Who looked at my data" says each of them in the person's words, not a fallback."""
    from bot.i18n.access_words import ACTIONS
    from bot.rights import office

    actions = (office.LIST_ACTION, office.READ_ACTION, office.EXTEND_ACTION,
               office.ANSWER_ACTION, office.LETTER_ACTION)  # fmt: skip
    assert all(action in ACTIONS for action in actions)


async def test_an_invitation_code_used_is_part_of_what_is_proven(
    client: Client, services: Services, clock: Clock
) -> None:
    office_id, mine, _, _ = await two_offices(services, clock)
    public_id = await invite(services, office_id, "AZ-9")
    person_id = (await row_of(services, mine)).person_id
    async with services.sessionmaker() as session, session.begin():
        invitation = await session.scalar(
            select(Invitation).where(Invitation.public_id == public_id)
        )
        assert invitation is not None
        invitation.person_id, invitation.status, invitation.sent_via = (
            person_id,
            "connected",
            "letter",
        )
    await logged_in(client)
    page = await (await client.get(f"/office/requests/{mine}")).text()
    assert (
        "Die Person hat sich mit dem Code einer Einladung von Bürgeramt amt-mitte bei Lotse "
        "angemeldet, verschickt per Brief." in page
    )
    assert "Per SMS geschickt" in page
