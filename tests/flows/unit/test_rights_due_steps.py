"""A sent request's deadline in conversation, step by step through the engine's Context,
with the in-memory `Requests` port (tests/support/rights_double.py) running the real
deadline clock (bot.rights.clock): how and when the letter went, Lotse's question at
each stage, the reminder and the complaint offered and made, an answer in time, an
extension (valid, late, without reasons), dates typed wrong, and a question about a
request that is not the person's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from bot.config import Settings
from bot.conversation import Input, Requests, Step
from bot.conversation.step import StepRunner
from bot.i18n import Catalogs
from bot.kernel.types import Channel
from bot.rights import Problem
from bot.rights.asking import ask_payload
from bot.rights.deadlines import SentBy
from bot.rights.views import Ask, LetterKind, Outcome, RequestStatus
from bot.runtime.services import feature_ports
from flows import rights_due_words as w
from flows.rights_due import ASK_PAYLOAD, TEMPLATE, RightsDue, ask_id
from flows.rights_request import RightsRequest
from flows.router import code_step
from tests.flows.unit.test_rights_request_steps import onboarded, started, type_all
from tests.support.clock import Clock
from tests.support.rights_double import Store
from tests.support.steps import OPERATOR, Bench, StepPerson, choice_ids, msgids

FLOW = RightsDue()


@pytest.fixture
async def store(settings: Settings, clock: Clock, catalogs: Catalogs) -> AsyncIterator[Store]:
    yield Store(settings)


@pytest.fixture
async def wired(bench: Bench, store: Store) -> Bench:
    ports = {**feature_ports(bench.settings), Requests: store.port}
    bench.runner = StepRunner(router=bench.router, catalogs=bench.catalogs,
                              settings=bench.settings, vault=bench.vault, operator=OPERATOR,
                              ports=ports)  # fmt: skip
    return bench


def test_the_ids_are_spelled_as_bot_rights_spells_them() -> None:
    assert tuple(k.value for k in LetterKind) == (w.REQUEST, w.REMINDER, w.COMPLAINT)
    assert set(w.BY) == {by.value for by in SentBy} - {SentBy.LOTSE.value}
    assert tuple(o.value for o in Outcome) == (w.DONE, w.PARTLY, w.REFUSED)
    assert {w.SOON, w.DUE, w.REMINDER_DUE, w.COMPLAINED, w.OFFICE} == {a.value for a in Ask}
    assert {"sent", "extended", "overdue", "reminded"} < {s.value for s in RequestStatus}
    clock = {"before-request", "late-extension", "no-reasons", "wrong-status"}
    assert clock <= {p.value for p in Problem}


def test_the_payload_names_one_request() -> None:
    assert ask_id(f"{ASK_PAYLOAD}42") == 42
    assert [ask_id(p) for p in (None, "rights-ask:", "rights-ask:x", "transfer-result:4")] == [
        None, None, None, None,
    ]  # fmt: skip
    routed = code_step(Input(payload="rights-ask:7"))
    assert routed is not None and (routed.flow, routed.data) == (
        "rights_due", {"request": 7, "ask": True},
    )  # fmt: skip
    # The ask job names the stage it asked (the request has moved on to the next one).
    assert ask_payload(7, Ask.REMINDER_DUE) == "rights-ask:7:reminder-due"
    routed = code_step(Input(payload=ask_payload(7, Ask.REMINDER_DUE)))
    assert routed is not None and routed.data == {"request": 7, "ask": "reminder-due"}
    assert ask_id("rights-ask:7:later") is None and ask_id("rights-ask:7:office") == 7


def test_a_typed_date_is_checked() -> None:
    today = date(2026, 11, 23)
    assert w.typed_date(None, "today", today) == today
    assert w.typed_date(None, "yesterday", today) == date(2026, 11, 22)
    assert w.typed_date(" 1.11.2026 ", None, today) == date(2026, 11, 1)
    assert w.typed_date("31.02.2026", None, today) == w.DATE_FORMAT
    assert w.typed_date("yesterday-ish", None, today) == w.DATE_FORMAT
    assert w.typed_date("24.11.2026", None, today) == w.DATE_FUTURE


async def letter_made(wired: Bench, channel: Channel = Channel.WEBCHAT) -> tuple[StepPerson, Step]:
    """An access request to the AZR typed to the end: its letter, then "how did it go?"."""
    person = await onboarded(wired, channel, "+4915100000009" if channel is Channel.SMS else "s-1")
    step = await type_all(person, await started(person))
    if step.step == "send":  # Telegram asks before the document
        sent = await person.handle(RightsRequest(), "send", Input(choice="yes"), step.data)
        assert sent is not None
        step = sent
    assert (step.flow, step.step) == ("rights_due", "sent-by"), step
    return person, step


async def go(person: StepPerson, step: Step, given: Input) -> Step:
    assert step.flow == "rights_due" and step.step is not None
    following = await person.handle(FLOW, step.step, given, step.data)
    assert following is not None, (step.step, given)
    return following


async def sent_by_post(person: StepPerson, step: Step, on: str = "today") -> Step:
    step = await go(person, step, Input(choice="post"))
    assert step.step == "sent-on" and choice_ids(step.replies[-1]) == ["today", "yesterday"]
    return await go(
        person, step, Input(choice=on) if on in ("today", "yesterday") else Input(text=on)
    )


async def asked(person: StepPerson, store: Store, stage: Ask) -> Step:
    """Lotse asks by itself: the stage set as the ask job sets it, the internal message."""
    [request_id] = store.requests
    store.ask(request_id, stage)
    return await person.enter(FLOW, {"request": request_id, "ask": True})


def view_of(store: Store) -> Any:
    [request_id] = store.requests
    return store.rows[request_id]


async def test_how_and_when_the_letter_went_starts_the_clock(wired: Bench, store: Store) -> None:
    person, step = await letter_made(wired)
    by_post = await go(person, step, Input(choice="post"))
    for typed, said in (("next week", w.DATE_FORMAT), ("30.11.2026", w.DATE_FUTURE),
                        ("01.01.2026", w.BEFORE_REQUEST)):  # fmt: skip
        again = await go(person, by_post, Input(text=typed))
        assert (again.step, msgids(*again.replies)) == ("sent-on", [said.msgid, w.SENT_ON.msgid])
        assert view_of(store).sent_on is None  # nothing changed
    done = await go(person, by_post, Input(text="23.11.2026"))
    row = view_of(store)
    assert (row.status, row.sent_on, row.sent_by) == ("sent", date(2026, 11, 23), "post")
    assert done.flow == "menu"
    [told] = done.replies
    assert msgids(told) == [w.CLOCK_RUNS.msgid, w.DUE_ON_ESTIMATED.msgid]
    assert told.texts[1].params["date"] == row.due_on == date(2026, 12, 28)  # 26.12: a holiday


async def test_not_sent_yet_and_then_from_my_requests(wired: Bench, store: Store) -> None:
    person, step = await letter_made(wired)
    later = await go(person, step, Input(choice="unsent"))
    assert later.flow == "menu" and msgids(*later.replies) == [w.UNSENT_NOTE.msgid]
    [request_id] = store.requests
    again = await person.enter(FLOW, {"request": request_id, "sent": "request"})
    assert again.step == "sent-by"
    by_mail = await go(person, again, Input(choice="electronic"))
    # Yesterday the request did not exist yet.
    wrong = await go(person, by_mail, Input(choice="yesterday"))
    assert msgids(wrong.replies[0]) == [w.BEFORE_REQUEST.msgid]
    done = await go(person, by_mail, Input(choice="today"))
    row = view_of(store)
    assert (row.status, row.sent_on) == ("sent", date(2026, 11, 23))
    # Sent electronically: arrived the same day, and the deadline is no estimate.
    assert msgids(*done.replies) == [w.CLOCK_RUNS.msgid, w.DUE_ON.msgid]


async def test_no_answer_then_the_reminder_then_the_complaint(
    wired: Bench, store: Store, clock: Clock
) -> None:
    person, step = await letter_made(wired)
    await sent_by_post(person, step)
    clock.advance(days=36)  # 29.12: the day after the deadline
    question = await asked(person, store, Ask.DUE)
    first = question.replies[0]
    assert first.important and first.template == TEMPLATE
    assert msgids(first) == [w.ABOUT.msgid, w.WAS_DUE_ESTIMATED.msgid, w.HAS_ANSWER.msgid]
    assert choice_ids(first) == ["yes", "more-time", "not-yet", "later"]
    offer = await go(person, question, Input(choice="not-yet"))
    assert view_of(store).status == "overdue"
    assert (offer.step, msgids(*offer.replies)) == ("offer", [w.OVERDUE.msgid, w.HAS_NEXT.msgid])
    assert choice_ids(offer.replies[-1]) == ["make-reminder", "already", "not-now"]
    made = await go(person, offer, Input(choice="make-reminder"))
    [request_id] = store.requests
    assert store.made[-1] == (request_id, "reminder")
    letter, steps, how = made.replies
    assert letter.attachment == f"rights-letter:{request_id}:reminder"
    assert msgids(steps) == [w.NEXT_STEPS["reminder"].msgid]
    assert msgids(how) == [w.HOW["reminder"].msgid] and made.step == "sent-by"
    noted = await sent_by_post(person, made)
    row = view_of(store)
    assert (row.status, row.reminder_on) == ("reminded", date(2026, 12, 29))
    assert msgids(*noted.replies) == [w.REMINDER_RUNS.msgid]
    assert noted.replies[0].texts[0].params["date"] == row.reminder_due_on
    # The reminder's two weeks pass without an answer: the complaint.
    clock.now = clock.now.replace(year=2027, month=1, day=20)
    question = await asked(person, store, Ask.REMINDER_DUE)
    assert msgids(question.replies[0])[1] == w.REMINDER_WAS_DUE.msgid
    assert "more-time" not in choice_ids(question.replies[0])  # too late for an extension
    offer = await go(person, question, Input(choice="not-yet"))
    assert msgids(offer.replies[0]) == [w.COMPLAINT_DUE.msgid, w.AUTHORITY.msgid, w.HAS_NEXT.msgid]
    assert "Bundesbeauftragte" in offer.replies[0].texts[1].params["authority"]
    made = await go(person, offer, Input(choice="make-complaint"))
    assert store.made[-1] == (request_id, "complaint")
    noted = await go(person, await go(person, made, Input(choice="post")), Input(choice="today"))
    assert view_of(store).status == "complaint"
    assert msgids(*noted.replies) == [w.COMPLAINT_RUNS.msgid]
    # Months later: is it settled? Yes: done.
    clock.advance(days=95)
    settled = await asked(person, store, Ask.COMPLAINT)
    assert settled.step == "settled" and msgids(settled.replies[0])[-1] == w.SETTLED_ASK.msgid
    closed = await go(person, settled, Input(choice="settled"))
    assert view_of(store).status == "closed" and msgids(*closed.replies) == [w.CLOSED.msgid]


async def test_an_answer_in_time_closes_the_request(
    wired: Bench, store: Store, clock: Clock
) -> None:
    person, step = await letter_made(wired)
    await sent_by_post(person, step)
    clock.advance(days=22)  # 15.12, some days before the deadline
    question = await asked(person, store, Ask.SOON)
    assert msgids(question.replies[0])[1] == w.DUE_ON_ESTIMATED.msgid
    when = await go(person, question, Input(choice="yes"))
    assert when.step == "answer-on"
    wrong = await go(person, when, Input(text="20.11.2026"))  # before the letter went
    assert msgids(wrong.replies[0]) == [w.BEFORE_REQUEST.msgid] and wrong.step == "answer-on"
    what = await go(person, when, Input(text="14.12.2026"))
    assert what.step == "outcome" and choice_ids(what.replies[0]) == ["done", "partly", "refused"]
    done = await go(person, what, Input(choice="done"))
    row = view_of(store)
    assert (row.status, row.answered_on, row.outcome) == ("closed", date(2026, 12, 14), "done")
    assert msgids(*done.replies) == [w.CLOSED.msgid] and done.flow == "menu"


async def test_a_correction_without_recipients_named_may_be_complained_of(
    wired: Bench, store: Store, clock: Clock
) -> None:
    person = await onboarded(wired)
    step = await type_all(person, await started(person, kind="correction"))
    await sent_by_post(person, step)
    clock.advance(days=10)
    question = await person.enter(FLOW, {"request": next(iter(store.requests))})  # My requests
    assert not question.replies[0].important  # asked for, not by Lotse
    what = await go(person, await go(person, question, Input(choice="yes")), Input(choice="today"))
    assert msgids(what.replies[0]) == [w.CORRECTED.msgid]
    named = await go(person, what, Input(choice="done"))
    assert named.step == "recipients" and choice_ids(named.replies[0]) == ["yes", "no", "unsure"]
    offer = await go(person, named, Input(choice="no"))
    assert view_of(store).status == "answered" and view_of(store).recipients_named is False
    assert choice_ids(offer.replies[-1]) == ["make-complaint", "already", "close", "not-now"]
    closed = await go(person, offer, Input(choice="close"))
    assert view_of(store).status == "closed" and msgids(*closed.replies) == [w.CLOSED.msgid]


@pytest.mark.parametrize(
    ("written", "reasons", "said"),
    [
        ("10.12.2026", True, w.EXTENDED),
        ("10.12.2026", False, w.NO_REASONS),
        ("30.12.2026", True, w.LATE_EXTENSION),
    ],
)
async def test_more_time(
    wired: Bench, store: Store, clock: Clock, written: str, reasons: bool, said: Any
) -> None:
    person, step = await letter_made(wired)
    await sent_by_post(person, step)
    clock.now = clock.now.replace(day=31, month=12)
    question = await asked(person, store, Ask.DUE)
    when = await go(person, question, Input(choice="more-time"))
    why = await go(person, when, Input(text=written))
    assert why.step == "reasons"
    done = await go(person, why, Input(choice="yes" if reasons else "no"))
    row = view_of(store)
    if said is w.EXTENDED:
        assert row.status == "extended" and row.due_on == date(2027, 2, 26)
        assert msgids(*done.replies) == [w.EXTENDED.msgid, w.DUE_ON_ESTIMATED.msgid]
    else:  # not valid, and the deadline passed: the reminder
        assert row.status == "overdue" and done.step == "offer"
        assert msgids(done.replies[0]) == [said.msgid]
        assert msgids(done.replies[1])[0] == w.OVERDUE.msgid


async def test_answer_later_asks_nothing_more(wired: Bench, store: Store, clock: Clock) -> None:
    person, step = await letter_made(wired)
    await sent_by_post(person, step)
    clock.advance(days=22)
    question = await asked(person, store, Ask.SOON)
    later = await go(person, question, Input(choice="later"))
    assert later.flow == "menu" and msgids(*later.replies) == [w.LATER_NOTE.msgid]
    early = await go(person, question, Input(choice="not-yet"))  # before the deadline
    assert msgids(*early.replies) == [w.ASK_AGAIN.msgid] and view_of(store).status == "sent"


async def test_a_question_about_a_request_not_theirs_says_nothing(
    wired: Bench, store: Store
) -> None:
    owner, step = await letter_made(wired)
    await sent_by_post(owner, step)
    [request_id] = store.requests
    store.ask(request_id, Ask.DUE)
    other = await onboarded(wired, address="s-2")
    forged = await other.enter(FLOW, {"request": request_id, "ask": True})
    assert forged.replies == ()  # nothing of the request, not even that it exists
    gone = await other.enter(FLOW, {"request": request_id})
    assert msgids(*gone.replies) == [w.GONE.msgid]
    refused = await other.handle(FLOW, "ask", Input(choice="not-yet"), {"request": request_id})
    assert refused is not None and msgids(*refused.replies) == [w.GONE.msgid]
    assert view_of(store).status == "sent"


@pytest.mark.parametrize("channel", [Channel.SMS, Channel.TELEGRAM])
async def test_the_reminder_per_channel(
    wired: Bench, store: Store, clock: Clock, channel: Channel
) -> None:
    person, step = await letter_made(wired, channel)
    await sent_by_post(person, step)
    clock.advance(days=36)
    question = await asked(person, store, Ask.DUE)
    if channel is Channel.SMS:  # each paragraph alone, the choices with the question
        assert [len(r.texts) for r in question.replies] == [1, 1, 1]
        assert question.replies[0].important and choice_ids(question.replies[-1])[0] == "yes"
    offer = await go(person, question, Input(choice="not-yet"))
    made = await go(person, offer, Input(choice="make-reminder"))
    if channel is Channel.TELEGRAM:  # asked first: the document stays in the chat
        assert made.step == "send-here" and not store.made[1:]
        made = await go(person, made, Input(choice="yes"))
        assert made.replies[0].attachment is not None
    else:
        assert made.replies[0].texts[0].params["link"] == "https://lotse.example/r/token"
    assert made.step == "sent-by"
