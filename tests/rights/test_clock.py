"""The clock's transitions on a request's row (no database): each sets the status, the
dates, the next question and the retention, and a problem changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.db.models import RightsRequest
from bot.rights import clock
from bot.rights.deadlines import SentBy
from bot.rights.identity import Problem
from bot.rights.views import Ask, LetterKind, Outcome, RequestStatus
from tests.support.settings import SECRET

S = RequestStatus
#: Monday 2 March 2026, 09:00 in Berlin.
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path, database_url=f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3",
        secret_key=SECRET, _env_file=None,
    )  # fmt: skip


def ready(created: datetime = MONDAY - timedelta(days=3)) -> RightsRequest:
    return RightsRequest(
        id=1, person_id=1, holder="azr", kind="access", status=S.READY.value, lang="ar",
        channel="sms", created_at=created, updated_at=created,
        erase_at=created + timedelta(days=180), consent_record_id="x",
        letter_kind="request",
    )  # fmt: skip


def state(row: RightsRequest) -> dict[str, object]:
    names = [c.key for c in RightsRequest.__table__.columns]
    return {name: getattr(row, name) for name in names}


def send(
    row: RightsRequest, settings: Settings, letter: LetterKind, on: date, now: datetime,
    by: SentBy = SentBy.POST, land: str | None = "nw",
) -> Problem | None:  # fmt: skip
    return clock.mark_sent(row, letter=letter, on=on, by=by, land=land, now=now,
                           settings=settings)  # fmt: skip


def extend(
    row: RightsRequest, settings: Settings, on: date, reasons: bool, now: datetime
) -> Problem | None:
    return clock.mark_extended(row, notified_on=on, reasons=reasons, land="nw", now=now,
                               settings=settings)  # fmt: skip


def answer(
    row: RightsRequest, settings: Settings, on: date, outcome: Outcome, now: datetime,
    recipients_named: bool | None = None,
) -> Problem | None:  # fmt: skip
    return clock.mark_answered(row, on=on, outcome=outcome, recipients_named=recipients_named,
                               now=now, settings=settings)  # fmt: skip


def sent(
    row: RightsRequest, settings: Settings, on: date = date(2026, 3, 2),
    by: SentBy = SentBy.ELECTRONIC,
) -> None:  # fmt: skip
    assert send(row, settings, LetterKind.REQUEST, on, MONDAY, by) is None


def test_sending_starts_the_one_month_clock_and_asks_a_week_before(settings: Settings) -> None:
    row = ready()
    sent(row, settings, by=SentBy.POST)

    # Posted Monday 2 March: received Thursday 5 March (E+3), due Monday 6 April —
    # 5 April is Easter Sunday and 6 April Easter Monday: Tuesday 7 April.
    assert (row.status, row.sent_by) == (S.SENT.value, "post")
    assert (row.receipt_on, row.due_on) == (date(2026, 3, 5), date(2026, 4, 7))
    assert row.ask == Ask.SOON.value
    assert row.ask_at == datetime(2026, 3, 31, 8, 0, tzinfo=UTC)  # 10:00 in Berlin (CEST)
    view = clock.clock_of(row, None, None)
    assert view is not None and view.estimated and view.next_on == date(2026, 4, 7)
    # Kept while the clock runs: the deadline, then LOTSE_REQUEST_DAYS.
    assert row.erase_at > datetime(2026, 4, 8, tzinfo=UTC) + timedelta(days=179)


def test_a_problem_changes_nothing(settings: Settings) -> None:
    row = ready()
    before = state(row)
    request, reminder = LetterKind.REQUEST, LetterKind.REMINDER
    assert send(row, settings, request, date(2026, 3, 3), MONDAY) is Problem.DATE_FUTURE
    assert send(row, settings, request, date(2026, 2, 1), MONDAY) is Problem.BEFORE_REQUEST
    assert send(row, settings, reminder, date(2026, 3, 2), MONDAY) is Problem.WRONG_STATUS
    problem = answer(row, settings, date(2026, 3, 2), Outcome.DONE, MONDAY)
    assert problem is Problem.WRONG_STATUS
    assert state(row) == before


def test_extension_in_time_with_reasons_moves_the_deadline_by_two_months(
    settings: Settings,
) -> None:
    row = ready()
    sent(row, settings, on=date(2026, 3, 2))  # e-mail: received the same day, due 2 April
    assert row.due_on == date(2026, 4, 2)
    later = datetime(2026, 4, 20, 8, 0, tzinfo=UTC)
    assert extend(row, settings, date(2026, 3, 20), False, later) is Problem.NO_REASONS
    assert extend(row, settings, date(2026, 4, 3), True, later) is Problem.LATE_EXTENSION
    assert row.status == S.SENT.value
    assert extend(row, settings, date(2026, 4, 2), True, later) is None
    assert (row.status, row.extended_on, row.due_on) == (
        S.EXTENDED.value, date(2026, 4, 2), date(2026, 6, 2),
    )  # fmt: skip
    assert row.ask == Ask.SOON.value


def asks(row: RightsRequest) -> tuple[str, str | None, datetime | None]:
    return row.status, row.ask, row.ask_at


def test_overdue_then_reminder_then_complaint(settings: Settings) -> None:
    row = ready()
    sent(row, settings)
    after = datetime(2026, 4, 3, 8, 0, tzinfo=UTC)
    assert clock.mark_no_answer(row, now=after, settings=settings) is None
    assert asks(row) == (S.OVERDUE.value, None, None)
    # A complaint needs the reminder first.
    complaint, reminder = LetterKind.COMPLAINT, LetterKind.REMINDER
    assert send(row, settings, complaint, date(2026, 4, 3), after) is Problem.WRONG_STATUS
    assert send(row, settings, reminder, date(2026, 4, 3), after) is None
    # Posted Friday 3 April (Good Friday): received Wednesday 8 April; two weeks: 22 April.
    assert (row.status, row.reminder_due_on) == (S.REMINDED.value, date(2026, 4, 22))
    assert asks(row) == (
        S.REMINDED.value, Ask.REMINDER_DUE.value, datetime(2026, 4, 23, 8, 0, tzinfo=UTC),
    )  # fmt: skip
    early = datetime(2026, 4, 22, 8, 0, tzinfo=UTC)
    assert send(row, settings, complaint, date(2026, 4, 22), early) is Problem.WRONG_STATUS
    late = datetime(2026, 4, 24, 8, 0, tzinfo=UTC)
    assert send(row, settings, complaint, date(2026, 4, 24), late) is None
    assert asks(row) == (
        S.COMPLAINT.value, Ask.COMPLAINT.value, datetime(2026, 7, 24, 8, 0, tzinfo=UTC),
    )  # fmt: skip
    view = clock.clock_of(row, None, None)
    assert view is not None and view.next_on == date(2026, 7, 24)


def test_answered_done_closes_partly_stays_open_for_a_complaint(settings: Settings) -> None:
    row = ready()
    sent(row, settings)
    later = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    assert answer(row, settings, date(2026, 3, 18), Outcome.PARTLY, later) is None
    assert asks(row) == (S.ANSWERED.value, None, None)
    assert row.erase_at == later + timedelta(days=settings.request_days)
    assert answer(row, settings, date(2026, 3, 19), Outcome.DONE, later, True) is None
    assert (row.status, row.closed_on) == (S.CLOSED.value, date(2026, 3, 20))
    assert row.erase_at == later + timedelta(days=settings.request_closed_days)


def test_an_office_request_tells_the_person_what_staff_recorded(settings: Settings) -> None:
    row = ready()
    assert clock.mark_received_by_office(row, office_id=7, now=MONDAY, settings=settings) is None
    assert (row.sent_by, row.receipt_on, row.due_on) == (
        "lotse",
        date(2026, 3, 2),
        date(2026, 4, 2),
    )
    assert (
        clock.mark_received_by_office(row, office_id=7, now=MONDAY, settings=settings)
        is Problem.WRONG_STATUS
    )
    later = MONDAY + timedelta(days=5)
    assert clock.mark_extended(row, notified_on=date(2026, 3, 6), reasons=True, land=None,
                               now=later, settings=settings) is None  # fmt: skip
    assert (row.ask, row.ask_at) == (Ask.OFFICE.value, later)
    clock.asked(row, now=later, settings=settings)
    assert row.ask == Ask.SOON.value  # then the clock's own question
    view = clock.clock_of(row, "Bürgerbüro", "Akten im Archiv")
    assert view is not None and not view.estimated
    assert (view.office, view.office_note) == ("Bürgerbüro", "Akten im Archiv")


def test_each_stage_is_asked_once(settings: Settings) -> None:
    row = ready()
    sent(row, settings)
    assert row.ask == Ask.SOON.value
    clock.asked(row, now=datetime(2026, 3, 26, 9, 0, tzinfo=UTC), settings=settings)
    assert (row.ask, row.ask_at) == (Ask.DUE.value, datetime(2026, 4, 3, 8, 0, tzinfo=UTC))
    clock.asked(row, now=datetime(2026, 4, 3, 9, 0, tzinfo=UTC), settings=settings)
    assert asks(row) == (S.OVERDUE.value, None, None)


def test_closing_stops_the_questions(settings: Settings) -> None:
    row = ready()
    sent(row, settings)
    clock.mark_closed(row, now=MONDAY, settings=settings)
    assert asks(row) == (S.CLOSED.value, None, None)
    assert row.erase_at == MONDAY + timedelta(days=settings.request_closed_days)
