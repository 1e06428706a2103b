"""The request wizard, step by step through the router's flows and the engine's Context,
with a small in-memory `Requests` port (tests/support/rights_double.py): the kinds a
holder takes, consent before typing, each part typed and saved with a receipt that never
repeats it, what cannot go into a letter answered and nothing changed, the letter per
channel, and a request id that is not (or no longer) the person's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.config import Settings
from bot.conversation import Context, Input, Requests, Step
from bot.conversation.step import StepRunner
from bot.holders import IdentityProof, RequestKind, catalog
from bot.i18n import Catalogs
from bot.kernel.types import Channel, ConsentState, Text
from bot.people import keep_postal_address
from bot.rights import DETAIL_MAX, Part, Problem
from bot.rights.identity import OLDEST_YEARS
from bot.runtime.services import feature_ports
from flows import rights_words as w
from flows.rights_request import RightsRequest
from tests.support.clock import Clock
from tests.support.rights_double import Store
from tests.support.steps import ADDRESS, OPERATOR, Bench, StepPerson, choice_ids, msgids

FLOW = RightsRequest()
#: What a person types, part by part; none of it may come back in a reply.
TYPED = {
    "family-name": "Haddad", "given-names": "Amal Noor", "birth-date": "07.11.1988",
    "birth-place": "Homs", "nationality": "syrisch", "street": "Am Wall 7",
    "place": "28195 Bremen", "wrong": "Geburtsdatum 01.01.1988",
    "right": "Geburtsdatum 07.11.1988", "reasons": "Meine Familie in Syrien wäre in Gefahr.",
}  # fmt: skip


@pytest.fixture
async def store(settings: Settings, clock: Clock, catalogs: Catalogs) -> AsyncIterator[Store]:
    yield Store(settings)


@pytest.fixture
async def wired(bench: Bench, store: Store) -> Bench:
    """The bench with the in-memory port in place of the real one."""
    ports = {**feature_ports(bench.settings), Requests: store.port}
    bench.runner = StepRunner(router=bench.router, catalogs=bench.catalogs,
                              settings=bench.settings, vault=bench.vault, operator=OPERATOR,
                              ports=ports)  # fmt: skip
    return bench


def words(step: Step) -> list[str]:
    """Every parameter value of every reply, rendered as text: what could leak a value."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, Text):
            found.append(value.msgid)
            for param in value.params.values():
                walk(param)
        else:
            found.append(str(value))

    for reply in step.replies:
        for text in reply.texts:
            walk(text)
    return found


def leaks(step: Step) -> list[str]:
    shown = " ".join(words(step))
    return [typed for typed in TYPED.values() if typed in shown]


async def onboarded(
    bench: Bench, channel: Channel = Channel.WEBCHAT, address: str = "s-1"
) -> StepPerson:
    person = bench.person(address, channel=channel)

    async def agreed(ctx: Context) -> None:
        ctx.record_consent(channel, ConsentState.GIVEN)
        ctx.set_language("en")
        ctx.mark_onboarded()

    await person.step(agreed)
    return person


async def started(person: StepPerson, holder: str = "azr", kind: str = "access") -> Step:
    await person.enter(FLOW, {"holder": holder})
    await person.handle(FLOW, "kind", Input(choice=kind), {"holder": holder})
    step = await person.handle(FLOW, "consent", Input(choice="agree"),
                               {"holder": holder, "kind": kind})  # fmt: skip
    assert step is not None
    return step


async def answer(person: StepPerson, step: Step, text: str) -> Step:
    """`text` written at the question `step` asks."""
    assert step.step is not None
    following = await person.handle(FLOW, step.step, Input(text=text), step.data)
    assert following is not None
    return following


async def type_all(person: StepPerson, step: Step) -> Step:
    """Answer every question with TYPED until the wizard leaves its text steps."""
    while step.flow == "rights_request" and step.step in FLOW.text_steps:
        assert step.step is not None
        following = await person.handle(FLOW, step.step, Input(text=TYPED[step.step]), step.data)
        assert following is not None and not leaks(following)
        step = following
    return step


def test_the_ids_are_spelled_as_bot_rights_spells_them() -> None:
    assert (*w.IDENTITY, *w.DETAILS) == tuple(part.value for part in Part)
    assert {choice.id for choice in w.KINDS.values()} == {kind.value for kind in RequestKind}
    assert (w.DETAIL_MAX, w.OLDEST_YEARS) == (DETAIL_MAX, OLDEST_YEARS)
    # Each problem of typing has its answer (the clock's are flows/rights_due.py's).
    clock = {"before-request", "late-extension", "no-reasons", "wrong-status"}
    for problem in Problem:
        if problem.value not in clock:
            assert w.problem_text(problem.value, "family-name", "x").msgid


async def test_a_holder_that_does_not_exist_is_not_found(wired: Bench, store: Store) -> None:
    person = await onboarded(wired)
    for data in ({"holder": "nobody"}, {"holder": 7}, {}):
        step = await person.enter(FLOW, data)
        assert (step.flow, step.step) == ("menu", None)
        assert msgids(*step.replies) == [w.NOT_FOUND.msgid]
    # A holder in the state that has gone since: not found, not a crash.
    gone = await person.handle(FLOW, "consent", Input(choice="agree"),
                               {"holder": "nobody", "kind": "access"})  # fmt: skip
    assert gone is not None and gone.flow == "menu" and not store.requests and not store.consents


async def test_the_kinds_are_the_holders_with_a_sentence_each(wired: Bench) -> None:
    azr = catalog(wired.settings).get("azr")
    assert azr is not None and RequestKind.TRANSFER_BLOCK in azr.requests
    person = await onboarded(wired)
    step = await person.enter(FLOW, {"holder": "azr"})
    [reply] = step.replies
    kinds = [kind for kind in RequestKind if kind in azr.requests]
    assert choice_ids(reply) == [*(kind.value for kind in kinds), "back"]
    assert msgids(reply)[0] == "What would you like to ask {holder}?"
    assert reply.texts[0].params["holder"].msgid == azr.plain_name
    assert [text.params["what"] for text in reply.texts[1:]] == [w.WHAT[k] for k in kinds]
    # By SMS one message per kind, then the question with its choices.
    sms = await onboarded(wired, Channel.SMS, "+4915100000001")
    by_sms = await sms.enter(FLOW, {"holder": "azr"})
    assert len(by_sms.replies) == len(kinds) + 1
    assert choice_ids(by_sms.replies[-1]) == choice_ids(reply)


async def test_consent_comes_before_anything_is_typed(wired: Bench, store: Store) -> None:
    person = await onboarded(wired)
    data = {"holder": "azr"}
    asked = await person.handle(FLOW, "kind", Input(choice="correction"), data)
    assert asked is not None and asked.step == "consent"
    [reply] = asked.replies
    assert msgids(reply)[:2] == [w.NEEDS.msgid, "It also needs what is wrong and what is right."]
    assert reply.texts[2].params["days"] == wired.settings.request_days
    assert reply.texts[3].msgid == "Full privacy notice: {link}"
    assert choice_ids(reply) == ["agree", "no"]
    # No: back to the kinds, nothing stored.
    back = await person.handle(FLOW, "consent", Input(choice="no"), asked.data)
    assert back is not None and back.step == "kind"
    assert msgids(back.replies[0]) == [w.NOTHING_STORED.msgid]
    assert not store.requests and not store.consents
    # Yes: consent recorded, the request opened, the first part asked.
    first = await person.handle(FLOW, "consent", Input(choice="agree"), asked.data)
    assert first is not None and (first.flow, first.step) == ("rights_request", "family-name")
    assert len(store.consents) == 1 and len(store.requests) == 1
    [request_id] = store.requests
    assert first.data == {"request": request_id, "kind": "correction"}
    assert choice_ids(first.replies[-1]) == ["later"]


async def test_every_part_is_saved_and_the_letter_comes_under_the_message(
    wired: Bench, store: Store
) -> None:
    person = await onboarded(wired)
    step = await started(person, kind="correction")
    asked: list[str | None] = []
    while step.step in FLOW.text_steps:
        asked.append(step.step)
        assert set(step.data) <= {"request", "kind", "address"}  # never a typed value
        step = await answer(person, step, TYPED[str(step.step)])
        assert not leaks(step)
        if step.step in FLOW.text_steps:  # a receipt that counts what is left
            receipt = step.replies[0].texts[0]
            assert receipt.msgid == "Saved. One more question."
            assert receipt.n == len(store.requests[step.data["request"]].missing())
    assert asked == [*w.IDENTITY, "wrong", "right"]
    # Then how and when it went (flows/rights_due.py).
    assert (step.flow, step.step) == ("rights_due", "sent-by")
    [request_id] = store.requests
    summary, letter, then, how = step.replies
    assert msgids(summary) == [w.summary(Text(""), RequestKind.CORRECTION).msgid,
                               w.CONTAINS.msgid, w.CONTAINS_WORDS.msgid]  # fmt: skip
    assert letter.attachment == f"rights-letter:{request_id}"
    assert msgids(then)[-1] == w.DUE.msgid
    assert msgids(how) == ["How did you send your letter?"]
    assert choice_ids(how) == ["post", "electronic", "in-person", "unsent"]
    assert store.letters == [(request_id, Channel.WEBCHAT)]
    stored = store.requests[request_id]
    assert stored.identity.full_name == "Amal Noor Haddad" and stored.details.right


async def test_a_birth_date_in_the_future_is_answered_and_changes_nothing(
    wired: Bench, store: Store
) -> None:
    person = await onboarded(wired)
    step = await started(person)
    for part in ("family-name", "given-names"):
        step = await answer(person, step, TYPED[part])
    assert step.step == "birth-date"
    [request_id] = store.requests
    before = store.requests[request_id]
    year = wired.clock().year + 1
    for typed, problem in (
        (f"01.01.{year}", "That date is in the future. Please write your date of birth."),
        ("31.02.1990", w.problem_text("date-format", "", "").msgid),
        ("1990", w.problem_text("date-format", "", "").msgid),
    ):
        again = await person.handle(FLOW, "birth-date", Input(text=typed), step.data)
        assert again is not None and (again.step, again.data) == ("birth-date", step.data)
        assert msgids(*again.replies) == [problem, w.QUESTIONS["birth-date"].msgid]
        assert store.requests[request_id] == before


async def test_a_correction_of_5000_characters_is_too_long(wired: Bench, store: Store) -> None:
    person = await onboarded(wired)
    step = await started(person, kind="correction")
    for part in w.IDENTITY:
        step = await answer(person, step, TYPED[part])
    assert step.step == "wrong"
    assert msgids(*step.replies)[-2:] == [w.OWN_WORDS.msgid, w.QUESTIONS["wrong"].msgid]
    [request_id] = store.requests
    before = store.requests[request_id]
    again = await person.handle(FLOW, "wrong", Input(text="x" * 5000), step.data)
    assert again is not None and again.step == "wrong"
    [said] = again.replies[0].texts
    assert said.params == {"max": DETAIL_MAX, "count": 5000}
    assert store.requests[request_id] == before


async def test_another_persons_or_a_deleted_request_is_not_reached(
    wired: Bench, store: Store
) -> None:
    owner = await onboarded(wired)
    step = await started(owner)
    [request_id] = store.requests
    before = store.requests[request_id]
    other = await onboarded(wired, address="s-2")
    data = {"request": request_id, "kind": "access"}
    tries: list[tuple[str, Input, dict[str, Any]]] = [
        ("family-name", Input(text="Mallory"), data),
        ("street", Input(choice="use-address"), {**data, "address": True}),
        ("family-name", Input(choice="later"), data),
        ("send", Input(choice="yes"), {"request": request_id}),
    ]
    for answered in [
        *[await other.handle(FLOW, step_name, given, state) for step_name, given, state in tries],
        await other.enter(FLOW, {"request": request_id}),
    ]:
        assert answered is not None and answered.flow == "menu"
        assert msgids(*answered.replies) == [w.GONE.msgid]
    assert store.requests[request_id] == before and not store.letters
    # Deleted by its owner, the id left in the conversation: gone, nothing saved.
    del store.requests[request_id]
    stale = await owner.handle(FLOW, "family-name", Input(text="Haddad"), step.data)
    assert stale is not None and msgids(*stale.replies) == [w.GONE.msgid]
    assert not store.requests


async def test_the_kept_address_for_letters_is_offered(wired: Bench, store: Store) -> None:
    person = await onboarded(wired)
    person_id = await person.person_id()
    assert person_id is not None
    async with wired.sessionmaker() as session, session.begin():
        assert await keep_postal_address(session, wired.vault, person_id, ADDRESS, wired.clock())
    step = await started(person)
    for part in w.IDENTITY[:5]:
        step = await answer(person, step, TYPED[part])
    assert step.step == "street" and step.data["address"] is True
    assert choice_ids(step.replies[-1]) == ["use-address", "later"]
    done = await person.handle(FLOW, "street", Input(choice="use-address"), step.data)
    assert done is not None and done.flow == "rights_due"  # access: nothing else to ask
    assert msgids(done.replies[0]) == [w.ADDRESS_TAKEN.msgid]
    [stored] = store.requests.values()
    assert (stored.identity.street, stored.identity.postcode) == (ADDRESS.street, ADDRESS.postcode)
    assert ADDRESS.street not in " ".join(words(done))


async def test_go_on_later_keeps_the_request_and_resumes_where_it_stopped(
    wired: Bench, store: Store
) -> None:
    person = await onboarded(wired)
    step = await started(person, holder="azr", kind="transfer-block")
    step = await answer(person, step, "Haddad")
    later = await person.handle(FLOW, "given-names", Input(choice="later"), step.data)
    assert later is not None and later.flow == "menu"
    [request_id] = store.requests
    [said] = later.replies[0].texts
    assert said.msgid == w.for_later(None).msgid
    assert (
        said.params["date"] == (wired.clock() + timedelta(days=wired.settings.request_days)).date()
    )
    resumed = await person.enter(FLOW, {"request": request_id})
    assert resumed.step == "given-names"
    # Choosing the same request again goes on too, without asking consent again.
    again = await person.handle(FLOW, "kind", Input(choice="transfer-block"), {"holder": "azr"})
    assert again is not None and again.step == "given-names" and again.data == resumed.data
    assert msgids(*again.replies) == [w.RESUMED.msgid, w.QUESTIONS["given-names"].msgid]
    assert len(store.consents) == 1 and list(store.requests) == [request_id]
    done = await type_all(person, resumed)
    assert done.flow == "rights_due"
    assert store.requests[request_id].details.reasons == TYPED["reasons"]
    # The AZR wants a certified signature or an appointment.
    assert w.NEXT[IdentityProof.CERTIFIED_SIGNATURE] in done.replies[-2].texts


async def test_telegram_asks_before_the_document_is_sent(wired: Bench, store: Store) -> None:
    person = await onboarded(wired, Channel.TELEGRAM, "4711")
    step = await type_all(person, await started(person))
    assert (step.flow, step.step) == ("rights_request", "send")
    assert msgids(step.replies[-1]) == [w.SEND_HERE.msgid] and not store.letters
    assert all(reply.attachment is None for reply in step.replies)
    no = await person.handle(FLOW, "send", Input(choice="no"), step.data)
    assert no is not None and msgids(*no.replies) == [w.NOT_SENT.msgid] and not store.letters
    again = await person.enter(FLOW, {"request": step.data["request"]})
    yes = await person.handle(FLOW, "send", Input(choice="yes"), again.data)
    assert yes is not None and yes.replies[0].attachment == f"rights-letter:{step.data['request']}"
    assert store.letters == [(step.data["request"], Channel.TELEGRAM)]


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.WHATSAPP])
async def test_by_sms_and_whatsapp_a_short_link(
    wired: Bench, store: Store, channel: Channel
) -> None:
    person = await onboarded(wired, channel, "+4915100000009")
    step = await type_all(person, await started(person))
    assert (step.flow, step.step) == ("rights_due", "sent-by")
    link = next(r for r in step.replies if msgids(r) == [w.by_link("", None).msgid])
    assert link.texts[0].params["link"] == "https://lotse.example/r/token"
    assert all(reply.attachment is None for reply in step.replies)


async def test_a_typed_name_is_no_connect_code(wired: Bench) -> None:
    person = await onboarded(wired)
    await started(person)

    async def intercepted(ctx: Context) -> Step | None:
        assert (ctx.conversation.flow, ctx.conversation.step) == ("rights_request", "family-name")
        return wired.router.intercept(ctx, Input(text="K7QF-9M2X"))

    assert await person.step(intercepted) is None


async def test_with_the_real_port_another_persons_request_is_not_reached(bench: Bench) -> None:
    """The same through the runtime's own port (bot.rights): a stale or foreign request id
    in the conversation's data is "no longer exists", and nothing is stored for it."""
    owner = await onboarded(bench)
    step = await started(owner, holder="azr", kind="correction")
    request_id = step.data["request"]
    other = await onboarded(bench, address="s-2")
    for part, given in (("family-name", Input(text="Mallory")), ("street", Input(choice="later"))):
        answered = await other.handle(FLOW, part, given, {"request": request_id})
        assert answered is not None and msgids(*answered.replies) == [w.GONE.msgid]

    async def view(ctx: Context) -> Any:
        return await ctx.port(Requests).view(request_id)

    assert (await owner.read(view)).missing[0].value == "family-name"  # nothing saved
    assert await other.read(view) is None
    # A birth date in the future, through the real checks: answered, nothing saved.
    for part in ("family-name", "given-names"):
        step = await answer(owner, step, TYPED[part])
    future = await answer(owner, step, f"01.01.{bench.clock().year + 1}")
    assert future.step == "birth-date" and msgids(future.replies[0]) == [
        "That date is in the future. Please write your date of birth."
    ]
    assert (await owner.read(view)).missing[0].value == "birth-date"
    # A correction of 5,000 characters, through the real checks: answered, nothing saved.
    step = future
    for part in w.IDENTITY[2:]:
        step = await answer(owner, step, TYPED[part])
    assert step.step == "wrong"
    long = await answer(owner, step, "x" * 5000)
    assert long.step == "wrong" and long.replies[0].texts[0].params["count"] == 5000
    assert (await owner.read(view)).missing == (Part.WRONG, Part.RIGHT)
