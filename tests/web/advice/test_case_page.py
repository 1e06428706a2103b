"""The inbox and one case over real HTTP: what a list shows and hides, the default view,
the overdue badge and the language flag, paging; a case page with exactly the shared
fields, the thread's originals beside their labelled renderings, the canned replies'
previews in the person's language; notes, assignment, status and replies through the
forms; one access-log entry per look."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from bot.cases import Field, MessageState, View, list_cases, open_case, person_wrote
from bot.db.models import Case, CaseMessage
from bot.runtime.services import Services
from tests.support.advice_inbox import Client, entries, log_in
from tests.support.cases import DESCRIPTION, FIRST_NAME, handed_off, new_person, seed_world

ADVISOR = "advisor@svc-a.example"


async def _case(services: Services, **values: str) -> tuple[int, int]:
    person = await new_person(services)
    shared = {Field(k.replace("_", "-")): v for k, v in values.items()} or None
    return person, await handed_off(services, person, values=shared)


async def test_opening_a_case_is_one_entry_and_shows_only_what_was_shared(
    client: Client, services: Services
) -> None:
    await seed_world(services)
    person, number = await _case(services, first_name=FIRST_NAME, description=DESCRIPTION)
    await log_in(client, ADVISOR)
    before = await entries(services, person)
    page = await client.get(f"/advice/cases/{number}")
    body = await page.text()
    assert page.status == 200
    assert await entries(services, person) == before + 1
    assert FIRST_NAME in body and DESCRIPTION in body
    assert "Vorname" in body and "Beschreibung in eigenen Worten" in body
    # Not shared: no label for it.
    assert "Bevorzugter Kanal" not in body and "Aktenzeichen" not in body
    assert "Art. 9 Abs. 2 lit. a DSGVO" in body  # the explicit consent is noted
    assert "Die Weiterleitung endet" in body
    assert 'href="#main"' in body and '<main id="main"' in body


async def test_the_thread_shows_originals_beside_labelled_renderings(
    client: Client, services: Services
) -> None:
    await seed_world(services)
    person, number = await _case(services)
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        first = await person_wrote(session, services.vault, person, number, "مرحبا", now)
        second = await person_wrote(session, services.vault, person, number, "سؤال", now)
        await person_wrote(session, services.vault, person, number, "شكرا", now)
        row = await session.get(CaseMessage, first)
        assert row is not None
        row.translation_enc = services.vault.encrypt("Hallo")
        models, path = ["ar-en 1.0", "en-de 1.9"], ["ar", "en", "de"]
        row.translation = {"outcome": "translated", "engine": "argos", "models": models,
                           "path": path}  # fmt: skip
        row.state = MessageState.TRANSLATED.value
        row = await session.get(CaseMessage, second)
        assert row is not None
        row.translation = {"outcome": "no-model", "engine": None, "models": [], "path": []}
        row.state = MessageState.TRANSLATED.value
    await log_in(client, ADVISOR, lang="en")
    body = await (await client.get(f"/advice/cases/{number}")).text()
    assert "مرحبا" in body and "Hallo" in body
    assert "Machine translation (argos; ar-en 1.0, en-de 1.9; ar → en → de)" in body
    assert "No translation exists for Arabic" in body
    assert "Being translated…" in body  # the third has no rendering yet
    assert 'lang="ar" dir="rtl"' in body
    # A canned reply: chosen by code, previewed in Arabic, labelled with its code.
    assert '<option value="received">received – Request received</option>' in body
    assert "لقد استلمنا طلبك" in body
    token = re.findall(r'name="csrf" value="([^"]+)"', body)[0]
    sent = await client.post(f"/advice/cases/{number}/reply",
                             data={"csrf": token, "canned": "received", "text": ""},
                             allow_redirects=False)  # fmt: skip
    assert sent.status == 303
    body = await (await client.get(f"/advice/cases/{number}")).text()
    assert "Canned reply received" in body
    assert "Human-written version of the canned reply" in body
    # The human-written Arabic version is marked as Arabic (screen readers, direction).
    assert re.search(
        r'<p lang="ar" dir="rtl">[^<]*لقد استلمنا طلبك',
        body.split('id="thread"')[1].split('id="reply"')[0],
    )
    assert "Notice to the person: an advisor has joined." in body


async def test_the_forms_work_the_case(client: Client, services: Services) -> None:
    world = await seed_world(services)
    person, number = await _case(services)
    token = await log_in(client, ADVISOR)
    path = f"/advice/cases/{number}"
    steps = {
        "assign": {"to": "me"},
        "note": {"body": "Termin am Montag anbieten"},
        "reply": {"text": "Guten Tag, wie können wir helfen?"},
        "status": {"status": "waiting"},
    }
    for action, form in steps.items():
        before = await entries(services, person)
        answer = await client.post(f"{path}/{action}", data={**form, "csrf": token},
                                   allow_redirects=False)  # fmt: skip
        assert answer.status == 303 and answer.headers["Location"].endswith(f"done={action}#main")
        assert await entries(services, person) == before + 1, action  # one entry per action
    empty = await client.post(f"{path}/reply", data={"csrf": token, "text": "  "},
                              allow_redirects=False)  # fmt: skip
    assert empty.headers["Location"].endswith("error=empty#main")
    async with services.sessionmaker() as session, session.begin():
        detail = await open_case(session, services.vault, world.logins["advisor:svc-a"],
                                 number, services.clock())  # fmt: skip
    assert detail.row.assigned_to == world.logins["advisor:svc-a"]
    assert detail.row.status.value == "waiting"
    assert [n.body for n in detail.notes] == ["Termin am Montag anbieten"]
    assert "Guten Tag, wie können wir helfen?" in [m.original for m in detail.messages]
    page = await (await client.get(path)).text()
    assert "Termin am Montag anbieten" in page and "Pausiert (wartet auf die Person)" in page
    # Back to nobody.
    await client.post(f"{path}/assign", data={"to": "", "csrf": token})
    async with services.sessionmaker() as session:
        case = await session.get(Case, number)
        assert case is not None and case.assigned_to is None


async def test_the_inbox_list(client: Client, services: Services) -> None:
    world = await seed_world(services)
    _, overdue = await _case(services, first_name=FIRST_NAME)
    _, later = await _case(services, first_name=FIRST_NAME)
    now = services.clock()
    async with services.sessionmaker() as session, session.begin():
        await session.execute(update(Case).where(Case.id == overdue)
                              .values(first_response_due=now - timedelta(hours=1)))  # fmt: skip
        await session.execute(update(Case).where(Case.id == later)
                              .values(first_response_due=now + timedelta(hours=5)))  # fmt: skip
    await log_in(client, ADVISOR, lang="en")
    # Nothing is mine: the unassigned ones are shown.
    body = await (await client.get("/advice/inbox")).text()
    assert "Inbox – Unassigned" in body and FIRST_NAME not in body
    rows = re.findall(r"<tr>.*?</tr>", body)
    assert len(rows) == 3  # the header and two cases
    overdue_row = next(r for r in rows if f"/advice/cases/{overdue}" in r)
    later_row = next(r for r in rows if f"/advice/cases/{later}" in r)
    assert "Overdue" in overdue_row and "Overdue" not in later_row
    # Arabic: the seeded advisors read de and en only.
    assert "No advisor of the service reads it" in overdue_row
    assert "Overview" not in body  # advisors have no overview
    token = re.findall(r'name="csrf" value="([^"]+)"', body)[0]
    await client.post(f"/advice/cases/{later}/assign", data={"to": "me", "csrf": token})
    body = await (await client.get("/advice/inbox")).text()
    assert "Inbox – Mine" in body and f"/advice/cases/{later}" in body
    assert f"/advice/cases/{overdue}" not in body
    # Resolved cases only on request.
    await client.post(f"/advice/cases/{later}/status", data={"status": "resolved", "csrf": token})
    assert (
        f'/advice/cases/{later}"' not in await (await client.get("/advice/inbox?view=all")).text()
    )
    shown = await (await client.get("/advice/inbox?view=all&resolved=1")).text()
    assert f'/advice/cases/{later}"' in shown and "Resolved" in shown
    # Paging: older cases after `before`.
    older = await (await client.get(f"/advice/inbox?view=all&resolved=1&before={later}")).text()
    assert f'/advice/cases/{overdue}"' in older and f'/advice/cases/{later}"' not in older
    # A service admin has the overview's link.
    await log_in(client, "service-admin@svc-a.example", lang="en")
    body = await (await client.get("/advice/inbox")).text()
    assert 'href="/advice/overview"' in body
    async with services.sessionmaker() as session:
        listed = await list_cases(session, world.logins["advisor:svc-a"], View.ALL,
                                  services.clock(), include_resolved=True)  # fmt: skip
    assert {r.id for r in listed} == {overdue, later}


async def test_a_canned_reply_with_a_date(client: Client, services: Services) -> None:
    world = await seed_world(services)
    _, number = await _case(services)
    token = await log_in(client, ADVISOR, lang="en")
    page = await (await client.get(f"/advice/cases/{number}")).text()
    assert '<option value="appointment">' in page and 'type="datetime-local"' in page
    without = await client.post(f"/advice/cases/{number}/reply",
                                data={"csrf": token, "canned": "appointment"},
                                allow_redirects=False)  # fmt: skip
    assert without.headers["Location"].endswith("error=canned#main")
    sent = await client.post(f"/advice/cases/{number}/reply",
                             data={"csrf": token, "canned": "appointment",
                                   "date": "2026-12-07T10:30"},
                             allow_redirects=False)  # fmt: skip
    assert sent.headers["Location"].endswith("done=reply#main")
    async with services.sessionmaker() as session, session.begin():
        detail = await open_case(session, services.vault, world.logins["advisor:svc-a"],
                                 number, services.clock())  # fmt: skip
    [message] = [m for m in detail.messages if m.canned == "appointment"]
    assert message.original is not None and "7. Dezember 2026" in message.original
    assert message.original.count("10:30") == 1
