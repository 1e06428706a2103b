"""Request letters printed and posted to their person: offered only where the operator
posts (LOTSE_REQUEST_POST) and Lotse keeps the person's letter address, printed once in
one PDF with a cover page addressed to the person, each print in the access log."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.audit import Actor
from bot.config import ConfigError, Settings, load_settings
from bot.db.models import AccessEntry, Person, RightsRequest
from bot.kernel.postal import MaskedAddress, PostalAddress
from bot.kernel.types import Channel
from bot.mydata import export_pdf
from bot.people import keep_postal_address
from bot.rights import (
    PostedLetter,
    PrintRun,
    RequestStatus,
    RequestView,
    UnknownPrintRun,
    print_waiting,
    reprint,
    write_run,
)
from bot.rights.post import load_waiting, mark_posted
from bot.runtime.services import Services
from tests.mydata.test_export import exported
from tests.mydata.test_inventory import OTHER_PHONE
from tests.rights.pdf import pages, require_tools, words
from tests.rights.support import IDENTITY, step, typed
from tests.rights.test_my_data import SCHEMA
from tests.support.clock import Clock
from tests.support.connect import person_on
from tests.support.json_schema import errors
from tests.support.settings import SECRET

SMS = Channel.SMS
RETURN_ADDRESS = "Rathausplatz 1, 12345 Musterstadt"
HOME = PostalAddress("Amal Haddad", "Hauptstraße 1", "12345", "Musterstadt", "bei Nassar")
WINDOW = (20.0, 45.0, 105.0, 90.0)  # left, top, right, bottom in mm (DIN 5008 form B)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path, database_url=database_url, secret_key=SECRET,
        contact_channels="webchat", request_post=True, request_post_from=RETURN_ADDRESS,
        _env_file=None,
    )  # fmt: skip


async def complete_request(
    services: Services, clock: Clock, *, address: PostalAddress | None = HOME, lang: str = "ar"
) -> tuple[int, int]:
    """A person on SMS (language `lang`) with a complete AZR access request, and a kept
    letter address if given: (person id, request id)."""
    person, _ = await person_on(services, SMS, OTHER_PHONE)
    async with services.sessionmaker() as session, session.begin():
        row = await session.get(Person, person)
        assert row is not None
        row.language = lang
        if address is not None:
            assert await keep_postal_address(session, services.vault, person, address, clock())
    view = await step(services, clock, person, SMS, lambda port: port.start("azr", "access"))
    assert isinstance(view, RequestView)
    done = await typed(services, clock, person, view.request_id, IDENTITY)
    assert isinstance(done, RequestView) and done.complete
    return person, view.request_id


async def actions(services: Services, action: str) -> list[AccessEntry]:
    async with services.sessionmaker() as session:
        return list(await session.scalars(select(AccessEntry).where(AccessEntry.action == action)))


async def posted_row(services: Services, request_id: int) -> RightsRequest:
    async with services.sessionmaker() as session:
        row = await session.get(RightsRequest, request_id)
    assert row is not None
    return row


async def test_not_offered_while_the_operator_does_not_post(
    services: Services, clock: Clock
) -> None:
    person, request_id = await complete_request(services, clock)
    off = replace(services, settings=services.settings.model_copy(
        update={"request_post": False}))  # fmt: skip

    assert not await step(off, clock, person, SMS, lambda port: port.can_post(request_id))
    assert await step(off, clock, person, SMS, lambda port: port.post(request_id)) is None
    assert await actions(services, "rights.post-request") == []


async def test_not_offered_without_a_kept_letter_address(services: Services, clock: Clock) -> None:
    person, request_id = await complete_request(services, clock, address=None)

    assert not await step(services, clock, person, SMS, lambda port: port.can_post(request_id))
    assert await step(services, clock, person, SMS, lambda port: port.post(request_id)) is None
    assert (await posted_row(services, request_id)).post_requested_at is None


async def test_not_for_an_incomplete_request_or_someone_elses(
    services: Services, clock: Clock
) -> None:
    person, request_id = await complete_request(services, clock)
    other, _ = await person_on(services, SMS, "+4915199990000")
    drafted = await step(services, clock, person, SMS,
                         lambda port: port.start("azr", "correction"))  # fmt: skip
    assert isinstance(drafted, RequestView) and not drafted.complete

    assert await step(services, clock, other, SMS, lambda port: port.post(request_id)) is None
    assert not await step(services, clock, other, SMS, lambda port: port.can_post(request_id))
    assert await step(services, clock, person, SMS,
                      lambda port: port.post(drafted.request_id)) is None  # fmt: skip
    assert (await posted_row(services, request_id)).post_requested_at is None


async def test_asking_twice_asks_once_and_says_where_it_goes(
    services: Services, clock: Clock
) -> None:
    person, request_id = await complete_request(services, clock)
    assert await step(services, clock, person, SMS, lambda port: port.can_post(request_id))

    first = await step(services, clock, person, SMS, lambda port: port.post(request_id))
    clock.advance(minutes=5)
    again = await step(services, clock, person, SMS, lambda port: port.post(request_id))

    assert isinstance(first, PostedLetter)
    assert first == again
    assert first.address == MaskedAddress("Hauptstraße", "12345", "Musterstadt")
    assert first.posted_at is None
    [entry] = await actions(services, "rights.post-request")
    assert (entry.person_id, entry.role, entry.detail) == (person, "person", "sms")
    view = await step(services, clock, person, SMS, lambda port: port.view(request_id))
    assert isinstance(view, RequestView)
    assert (view.post_requested_at, view.posted_at) == (first.requested_at, None)


async def test_printed_once_with_a_cover_to_the_person_then_the_german_letter(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    require_tools()
    person, request_id = await complete_request(services, clock)
    await step(services, clock, person, SMS, lambda port: port.post(request_id))
    clock.advance(hours=2)

    run = await print_waiting(services, now=clock())

    assert isinstance(run, PrintRun) and run.letters == 1 and run.left_out == 0
    text = pages(run.pdf)
    assert len(text) == run.pages
    cover_ar, cover_de = text[0], text[1]
    assert "Bundesverwaltungsamt" in cover_ar and "Bundesverwaltungsamt" in cover_de
    assert "Ihr Anfragebrief – Empfänger: Bundesverwaltungsamt" in cover_de
    assert "beglaubigte Unterschrift" in cover_de  # the AZR needs a certified signature
    window = [w.text for w in words(run.pdf, 1) if _inside(w, WINDOW)]
    for part in ("Amal", "Haddad", "bei", "Nassar", "Hauptstraße", "12345", "Musterstadt",
                 "Rathausplatz"):  # fmt: skip
        assert part in window, part
    german = next(i for i, page in enumerate(text) if "Auskunft" in page and i > 1)
    assert "Haddad" in text[german] and "LOTSE-R-" in text[german]
    row = await posted_row(services, request_id)
    assert (row.posted_at, row.post_batch) == (clock(), run.batch_id)
    [entry] = await actions(services, "rights.print")
    assert (entry.person_id, entry.role, entry.actor) == (person, "operator", "cli")
    assert set(entry.categories) == {"name", "postal-address", "identity", "request"}
    view = await step(services, clock, person, SMS, lambda port: port.view(request_id))
    assert isinstance(view, RequestView) and view.posted_at == clock()

    assert await print_waiting(services, now=clock()) is None  # printed once

    again = await reprint(services, run.batch_id, now=clock(), actor=Actor.operator())
    assert again.letters == 1 and pages(again.pdf)[0] == cover_ar
    assert len(await actions(services, "rights.reprint")) == 1
    assert (await posted_row(services, request_id)).post_batch == run.batch_id
    with pytest.raises(UnknownPrintRun):
        await reprint(services, "batch-20260101-000000-0000", now=clock())
    path = write_run(run, tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600


async def test_a_request_deleted_or_changed_while_printing_is_not_marked(
    services: Services, clock: Clock
) -> None:
    person, gone = await complete_request(services, clock)
    changed = await step(services, clock, person, SMS, lambda port: port.start("bamf", "access"))
    assert isinstance(changed, RequestView)  # the identity is carried over: complete
    for request_id in (gone, changed.request_id):
        assert await step(services, clock, person, SMS, lambda port, r=request_id: port.post(r))
    loaded_at = clock()
    async with services.sessionmaker() as session:
        waiting = await load_waiting(session, services.vault, limit=10)
    assert {letter.request_id for letter in waiting} == {gone, changed.request_id}

    clock.advance(minutes=1)  # meanwhile, while the letters render
    assert await step(services, clock, person, SMS, lambda port: port.delete(gone))
    await typed(services, clock, person, changed.request_id, {"birth-place": "Homs"})
    async with services.sessionmaker() as session, session.begin():
        marked = await mark_posted(session, waiting, "batch-x", loaded_at=loaded_at, now=clock())

    assert marked == set()
    row = await posted_row(services, changed.request_id)
    assert (row.posted_at, row.post_batch) == (None, None)  # waits for the next run
    async with services.sessionmaker() as session:
        assert [w.request_id for w in await load_waiting(session, services.vault, 10)] == [
            changed.request_id
        ]


def _inside(word: object, box: tuple[float, float, float, float]) -> bool:
    left, top, right, bottom = box
    return (
        left <= word.left and word.right <= right  # type: ignore[attr-defined]
        and top <= word.top and word.bottom <= bottom  # type: ignore[attr-defined]
    )  # fmt: skip


def test_posting_needs_a_return_address(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LOTSE_REQUEST_POST_FROM"):
        load_settings(data_dir=tmp_path, secret_key=SECRET, request_post=True, _env_file=None)
    with pytest.raises(ConfigError, match="LOTSE_REQUEST_POST_FROM: must be a street"):
        load_settings(data_dir=tmp_path, secret_key=SECRET, request_post_from="Rathaus",
                      _env_file=None)  # fmt: skip


async def test_my_data_says_when_the_letter_was_asked_for_and_printed(
    services: Services, clock: Clock
) -> None:
    require_tools()
    person, request_id = await complete_request(services, clock)
    asked = await step(services, clock, person, SMS, lambda port: port.post(request_id))
    assert isinstance(asked, PostedLetter)

    waiting = await exported(services, person, clock)
    clock.advance(days=1)
    run = await print_waiting(services, now=clock())
    assert run is not None
    printed = await exported(services, person, clock)

    assert errors(SCHEMA, printed) == []
    [before], [after] = waiting["requests"], printed["requests"]
    assert (before["post_requested_at"], before["posted_at"]) == (
        asked.requested_at.isoformat(), None)  # fmt: skip
    assert after["posted_at"] == clock().isoformat()
    de = services.catalogs["de"]
    assert "noch nicht gedruckt" in _text(export_pdf(waiting, de))
    assert "gedruckt und an Sie geschickt" in _text(export_pdf(printed, de))
    assert "rights.post-request" in {e["action"] for e in printed["access_log"]["entries"]}


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.split()) for page in pages(pdf))


async def test_asked_again_after_a_change_since_printing_it_is_printed_anew(
    services: Services, clock: Clock
) -> None:
    person, request_id = await complete_request(services, clock)
    await step(services, clock, person, SMS, lambda port: port.post(request_id))
    async with services.sessionmaker() as session, session.begin():
        waiting = await load_waiting(session, services.vault, limit=10)
        assert await mark_posted(session, waiting, "batch-1", loaded_at=clock(), now=clock())
    clock.advance(days=1)
    unchanged = await step(services, clock, person, SMS, lambda port: port.post(request_id))
    assert isinstance(unchanged, PostedLetter) and unchanged.posted_at is not None

    await typed(services, clock, person, request_id, {"birth-place": "Homs"})
    anew = await step(services, clock, person, SMS, lambda port: port.post(request_id))

    assert isinstance(anew, PostedLetter)
    assert (anew.requested_at, anew.posted_at) == (clock(), None)
    assert len(await actions(services, "rights.post-request")) == 2
    async with services.sessionmaker() as session:
        [again] = await load_waiting(session, services.vault, limit=10)
    assert again.identity.birth_place == "Homs"


async def test_asking_for_the_post_again_leaves_a_running_clock_alone(
    services: Services, clock: Clock
) -> None:
    """A person who already sent the letter asks for another printed copy: the
    request stays sent, its deadline unchanged."""
    person, request_id = await complete_request(services, clock)
    assert isinstance(await step(services, clock, person, SMS, lambda port: port.post(request_id)),
                      PostedLetter)  # fmt: skip
    today = clock().date()
    sent = await step(services, clock, person, SMS,
                      lambda port: port.sent(request_id, today, "post"))  # fmt: skip
    assert isinstance(sent, RequestView) and sent.status is RequestStatus.SENT
    clock.advance(days=2)
    again = await step(services, clock, person, SMS, lambda port: port.post(request_id))
    assert isinstance(again, PostedLetter)
    view = await step(services, clock, person, SMS, lambda port: port.view(request_id))
    assert isinstance(view, RequestView)
    assert (view.status, view.clock) == (RequestStatus.SENT, sent.clock)
