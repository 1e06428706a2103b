"""A sent request's deadline, in conversation: whether an answer came, and the next letter.

Lotse asks by itself: the ask job (bot/rights/asking.py) puts an internal message
`rights-ask:<id>:<stage>` into the inbox at the moment the request's clock names (its
`ask` stage), and the router enters this flow with `{"request": id, "ask": stage}` (the
job has moved the request on to its next stage by then). The payload
may be forged (a Telegram /start): the flow reads the request through the `Requests`
port, which only ever sees the person's own, and says nothing where there is nothing to
ask. "My requests" enters it with `{"request": id}` (the same question, by the request's
status) or `{"request": id, "sent": kind}` (how and when a letter went), and the request
wizard hands over here once the letter is made.

Each stage asks one question, and "Answer later" always leads out: Lotse asks a stage
once (the job), so "later" means "My requests", never another message. Dates the person
types are checked here (DD.MM.YYYY, not in the future) and by the port (not before the
letter); a deadline counted from a letter by post is said to be an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot import holders as registry
from bot.conversation import Context, Input, Requests, Step
from bot.kernel.types import Channel, Reply, Text, t
from flows import rights_due_words as w
from flows import rights_words
from flows.common import NO, YES, go
from flows.holders_requests import holder_name

NAME = "rights_due"
HOME = "menu"
#: What the ask job puts into the inbox (bot/rights/asking.py writes the same).
ASK_PAYLOAD = "rights-ask:"
#: The WhatsApp template a question asked by Lotse itself goes as outside the 24 hours.
TEMPLATE = "request-due"
LINKED = (Channel.SMS, Channel.WHATSAPP)
TEXT_STEPS = frozenset({"answer-on", "extended-on", "sent-on"})
#: Statuses in which the letter went and an answer is awaited (bot.rights.RUNNING).
WAITING = frozenset({"sent", "extended", "overdue", "reminded"})
#: Statuses Lotse asks about by itself (after a complaint: whether it is settled).
ASKED = WAITING | {"complaint"}
#: Which next letter a status offers when no answer came.
PROBLEMS: dict[str, Text] = {
    "date-future": w.DATE_FUTURE,
    "before-request": w.BEFORE_REQUEST,
    "date-format": w.DATE_FORMAT,
}


#: The stages a question is asked at (bot.rights.Ask values).
STAGES = frozenset({w.SOON, w.DUE, w.REMINDER_DUE, w.COMPLAINED, w.OFFICE})


def asked_about(payload: str | None) -> tuple[int, str | None] | None:
    """The request and stage a `rights-ask:<id>:<stage>` payload names (the stage may be
    left out); None for any other payload."""
    if not payload or not payload.startswith(ASK_PAYLOAD):
        return None
    number, _, stage = payload.removeprefix(ASK_PAYLOAD).partition(":")
    if not number.isdigit() or len(number) > 18 or (stage and stage not in STAGES):
        return None
    return int(number), stage or None


def ask_id(payload: str | None) -> int | None:
    """The request a `rights-ask:<id>` payload names; None for any other payload."""
    found = asked_about(payload)
    return None if found is None else found[0]


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def sent_question(ctx: Context, request_id: int, letter: str, *before: Reply) -> Step:
    """How did the letter go? (the request wizard's last step, and "I sent it")."""
    state = {"request": request_id, "letter": letter}
    return Step((*before, w.prompt(ctx, "sent-by", state)), NAME, "sent-by", state)


class RightsDue:
    name = NAME
    text_steps = TEXT_STEPS

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        request_id = data.get("request")
        view = await ctx.port(Requests).view(request_id) if isinstance(request_id, int) else None
        if view is None:
            if data.get("ask"):  # nothing of theirs to ask about: say nothing
                return _unchanged(ctx)
            return go(HOME, Reply((w.GONE,)))
        if isinstance(data.get("sent"), str) and data["sent"] in w.HOW:
            return sent_question(ctx, view.request_id, data["sent"])
        if data.get("ask"):
            return self._asked(ctx, view, data["ask"])
        return self._question(ctx, view)

    # -- the question ----------------------------------------------------------------------

    def _asked(self, ctx: Context, view: Any, stage: object) -> Step:
        """Lotse writes first: the question of the request's stage, marked so it may go as
        the approved template (WhatsApp) or by the next channel. The stage is the one
        the job asked (it moved the request on to its next stage as it asked); without
        one, the request's own."""
        if not isinstance(stage, str) or stage not in STAGES:
            stage = None if view.ask is None else str(view.ask)
        if stage is None or view.clock is None:
            return _unchanged(ctx)
        if stage != w.OFFICE and str(view.status) not in ASKED:
            return _unchanged(ctx)  # settled meanwhile: nothing to ask
        step = self._news(ctx, view) if stage == w.OFFICE else self._question(ctx, view)
        first, *rest = step.replies
        marked = Reply(
            first.texts,
            first.choices,
            important=True,
            template=TEMPLATE,
            attachment=first.attachment,
        )
        return Step((marked, *rest), step.flow, step.step, step.data)

    def _question(self, ctx: Context, view: Any, *before: Reply) -> Step:
        status = str(view.status)
        state = {"request": view.request_id, "kind": str(view.kind), "status": status}
        if status == "complaint":
            question = w.prompt(ctx, "settled", state)
            return Step(
                (
                    *before,
                    *w.split(ctx, Reply((w.about(ctx, view), *question.texts), question.choices)),
                ),
                NAME,
                "settled",
                state,
            )
        if status == "answered":
            return self._offer(ctx, view, w.COMPLAINT, w.FELL_SHORT, *before)
        if status not in WAITING:
            return go(HOME, *before, Reply((w.NOT_NOW_POSSIBLE,)))
        due = w.due_text(ctx, view)
        question = w.prompt(ctx, "ask", state)
        texts = (w.about(ctx, view), *((due,) if due else ()), *question.texts)
        return Step((*before, *w.split(ctx, Reply(texts, question.choices))), NAME, "ask", state)

    def _news(self, ctx: Context, view: Any) -> Step:
        """What the office's staff recorded, told without a question (an answer that fell
        short offers the complaint)."""
        clock, holder = view.clock, holder_name(ctx, view.holder)
        texts: list[Text] = []
        if clock.answered_on is not None and clock.outcome is not None:
            said = w.OFFICE_ANSWERED[str(clock.outcome)]
            texts.append(t(said.msgid, holder=holder, date=clock.answered_on))
        else:
            texts += [
                t(w.OFFICE_EXTENDED.msgid, holder=holder),
                t(w.DUE_ON.msgid, date=clock.due_on),
            ]
        if clock.office_note:
            texts.append(t(w.OFFICE_NOTE.msgid, note=clock.office_note))
        if clock.answered_on is not None:
            texts.append(w.OFFICE_LETTER)
        news = w.split(ctx, Reply(tuple(texts)))
        if str(view.status) == "answered":
            return self._offer(ctx, view, w.COMPLAINT, w.FELL_SHORT, *news)
        if str(view.status) == "closed":
            return go(HOME, *news, Reply((t(w.CLOSED.msgid, date=view.erase_at.date()),)))
        return go(HOME, *news)

    def _offer(self, ctx: Context, view: Any, letter: str, why: Text, *before: Reply) -> Step:
        """The next letter offered: made now, sent already, or not now."""
        state: dict[str, Any] = {"request": view.request_id, "letter": letter}
        if str(view.status) == "answered":
            state["short"] = True
        texts = [why]
        supervisor = _authority(ctx, view.holder) if letter == w.COMPLAINT else None
        if supervisor:
            texts.append(t(w.AUTHORITY.msgid, authority=supervisor))
        question = w.prompt(ctx, "offer", state)
        reply = Reply((*texts, *question.texts), question.choices)
        return Step((*before, *w.split(ctx, reply)), NAME, "offer", state)

    # -- the answers -------------------------------------------------------------------------

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        request_id = data.get("request")
        if not isinstance(request_id, int):
            return None
        if given.choice in (w.LATER.id, w.NOT_NOW.id):
            return go(HOME, Reply((w.LATER_NOTE,)))
        if step in TEXT_STEPS:
            return await self._dated(ctx, step, data, given)
        if step == "ask":
            return await self._asked_answer(ctx, data, given)
        if step == "outcome" and given.choice in (w.DONE, w.PARTLY, w.REFUSED):
            state = {**data, "outcome": given.choice}
            if data.get("kind") == "correction" and given.choice != w.REFUSED:
                return Step((w.prompt(ctx, "recipients", state),), NAME, "recipients", state)
            return await self._answered(ctx, state, None)
        if step == "recipients" and given.choice in (YES.id, w.NO.id, w.UNSURE.id):
            named = {YES.id: True, w.NO.id: False}.get(given.choice)
            return await self._answered(ctx, data, named)
        if step == "reasons" and given.choice in (YES.id, w.NO.id):
            return await self._extended(ctx, data, given.choice == YES.id)
        if step == "offer":
            return await self._offered(ctx, data, given)
        if step == "send-here" and given.choice in (YES.id, NO.id):
            if given.choice == NO.id:
                return go(HOME, Reply((w.LATER_NOTE,)))
            return await self._deliver(ctx, request_id, str(data.get("letter")))
        if step == "sent-by":
            if given.choice == w.UNSENT.id:
                return go(HOME, Reply((w.UNSENT_NOTE,)))
            if given.choice in w.BY:
                state = {**data, "by": given.choice}
                return Step((w.prompt(ctx, "sent-on", state),), NAME, "sent-on", state)
            return None
        if step == "settled" and given.choice in (w.SETTLED.id, w.NOT_YET.id):
            if given.choice == w.NOT_YET.id:
                return go(HOME, Reply((w.LATER_NOTE,)))
            return await self._close(ctx, request_id)
        return None

    async def _asked_answer(
        self, ctx: Context, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == YES.id:
            return Step((w.prompt(ctx, "answer-on", data),), NAME, "answer-on", dict(data))
        if given.choice == w.MORE_TIME.id and data.get("status") == "sent":
            return Step((w.prompt(ctx, "extended-on", data),), NAME, "extended-on", dict(data))
        if given.choice == w.NOT_YET.id:
            return await self._no_answer(ctx, data["request"])
        return None

    async def _dated(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice is not None and given.choice not in (w.TODAY.id, w.YESTERDAY.id):
            return None
        day = w.typed_date(given.text, given.choice, w.today(ctx.settings, ctx.now))
        if not isinstance(day, date):
            return _again(ctx, step, data, day)
        if step != "sent-on":  # an answer or an extension cannot come before the letter
            view = await ctx.port(Requests).view(data["request"])
            if view is None:
                return go(HOME, Reply((w.GONE,)))
            if view.clock is not None and day < view.clock.sent_on:
                return _again(ctx, step, data, w.BEFORE_REQUEST)
        state = {**data, "on": day.isoformat()}
        if step == "answer-on":
            return Step((w.prompt(ctx, "outcome", state),), NAME, "outcome", state)
        if step == "extended-on":
            return Step((w.prompt(ctx, "reasons", state),), NAME, "reasons", state)
        port = ctx.port(Requests)
        letter = str(data.get("letter", w.REQUEST))
        result = await port.sent(data["request"], day, str(data.get("by")), letter)
        return _problem(ctx, "sent-on", data, result) or self._went(ctx, result, letter)

    def _went(self, ctx: Context, view: Any, letter: str) -> Step:
        clock = view.clock
        if letter == w.REMINDER and clock is not None and clock.reminder_due_on is not None:
            return go(HOME, Reply((t(w.REMINDER_RUNS.msgid, date=clock.reminder_due_on),)))
        if letter == w.COMPLAINT:
            return go(HOME, Reply((w.COMPLAINT_RUNS,)))
        due = w.due_text(ctx, view)
        return go(HOME, Reply((w.CLOCK_RUNS, *((due,) if due else ()))))

    async def _answered(self, ctx: Context, data: Mapping[str, Any], named: bool | None) -> Step:
        on = _day(data.get("on")) or w.today(ctx.settings, ctx.now)
        result = await ctx.port(Requests).answered(data["request"], on, str(data["outcome"]), named)
        problem = _problem(ctx, "answer-on", data, result)
        if problem is not None:
            return problem
        if str(result.status) == "closed":
            return go(HOME, Reply((t(w.CLOSED.msgid, date=result.erase_at.date()),)))
        return self._offer(ctx, result, w.COMPLAINT, w.FELL_SHORT)

    async def _extended(self, ctx: Context, data: Mapping[str, Any], reasons: bool) -> Step:
        on = _day(data.get("on")) or w.today(ctx.settings, ctx.now)
        port = ctx.port(Requests)
        result = await port.extended(data["request"], on, reasons)
        if result is None:
            return go(HOME, Reply((w.GONE,)))
        if isinstance(result, str) and result in ("late-extension", "no-reasons"):
            why = w.LATE_EXTENSION if result == "late-extension" else w.NO_REASONS
            view = await port.view(data["request"])
            if view is None:
                return go(HOME, Reply((w.GONE,)))
            if view.clock is not None and view.clock.due_on < w.today(ctx.settings, ctx.now):
                # The deadline stays, and it passed: no valid answer, so the reminder.
                return await self._no_answer(ctx, view.request_id, Reply((why,)))
            due = w.due_text(ctx, view)
            return go(HOME, Reply((why, *((due,) if due else ()))))
        problem = _problem(ctx, "extended-on", data, result)
        if problem is not None:
            return problem
        due = w.due_text(ctx, result)
        return go(HOME, Reply((w.EXTENDED, *((due,) if due else ()))))

    async def _no_answer(self, ctx: Context, request_id: int, *before: Reply) -> Step:
        view = await ctx.port(Requests).no_answer(request_id)
        if view is None:
            return go(HOME, *before, Reply((w.GONE,)))
        status, clock = str(view.status), view.clock
        if status == "overdue":
            return self._offer(ctx, view, w.REMINDER, w.OVERDUE, *before)
        today = w.today(ctx.settings, ctx.now)
        if status == "reminded" and clock is not None and clock.reminder_due_on is not None:
            if clock.reminder_due_on < today:
                return self._offer(ctx, view, w.COMPLAINT, w.COMPLAINT_DUE, *before)
            return go(HOME, *before, Reply((t(w.ASK_AGAIN.msgid, date=clock.reminder_due_on),)))
        due = clock.next_on or clock.due_on if clock is not None else None
        if due is None:
            return go(HOME, *before, Reply((w.LATER_NOTE,)))
        return go(HOME, *before, Reply((t(w.ASK_AGAIN.msgid, date=due),)))

    async def _offered(self, ctx: Context, data: Mapping[str, Any], given: Input) -> Step | None:
        request_id, letter = data["request"], str(data.get("letter"))
        make = w.MAKE_REMINDER if letter == w.REMINDER else w.MAKE_COMPLAINT
        if given.choice == make.id:
            if ctx.channel is Channel.TELEGRAM:  # a document stays in the chat's history
                state = {"request": request_id, "letter": letter}
                return Step((w.prompt(ctx, "send-here", state),), NAME, "send-here", state)
            return await self._deliver(ctx, request_id, letter)
        if given.choice == w.ALREADY.id:
            return sent_question(ctx, request_id, letter)
        if given.choice == w.CLOSE.id and data.get("short"):
            return await self._close(ctx, request_id)
        return None

    async def _deliver(self, ctx: Context, request_id: int, letter: str) -> Step:
        issued = await ctx.port(Requests).letter(request_id, letter)
        if issued is None:
            return go(HOME, Reply((rights_words.NO_LETTER,)))
        until = issued.expires_at
        if ctx.channel is Channel.TELEGRAM:
            made = Reply((rights_words.SENT_HERE,), attachment=issued.reference)
        elif ctx.channel in LINKED:
            made = Reply((rights_words.by_link(issued.link, until),))
        else:
            made = Reply((rights_words.on_web(until),), attachment=issued.reference)
        return sent_question(ctx, request_id, letter, made, Reply((w.NEXT_STEPS[letter],)))

    async def _close(self, ctx: Context, request_id: int) -> Step:
        view = await ctx.port(Requests).close(request_id)
        if view is None:
            return go(HOME, Reply((w.GONE,)))
        return go(HOME, Reply((t(w.CLOSED.msgid, date=view.erase_at.date()),)))

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        return w.prompt(ctx, step, data)


def _authority(ctx: Context, slug: str) -> str | None:
    catalog = registry.catalog(ctx.settings)
    holder = catalog.get(slug)
    supervisor = None if holder is None else catalog.supervisor_of(holder)
    return None if supervisor is None else supervisor.name


def _again(ctx: Context, step: str, data: Mapping[str, Any], why: Text) -> Step:
    """What to fix in a date, and the same question again."""
    return Step((Reply((why,)), w.prompt(ctx, step, data)), NAME, step, dict(data))


def _problem(ctx: Context, step: str, data: Mapping[str, Any], result: Any) -> Step | None:
    """None for a RequestView; else the step that says what went wrong."""
    if result is None:
        return go(HOME, Reply((w.GONE,)))
    if not isinstance(result, str):
        return None
    if result in PROBLEMS:
        return _again(ctx, step, data, PROBLEMS[result])
    return go(HOME, Reply((w.NOT_NOW_POSSIBLE,)))


def _unchanged(ctx: Context) -> Step:
    """Nothing to say: the conversation stays where it was (none open: it starts, as a
    forged Telegram /start would)."""
    conversation = ctx.conversation
    if not conversation.flow or not conversation.step:
        return go(HOME if ctx.person.onboarded_at else "onboarding")
    return Step((), conversation.flow, conversation.step, dict(conversation.data))
