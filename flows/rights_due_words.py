"""What Lotse says about a request's deadline (flows/rights_due.py): the question whether
an answer came, the dates, the next letter, and how and when a letter went. Kept apart
from the steps so both stay readable.

Status, outcome, ask, letter and problem ids are spelled as bot.rights spells them:
flows may not import bot.rights (tests/flows/unit/test_rights_due_steps.py checks that
the spellings agree).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.conversation import Context
from bot.kernel.dates import parse_day
from bot.kernel.types import Channel, Choice, Reply, Text, t
from flows.common import YES
from flows.holders_requests import holder_name, kind_words
from flows.rights_words import SEND_HERE

# bot.rights.LetterKind, SentBy, Outcome and Ask values.
REQUEST, REMINDER, COMPLAINT = "request", "reminder", "complaint"
POST, ELECTRONIC, IN_PERSON = "post", "electronic", "in-person"
DONE, PARTLY, REFUSED = "done", "partly", "refused"
SOON, DUE, REMINDER_DUE, COMPLAINED, OFFICE = "soon", "due", "reminder-due", "complaint", "office"

# -- the question ------------------------------------------------------------------------

# TRANSLATORS: {holder} is an agency's name, {kind} what was asked (e.g. "access to your
# data").
ABOUT = t("This is about your request to {holder}: {kind}.")
# TRANSLATORS: {date} is the last day for the agency's answer.
DUE_ON = t("They must answer by {date}.")
# TRANSLATORS: {date} is the last day for the agency's answer, estimated from the post.
DUE_ON_ESTIMATED = t(
    "They must answer by about {date}. This is an estimate: your letter went by post."
)
WAS_DUE = t("Their deadline was {date}.")
WAS_DUE_ESTIMATED = t(
    "Their deadline was about {date}. This is an estimate: your letter went by post."
)
# TRANSLATORS: {date} is the deadline the person's reminder letter gave the agency.
REMINDER_WAS_DUE = t("The deadline in your reminder was {date}.")
HAS_ANSWER = t("Has an answer come?")

MORE_TIME = Choice("more-time", t("They need more time"))
NOT_YET = Choice("not-yet", t("No, not yet"))
LATER = Choice("later", t("Answer later"))
LATER_NOTE = t("All right. You can tell us any time in “My requests”.")

# -- the answer ----------------------------------------------------------------------------

TODAY = Choice("today", t("Today"))
YESTERDAY = Choice("yesterday", t("Yesterday"))
ANSWER_ON = t(
    "On what date did the answer come? Write it as day.month.year, for example: 23.04.2026."
)
GAVE = t("What did the answer give you?")
ALL = Choice(DONE, t("Everything I asked for"))
SOME = Choice(PARTLY, t("Only part of it"))
NONE = Choice(REFUSED, t("They refused"))
CORRECTED = t("Was your data corrected?")
ALL_CORRECTED = Choice(DONE, t("Yes, all of it"))
SOME_CORRECTED = Choice(PARTLY, t("Only partly"))
RECIPIENTS = t("Did they say who received your data, and that they told them of the correction?")
NO = Choice("no", t("No"))
UNSURE = Choice("unsure", t("I do not know"))
# TRANSLATORS: {date} is when the closed request is erased.
CLOSED = t("Good. Your request is done. Lotse erases it on {date}.")

# -- more time -----------------------------------------------------------------------------

EXTENDED_ON = t(
    "On what date was their letter written? Write it as day.month.year, for example: 23.04.2026."
)
REASONS = t("Did they say why they need more time?")
EXTENDED = t("Noted: they may take two months more.")
LATE_EXTENSION = t(
    "They said so only after the first month. Such an extension is not valid, "
    "so the deadline stays."
)
NO_REASONS = t("An extension without reasons is not valid, so the deadline stays.")

# -- no answer: the next letter ----------------------------------------------------------

# TRANSLATORS: {date} is a deadline.
ASK_AGAIN = t("All right. If no answer comes, we ask you again after {date}.")
OVERDUE = t(
    "They did not answer in time. You can send them a reminder with a new deadline of "
    "two weeks. We prepare the letter for you."
)
COMPLAINT_DUE = t(
    "They did not answer your reminder either. You can complain to the "
    "supervisory authority. We prepare the letter for you."
)
FELL_SHORT = t(
    "If the answer is not enough, you can complain to the supervisory authority. "
    "We prepare the letter for you."
)
# TRANSLATORS: {authority} is a data protection authority's German name.
AUTHORITY = t("It goes to: {authority}.")
HAS_NEXT = t("What would you like to do next?")
MAKE_REMINDER = Choice("make-reminder", t("Make the reminder"))
MAKE_COMPLAINT = Choice("make-complaint", t("Make the complaint"))
ALREADY = Choice("already", t("I sent it already"))
CLOSE = Choice("close", t("I am done with it"))
NOT_NOW = Choice("not-now", t("Not now"))
NEXT_STEPS: dict[str, Text] = {
    REMINDER: t("Print the reminder, sign it and send it to them by post."),
    COMPLAINT: t(
        "Print the complaint, sign it and send it to the authority by post, with "
        "copies of the letters it names."
    ),
}

# -- how and when a letter went ----------------------------------------------------------

HOW: dict[str, Text] = {
    REQUEST: t("How did you send your letter?"),
    REMINDER: t("How did you send the reminder?"),
    COMPLAINT: t("How did you send the complaint?"),
}
BY: dict[str, Choice] = {
    POST: Choice(POST, t("By post")),
    ELECTRONIC: Choice(ELECTRONIC, t("E-mail, fax or online form")),
    IN_PERSON: Choice(IN_PERSON, t("Handed in")),
}
UNSENT = Choice("unsent", t("Not sent yet"))
UNSENT_NOTE = t(
    "All right. When it went, tell us in “My requests”: then Lotse keeps the deadline for you."
)
SENT_ON = t("On what date did it go? Write it as day.month.year, for example: 23.04.2026.")
CLOCK_RUNS = t("Noted. We will ask you in time whether an answer came.")
# TRANSLATORS: {date} is the deadline the reminder gives.
REMINDER_RUNS = t("Noted. Your reminder gives them until {date}. We will ask you after that.")
COMPLAINT_RUNS = t(
    "Noted. The authority now deals with it. We will ask you in a few months how it went."
)

# -- an office on this installation --------------------------------------------------------

THROUGH_LOTSE = Choice("office", t("Send it through Lotse"))
# TRANSLATORS: {holder} is an agency's name; the choices are "Send it through Lotse",
# "Here in the chat" (the letter) and perhaps "Post it to me".
OFFICE_OR_LETTER = t(
    "{holder} receives requests directly through Lotse: it arrives today, "
    "without printing or stamps. Or get the letter and send it yourself."
)
OFFICE_SENT = t("Sent. {holder} received your request today.")
OFFICE_TELLS = t("We tell you when they answer.")
OFFICE_EXTENDED = t("{holder} needs more time for your request and gave reasons.")
# TRANSLATORS: {note} is what the agency's staff wrote, often in German.
OFFICE_NOTE = t("Their note: {note}")
OFFICE_ANSWERED: dict[str, Text] = {
    DONE: t("{holder} answered your request on {date}: they did what you asked for."),
    PARTLY: t("{holder} answered your request on {date}: they did only part of it."),
    REFUSED: t("{holder} answered your request on {date}: they refused it."),
}
OFFICE_LETTER = t("Their answer itself reaches you from them, usually by post.")

# -- after a complaint ---------------------------------------------------------------------

SETTLED_ASK = t("Some time ago you complained to the supervisory authority. Is the matter settled?")
SETTLED = Choice("settled", t("Yes, it is settled"))

# -- what cannot be taken -----------------------------------------------------------------

DATE_FORMAT = t("Please write the date as day.month.year, for example: 23.04.1991.")
DATE_FUTURE = t("That date is in the future. Please write a date up to today.")
BEFORE_REQUEST = t("That date is earlier than your letter. Please check it and write it again.")
NOT_NOW_POSSIBLE = t("That is not possible for this request now.")
GONE = t("This request no longer exists. Nothing was saved.")


def today(settings: Settings, now: datetime) -> date:
    """The person's today: dates are days where the installation is."""
    return settings.local_date(now)


def typed_date(text: str | None, choice: str | None, day: date) -> date | Text:
    """The date the person chose or typed (DD.MM.YYYY), or what to fix: not a date, or
    one in the future (before the letter, the port answers)."""
    if choice == TODAY.id:
        return day
    if choice == YESTERDAY.id:
        return day - timedelta(days=1)
    found = parse_day(text or "")
    if found is None:
        return DATE_FORMAT
    return DATE_FUTURE if found > day else found


# -- put together -------------------------------------------------------------------------


def due_text(ctx: Context, view: Any) -> Text | None:
    """The deadline that matters now, said as an estimate where the letter went by post."""
    clock, day = view.clock, today(ctx.settings, ctx.now)
    if clock is None:
        return None
    if str(view.status) == "reminded" and clock.reminder_due_on is not None:
        if clock.reminder_due_on < day:
            return t(REMINDER_WAS_DUE.msgid, date=clock.reminder_due_on)
        return t(DUE_ON.msgid, date=clock.reminder_due_on)
    if clock.due_on < day:
        return t((WAS_DUE_ESTIMATED if clock.estimated else WAS_DUE).msgid, date=clock.due_on)
    return t((DUE_ON_ESTIMATED if clock.estimated else DUE_ON).msgid, date=clock.due_on)


def about(ctx: Context, view: Any) -> Text:
    return t(ABOUT.msgid, holder=holder_name(ctx, view.holder), kind=kind_words(view.kind))


def split(ctx: Context, *replies: Reply) -> tuple[Reply, ...]:
    """By SMS each paragraph goes alone: together they would pass three segments."""
    if ctx.channel is not Channel.SMS:
        return replies
    return tuple(
        Reply(
            (text,),
            reply.choices if i == len(reply.texts) - 1 else (),
            reply.important,
            template=reply.template,
            attachment=reply.attachment if i == 0 else None,
        )
        for reply in replies
        for i, text in enumerate(reply.texts)
    )


def prompt(ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
    letter = str(data.get("letter", REQUEST))
    if step == "ask":
        more = (MORE_TIME,) if data.get("status") == "sent" else ()
        return Reply((HAS_ANSWER,), (YES, *more, NOT_YET, LATER))
    if step in ("answer-on", "extended-on", "sent-on"):
        question = {"answer-on": ANSWER_ON, "extended-on": EXTENDED_ON}.get(step, SENT_ON)
        return Reply((question,), (TODAY, YESTERDAY))
    if step == "outcome":
        if data.get("kind") == "correction":
            return Reply((CORRECTED,), (ALL_CORRECTED, SOME_CORRECTED, NONE))
        return Reply((GAVE,), (ALL, SOME, NONE))
    if step == "recipients":
        return Reply((RECIPIENTS,), (YES, NO, UNSURE))
    if step == "reasons":
        return Reply((REASONS,), (YES, NO))
    if step == "offer":
        make = MAKE_REMINDER if letter == REMINDER else MAKE_COMPLAINT
        close = (CLOSE,) if data.get("short") else ()
        return Reply((HAS_NEXT,), (make, ALREADY, *close, NOT_NOW))
    if step == "send-here":
        return Reply((SEND_HERE,), (YES, NO))
    if step == "sent-by":
        return Reply((HOW[letter],), (*BY.values(), UNSENT))
    return Reply((SETTLED_ASK,), (SETTLED, NOT_YET, LATER))
