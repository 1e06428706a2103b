"""The deadline clock of a request: every change of its status, as pure functions on
its row (no I/O; the caller loaded the row for its person or office, and commits).

Each change sets the dates (bot.rights.deadlines), what Lotse asks the person next and
when (`ask`, `ask_at`), and how long the request is kept (`erase_at`):

- When Lotse asks, at ASK_HOUR local time (Settings.timezone; the ask job also waits
  out quiet hours): SOON, SOON_DAYS before the deadline (did an answer come early?);
  DUE, the day after the deadline; REMINDER_DUE, the day after the reminder's deadline;
  COMPLAINT, COMPLAINT_MONTHS after the complaint went (a supervisory authority that
  has not dealt with it, or said how it stands, within three months can be taken to
  court, Art. 78(2) GDPR); OFFICE, right away, when an office's staff recorded an
  extension or an answer. Each stage is asked once (`asked`).
- Retention, as the privacy notice states it: a request that is not closed is erased
  LOTSE_REQUEST_DAYS after the person's last change to it (sending, an answer, more
  time, "no answer yet" each count); what the clock or an office's staff change does
  not prolong it. Every question comes well within that period (the longest wait, a
  complaint's three months, is shorter than the default 180 days), and answering it is
  a change. A closed request is erased LOTSE_REQUEST_CLOSED_DAYS after closing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.db.models import RightsRequest
from bot.rights.deadlines import (
    SentBy,
    add_months,
    answer_due,
    extension_in_time,
    receipt,
    reminder_due,
)
from bot.rights.identity import Problem
from bot.rights.views import RUNNING, Ask, Clock, LetterKind, Outcome, RequestStatus

#: The local hour at which Lotse asks (a working-day morning, outside quiet hours).
ASK_HOUR = 10
#: How many days before the deadline Lotse asks whether an answer came early.
SOON_DAYS = 7
#: When Lotse asks whether the supervisory authority answered (Art. 78(2) GDPR).
COMPLAINT_MONTHS = 3

_S = RequestStatus
#: Where each letter may be recorded as sent (again, to correct its date).
_SENDABLE = {
    LetterKind.REQUEST: frozenset({_S.READY, _S.SENT}),
    LetterKind.REMINDER: frozenset({_S.OVERDUE, _S.REMINDED}),
    LetterKind.COMPLAINT: frozenset({_S.REMINDED, _S.ANSWERED, _S.COMPLAINT}),
}
_ANSWERABLE = RUNNING | {_S.ANSWERED}
_EXTENDABLE = frozenset({_S.SENT, _S.EXTENDED, _S.OVERDUE, _S.REMINDED})


def today(now: datetime, settings: Settings) -> date:
    return settings.local_date(now)


def ask_time(day: date, settings: Settings) -> datetime:
    """ASK_HOUR on `day`, local time."""
    return datetime.combine(day, time(ASK_HOUR), tzinfo=ZoneInfo(settings.timezone))


def _status(row: RightsRequest) -> RequestStatus:
    return RequestStatus(row.status)


def _scheduled(row: RightsRequest, now: datetime, settings: Settings) -> tuple[Ask, date] | None:
    """The question the clock asks next, by status and dates alone."""
    status = _status(row)
    if status in (_S.SENT, _S.EXTENDED) and row.due_on is not None:
        soon = row.due_on - timedelta(days=SOON_DAYS)
        if soon > today(now, settings):
            return Ask.SOON, soon
        return Ask.DUE, row.due_on + timedelta(days=1)
    if status is _S.REMINDED and row.reminder_due_on is not None:
        return Ask.REMINDER_DUE, row.reminder_due_on + timedelta(days=1)
    if status is _S.COMPLAINT and row.complaint_on is not None:
        return Ask.COMPLAINT, add_months(row.complaint_on, COMPLAINT_MONTHS)
    return None


def _schedule(row: RightsRequest, now: datetime, settings: Settings) -> None:
    found = _scheduled(row, now, settings)
    row.ask = None if found is None else found[0].value
    row.ask_at = None if found is None else ask_time(found[1], settings)


def _keep(row: RightsRequest, now: datetime, settings: Settings, *, by_person: bool) -> None:
    """`erase_at` after a change (the module's retention rules); `updated_at` is now."""
    row.updated_at = now
    if _status(row) is _S.CLOSED:
        erase_at = now + timedelta(days=settings.request_closed_days)
    elif by_person:
        erase_at = now + timedelta(days=settings.request_days)
    else:
        return  # the clock's or an office's change keeps the person's period
    if row.letter_expires_at is not None:
        erase_at = max(erase_at, row.letter_expires_at)  # never before a link given out
    row.erase_at = erase_at


def _by_staff(row: RightsRequest, staff: bool | None) -> bool:
    """Recorded by an office's staff (`staff` None: a request that went to an office is
    its staff's)."""
    return staff if staff is not None else row.office_id is not None


def _told(row: RightsRequest, staff: bool | None, now: datetime, settings: Settings) -> None:
    """Schedule the next question; OFFICE right away when an office's staff recorded
    the change."""
    if _by_staff(row, staff):
        row.ask, row.ask_at = Ask.OFFICE.value, now
    else:
        _schedule(row, now, settings)


def _dated(day: date, earliest: date | None, now: datetime, settings: Settings) -> Problem | None:
    if day > today(now, settings):
        return Problem.DATE_FUTURE
    if earliest is not None and day < earliest:
        return Problem.BEFORE_REQUEST
    return None


def mark_sent(
    row: RightsRequest,
    *,
    letter: LetterKind,
    on: date,
    by: SentBy,
    land: str | None,
    now: datetime,
    settings: Settings,
) -> Problem | None:
    """A letter went on `on`: the request starts the one-month clock from its receipt
    (estimated for post), a reminder its two weeks, a complaint the authority's three
    months. A problem changes nothing: a letter the status does not allow (a complaint
    needs the reminder's deadline passed, or an answer that fell short), a date in the
    future or before the request (or the letter before it) existed."""
    status = _status(row)
    if status not in _SENDABLE[letter]:
        return Problem.WRONG_STATUS
    local = today(now, settings)
    if letter is LetterKind.REQUEST:
        if row.office_id is not None:
            return Problem.WRONG_STATUS  # it went through Lotse: its date is known
        earliest = settings.local_date(row.created_at)
        if problem := _dated(on, earliest, now, settings):
            return problem
        row.sent_on, row.sent_by = on, by.value
        row.receipt_on = receipt(on, by, land)
        row.due_on = answer_due(row.receipt_on, land)
        row.extended_on = None
        row.status = _S.SENT.value
    elif letter is LetterKind.REMINDER:
        if problem := _dated(on, row.sent_on, now, settings):
            return problem
        row.reminder_on = on
        row.reminder_due_on = reminder_due(on, by, land)
        row.status = _S.REMINDED.value
    else:
        if status is _S.REMINDED and (row.reminder_due_on is None or row.reminder_due_on >= local):
            return Problem.WRONG_STATUS  # the reminder's two weeks still run
        if status is _S.ANSWERED and row.outcome == Outcome.DONE.value:
            return Problem.WRONG_STATUS
        if problem := _dated(on, row.reminder_on or row.sent_on, now, settings):
            return problem
        row.complaint_on = on
        row.status = _S.COMPLAINT.value
    _schedule(row, now, settings)
    _keep(row, now, settings, by_person=True)
    return None


def mark_answered(
    row: RightsRequest,
    *,
    on: date,
    outcome: Outcome,
    recipients_named: bool | None,
    now: datetime,
    settings: Settings,
    staff: bool | None = None,
) -> Problem | None:
    """An answer came on `on`. Done as asked (for a correction: unless the recipients
    told of it were not named, Art. 19) closes the request; partly or refused leaves it
    answered, and a complaint may follow. `staff`: recorded by the office's staff (the
    person is told, Ask.OFFICE); None: so when the request went to an office."""
    if _status(row) not in _ANSWERABLE:
        return Problem.WRONG_STATUS
    if problem := _dated(on, row.sent_on, now, settings):
        return problem
    row.answered_on, row.outcome = on, outcome.value
    row.recipients_named = recipients_named
    if outcome is Outcome.DONE and recipients_named is not False:
        row.status, row.closed_on = _S.CLOSED.value, today(now, settings)
    else:
        row.status, row.closed_on = _S.ANSWERED.value, None
    _told(row, staff, now, settings)
    _keep(row, now, settings, by_person=not _by_staff(row, staff))
    return None


def mark_extended(
    row: RightsRequest,
    *,
    notified_on: date,
    reasons: bool,
    land: str | None,
    now: datetime,
    settings: Settings,
    staff: bool | None = None,
) -> Problem | None:
    """The holder said on `notified_on` that it needs two more months. Valid only with
    reasons and within the first month (Art. 12(3)); then the deadline is three months
    after receipt. `staff` as for `mark_answered`."""
    if _status(row) not in _EXTENDABLE or row.receipt_on is None:
        return Problem.WRONG_STATUS
    if problem := _dated(notified_on, row.sent_on, now, settings):
        return problem
    if not reasons:
        return Problem.NO_REASONS
    if not extension_in_time(notified_on, answer_due(row.receipt_on, land)):
        return Problem.LATE_EXTENSION
    row.extended_on = notified_on
    row.due_on = answer_due(row.receipt_on, land, extended=True)
    row.status = _S.EXTENDED.value
    _told(row, staff, now, settings)
    _keep(row, now, settings, by_person=not _by_staff(row, staff))
    return None


def mark_overdue(row: RightsRequest, *, now: datetime, settings: Settings) -> bool:
    """Sent or extended and the deadline passed with no answer: overdue (the reminder
    is due). Whether it changed."""
    if _status(row) not in (_S.SENT, _S.EXTENDED) or row.due_on is None:
        return False
    if row.due_on >= today(now, settings):
        return False
    row.status = _S.OVERDUE.value
    _keep(row, now, settings, by_person=False)
    return True


def mark_no_answer(row: RightsRequest, *, now: datetime, settings: Settings) -> Problem | None:
    """The person says no answer came: past the deadline the request is overdue; before
    it (or before the reminder's) Lotse asks again when it passes; after a complaint,
    nothing more is asked."""
    status = _status(row)
    if status not in RUNNING:
        return Problem.WRONG_STATUS
    if not mark_overdue(row, now=now, settings=settings):
        local = today(now, settings)
        if status is _S.REMINDED and row.reminder_due_on is not None:
            if row.reminder_due_on >= local:
                row.ask = Ask.REMINDER_DUE.value
                row.ask_at = ask_time(row.reminder_due_on + timedelta(days=1), settings)
            else:
                row.ask = row.ask_at = None  # the complaint is offered
        elif status in (_S.SENT, _S.EXTENDED) and row.due_on is not None:
            row.ask = Ask.DUE.value
            row.ask_at = ask_time(row.due_on + timedelta(days=1), settings)
        else:
            row.ask = row.ask_at = None
    else:
        row.ask = row.ask_at = None
    _keep(row, now, settings, by_person=True)
    return None


def mark_closed(row: RightsRequest, *, now: datetime, settings: Settings) -> None:
    """The person is done with it: nothing more is asked; erased
    LOTSE_REQUEST_CLOSED_DAYS later."""
    row.status = _S.CLOSED.value
    row.closed_on = today(now, settings)
    row.ask = row.ask_at = None
    _keep(row, now, settings, by_person=True)


def mark_received_by_office(
    row: RightsRequest,
    *,
    office_id: int,
    now: datetime,
    settings: Settings,
    land: str | None = None,
) -> Problem | None:
    """A complete request (the caller checked) that has not gone went through Lotse to
    the staff page of an office on this installation: received today, the clock runs
    from today (`land`: where the holder sits, for its public holidays; None: only
    Germany's)."""
    if _status(row) not in (_S.DRAFTED, _S.READY) or row.sent_on is not None:
        return Problem.WRONG_STATUS
    local = today(now, settings)
    row.office_id = office_id
    row.sent_on, row.sent_by, row.receipt_on = local, SentBy.LOTSE.value, local
    row.due_on = answer_due(local, land)
    row.extended_on = None
    row.status = _S.SENT.value
    _schedule(row, now, settings)
    _keep(row, now, settings, by_person=True)
    return None


def asked(row: RightsRequest, *, now: datetime, settings: Settings) -> None:
    """The question `row.ask` went to the person: the next stage, each asked once.
    After SOON comes DUE; after DUE the request is overdue (if unanswered) and the
    person acts (the reminder); after OFFICE the clock's own next question."""
    stage = None if row.ask is None else Ask(row.ask)
    mark_overdue(row, now=now, settings=settings)
    found = _scheduled(row, now, settings) if stage in (Ask.SOON, Ask.OFFICE) else None
    if found is not None and found[0] is stage:
        found = None  # never the same question twice
    row.ask = None if found is None else found[0].value
    row.ask_at = None if found is None else ask_time(found[1], settings)


def clock_of(row: RightsRequest, office_name: str | None, note: str | None) -> Clock | None:
    """The request's dates as the person and the office see them; None before it went."""
    if row.sent_on is None or row.sent_by is None or row.receipt_on is None:
        return None
    if row.due_on is None:
        return None
    status = _status(row)
    next_on: date | None = None
    if status in (_S.SENT, _S.EXTENDED):
        next_on = row.due_on
    elif status is _S.REMINDED:
        next_on = row.reminder_due_on
    elif status is _S.COMPLAINT and row.complaint_on is not None:
        next_on = add_months(row.complaint_on, COMPLAINT_MONTHS)
    by = SentBy(row.sent_by)
    return Clock(
        sent_on=row.sent_on, sent_by=by, receipt_on=row.receipt_on, due_on=row.due_on,
        estimated=by is SentBy.POST, extended_on=row.extended_on,
        answered_on=row.answered_on,
        outcome=None if row.outcome is None else Outcome(row.outcome),
        recipients_named=row.recipients_named, reminder_on=row.reminder_on,
        reminder_due_on=row.reminder_due_on, complaint_on=row.complaint_on,
        closed_on=row.closed_on, next_on=next_on, office=office_name, office_note=note,
    )  # fmt: skip
