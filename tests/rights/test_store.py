"""Requests to data holders, stored for their person only: bad input changes nothing,
another person's request answers like none, everything typed is encrypted, and all of
it goes with the request's retention, its deletion or the person's erasure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, text

from bot.consent import NOTICE_VERSION
from bot.db.models import AccessEntry, ConsentRecord, RightsRequest
from bot.holders import RequestKind
from bot.kernel.types import Channel
from bot.people import ErasureReason, erase_person
from bot.rights import (
    LINK_PATH,
    IssuedLetter,
    LetterGone,
    Part,
    Problem,
    RequestStatus,
    RequestView,
    open_by_token,
    open_in_chat,
    purge_expired,
)
from bot.runtime.services import Services
from tests.mydata.test_inventory import OTHER_PHONE, connected_by_sms
from tests.rights.support import IDENTITY, step, typed
from tests.support.clock import Clock
from tests.support.connect import person_on

SMS = Channel.SMS


async def started(services: Services, clock: Clock, person: int, kind: str = "access") -> int:
    view = await step(services, clock, person, SMS, lambda port: port.start("azr", kind))
    assert isinstance(view, RequestView)
    return view.request_id


async def row_of(services: Services, request_id: int) -> RightsRequest | None:
    async with services.sessionmaker() as session:
        return await session.get(RightsRequest, request_id)


async def entries(services: Services, action: str) -> int:
    async with services.sessionmaker() as session:
        found = await session.scalar(
            select(func.count()).select_from(AccessEntry).where(AccessEntry.action == action)
        )
    return int(found or 0)


async def test_a_request_starts_with_the_persons_consent_and_asks_what_its_kind_needs(
    services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, SMS, OTHER_PHONE)

    view = await step(services, clock, person, SMS, lambda port: port.start("azr", "correction"))

    assert isinstance(view, RequestView)
    assert (view.holder, view.kind, view.status) == ("azr", RequestKind.CORRECTION,
                                                     RequestStatus.DRAFTED)  # fmt: skip
    assert view.missing == (
        Part.FAMILY_NAME, Part.GIVEN_NAMES, Part.BIRTH_DATE, Part.BIRTH_PLACE,
        Part.NATIONALITY, Part.STREET, Part.PLACE, Part.WRONG, Part.RIGHT,
    )  # fmt: skip
    assert view.erase_at == clock() + timedelta(days=services.settings.request_days)
    async with services.sessionmaker() as session:
        consent = await session.scalar(
            select(ConsentRecord).where(ConsentRecord.person_id == person)
        )
    assert consent is not None
    assert (consent.purpose, consent.channel, consent.state, consent.notice_version) == (
        "requests",
        None,
        "given",
        NOTICE_VERSION,
    )
    assert await entries(services, "rights.start") == 1
    access = await step(services, clock, person, SMS, lambda port: port.start("azr", "access"))
    assert isinstance(access, RequestView) and Part.WRONG not in access.missing


async def test_an_unknown_holder_or_kind_starts_nothing(services: Services, clock: Clock) -> None:
    person, _ = await person_on(services, SMS, OTHER_PHONE)
    for holder, kind in (("nobody", "access"), ("azr", "everything"),
                         ("meldebehoerde", "transfer-block")):  # fmt: skip
        answer = await step(services, clock, person, SMS,
                            lambda port, h=holder, k=kind: port.start(h, k))  # fmt: skip
        assert answer is None, (holder, kind)
    async with services.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(RightsRequest)) == 0
        assert await session.scalar(select(func.count()).select_from(ConsentRecord)) == 0
    assert await entries(services, "rights.start") == 0


async def test_bad_input_gets_its_problem_and_saves_nothing(
    services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, SMS, OTHER_PHONE)
    request_id = await started(services, clock, person, "correction")
    before = await row_of(services, request_id)
    clock.advance(days=1)
    tomorrow = (clock() + timedelta(days=2)).strftime("%d.%m.%Y")

    cases = (("birth-date", tomorrow, Problem.DATE_FUTURE), ("birth-date", "31.02.1990",
             Problem.DATE_FORMAT), ("wrong", "x" * 5000, Problem.TOO_LONG),
             ("street", "Hauptstraße", Problem.NO_HOUSE_NUMBER), ("family-name", "  ",
             Problem.EMPTY), ("place", "Musterstadt", Problem.PLACE))  # fmt: skip
    for part, value, problem in cases:
        answer = await step(
            services, clock, person, SMS,
            lambda port, p=part, v=value: port.set_part(request_id, p, v),
        )  # fmt: skip
        assert answer == problem, part

    after = await row_of(services, request_id)
    assert before is not None and after is not None
    assert (after.identity_enc, after.details_enc, after.updated_at, after.erase_at) == (
        before.identity_enc,
        before.details_enc,
        before.updated_at,
        before.erase_at,
    )
    assert await entries(services, "rights.change") == 0


async def test_each_part_is_saved_encrypted_once_per_step(services: Services, clock: Clock) -> None:
    person, _ = await person_on(services, SMS, OTHER_PHONE)
    request_id = await started(services, clock, person, "correction")

    view = await typed(services, clock, person, request_id, IDENTITY)
    assert isinstance(view, RequestView) and view.missing == (Part.WRONG, Part.RIGHT)
    view = await typed(services, clock, person, request_id,
                       {"wrong": "Geburtsort: Alepo", "right": "Geburtsort: Aleppo"})  # fmt: skip
    assert isinstance(view, RequestView) and view.complete

    assert await entries(services, "rights.change") == len(IDENTITY) + 2
    async with services.sessionmaker() as session:
        raw = (await session.execute(text(
            "SELECT identity_enc, details_enc FROM rights_requests WHERE id = :id"
        ), {"id": request_id})).one()  # fmt: skip
    stored = " ".join(raw)
    for clear in ("Haddad", "Amal", "Aleppo", "1991", "syrisch", "Hauptstraße", "12345", "Alepo"):
        assert clear not in stored, clear
    assert "Haddad" in services.vault.decrypt(raw[0])


async def test_another_persons_request_answers_like_none_and_stays_as_it_is(
    services: Services, clock: Clock
) -> None:
    owner, _ = await connected_by_sms(services, clock)
    request_id = await started(services, clock, owner)
    await typed(services, clock, owner, request_id, IDENTITY)
    before = await row_of(services, request_id)
    other, _ = await person_on(services, SMS, OTHER_PHONE)

    calls = (
        lambda port: port.view(request_id),
        lambda port: port.set_part(request_id, "family-name", "Mallory"),
        lambda port: port.use_letter_address(request_id),
        lambda port: port.letter(request_id),
    )
    for call in calls:
        assert await step(services, clock, other, SMS, call) is None
    assert await step(services, clock, other, SMS, lambda port: port.delete(request_id)) is False
    assert await step(services, clock, other, SMS, lambda port: port.mine()) == ()
    missing = await step(services, clock, other, SMS, lambda port: port.view(request_id + 100))
    assert missing is None

    after = await row_of(services, request_id)
    assert before is not None and after is not None
    assert (after.identity_enc, after.updated_at, after.status, after.letter_expires_at) == (
        before.identity_enc,
        before.updated_at,
        before.status,
        before.letter_expires_at,
    )


async def test_the_identity_carries_over_and_the_kept_address_can_be_used(
    services: Services, clock: Clock
) -> None:
    person, _ = await connected_by_sms(services, clock)
    first = await started(services, clock, person)
    await typed(services, clock, person, first, {"family-name": "Haddad", "nationality": "syrisch"})
    clock.advance(minutes=1)

    second = await step(services, clock, person, SMS, lambda port: port.start("azr", "erasure"))
    assert isinstance(second, RequestView)
    assert Part.FAMILY_NAME not in second.missing and Part.NATIONALITY not in second.missing
    assert Part.GIVEN_NAMES in second.missing

    used = await step(services, clock, person, SMS,
                      lambda port: port.use_letter_address(second.request_id))  # fmt: skip
    assert isinstance(used, RequestView)
    assert Part.STREET not in used.missing and Part.PLACE not in used.missing
    mine = await step(services, clock, person, SMS, lambda port: port.mine())
    assert [v.request_id for v in mine] == [second.request_id, first]

    nowhere, _ = await person_on(services, SMS, OTHER_PHONE)
    own = await started(services, clock, nowhere)
    no_address = await step(
        services, clock, nowhere, SMS, lambda port: port.use_letter_address(own)
    )
    assert no_address is None


async def test_a_complete_request_gets_a_short_link_by_sms(
    services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, SMS, OTHER_PHONE)
    request_id = await started(services, clock, person)
    incomplete = await step(services, clock, person, SMS, lambda port: port.letter(request_id))
    assert incomplete is None
    await typed(services, clock, person, request_id, IDENTITY)

    issued = await step(services, clock, person, SMS, lambda port: port.letter(request_id))

    assert isinstance(issued, IssuedLetter) and issued.link is not None
    assert issued.reference == f"rights-letter:{request_id}"
    assert issued.expires_at == clock() + timedelta(minutes=services.settings.mydata_link_minutes)
    token = issued.link.removeprefix(services.settings.public_url + LINK_PATH)
    opened = await open_by_token(services.sessionmaker, services.vault, token, clock())
    assert opened.identity.family_name == "Haddad" and opened.request_id == request_id
    view = await step(services, clock, person, SMS, lambda port: port.view(request_id))
    assert view is not None and view.status is RequestStatus.READY
    assert await entries(services, "rights.letter") == 1
    assert await entries(services, "rights.download") == 1
    async with services.sessionmaker() as session:
        stored = await session.scalar(select(RightsRequest.letter_token_index))
    assert stored is not None and token not in stored

    # Every failure is the same LetterGone: a chat that did not ask, a wrong token, time up.
    for attempt in (
        open_in_chat(services.sessionmaker, services.vault, contact_id=10**6,
                     request_id=request_id, now=clock()),
        open_by_token(services.sessionmaker, services.vault, token[::-1], clock()),
        open_by_token(services.sessionmaker, services.vault, token,
                      issued.expires_at + timedelta(seconds=1)),
    ):  # fmt: skip
        try:
            await attempt
        except LetterGone:
            continue
        raise AssertionError("opened")


async def test_requests_go_after_their_days_and_a_change_starts_them_again(
    services: Services, clock: Clock
) -> None:
    person, _ = await person_on(services, SMS, OTHER_PHONE)
    kept = await started(services, clock, person)
    dropped = await started(services, clock, person)
    days = services.settings.request_days
    clock.advance(days=days - 1)
    await typed(services, clock, person, kept, {"family-name": "Haddad"})
    clock.advance(days=1)

    assert await purge_expired(services.sessionmaker, clock()) == 1
    assert await row_of(services, dropped) is None and await row_of(services, kept) is not None
    clock.advance(days=days)
    assert await purge_expired(services.sessionmaker, clock()) == 1
    assert await row_of(services, kept) is None


async def test_deleting_and_erasing_take_everything_typed(services: Services, clock: Clock) -> None:
    person, _ = await connected_by_sms(services, clock)
    first, second = await started(services, clock, person), await started(services, clock, person)
    await typed(services, clock, person, first, IDENTITY)

    assert await step(services, clock, person, SMS, lambda port: port.delete(first)) is True
    assert await row_of(services, first) is None
    assert await step(services, clock, person, SMS, lambda port: port.delete(first)) is False
    assert await entries(services, "rights.delete") == 1
    async with services.sessionmaker() as session:
        states = list(await session.scalars(
            select(ConsentRecord.state).where(ConsentRecord.purpose == "requests")
            .order_by(ConsentRecord.id)
        ))  # fmt: skip
    assert states == ["given", "given"]  # one request is left: the consent stays

    async with services.sessionmaker() as session, session.begin():
        await erase_person(session, person, now=clock(), reason=ErasureReason.REQUEST)
    assert await row_of(services, second) is None
