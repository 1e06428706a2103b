"""A request's dates as the clock records them, and the follow-up letters made from them
(the reminder, the complaint) for the letter tests."""

from __future__ import annotations

from datetime import date

from bot.holders import Holder, RequestKind, Supervisor
from bot.rights import FollowUp, LetterKind, Outcome, SentBy
from bot.rights.views import Clock
from tests.rights.holders import AZR, BFDI, IDENTITY

#: Posted on Thursday 1 October 2026, arrived (estimated) on Monday 5 October: due on
#: Thursday 5 November; the reminder went on 10 November with two weeks to 26 November.
POSTED = Clock(
    sent_on=date(2026, 10, 1), sent_by=SentBy.POST, receipt_on=date(2026, 10, 5),
    due_on=date(2026, 11, 5), estimated=True,
)  # fmt: skip
REMINDED = Clock(
    sent_on=POSTED.sent_on, sent_by=SentBy.POST, receipt_on=POSTED.receipt_on,
    due_on=POSTED.due_on, estimated=True, reminder_on=date(2026, 11, 10),
    reminder_due_on=date(2026, 11, 26),
)  # fmt: skip
#: Made on Monday 30 November 2026.
TODAY = date(2026, 11, 30)


def follow_up(
    letter: LetterKind = LetterKind.REMINDER,
    holder: Holder = AZR,
    kind: RequestKind = RequestKind.ACCESS,
    *,
    lang: str = "de",
    clock: Clock = POSTED,
    supervisor: Supervisor | None = BFDI,
    dated: date = TODAY,
) -> FollowUp:
    return FollowUp(
        letter=letter, holder=holder, supervisor=supervisor, kind=kind, identity=IDENTITY,
        lang=lang, dated=dated, reference="LOTSE-R-7", clock=clock,
    )  # fmt: skip


def answered(outcome: Outcome, clock: Clock = POSTED) -> Clock:
    return Clock(
        sent_on=clock.sent_on, sent_by=clock.sent_by, receipt_on=clock.receipt_on,
        due_on=clock.due_on, estimated=clock.estimated, answered_on=date(2026, 11, 3),
        outcome=outcome,
    )  # fmt: skip
