"""CSV uploads as spreadsheets export them: BOM, semicolons, quoted newlines, a file
that is not UTF-8, empty rows, limits, partial failures, and 10,000 rows."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.audit import Actor
from bot.db.models import AccessEntry, Invitation, InvitationEvent, Letter, Office
from bot.invitations.bulk import BulkResult, RowOutcome, import_csv
from bot.invitations.bulk_csv import BulkFileError
from bot.invitations.request import personal_of
from bot.offices.registry import create_office
from bot.runtime.services import Services

HEADER = (
    "reference;language;channels;phone;given_name;family_name;address_name;street;"
    "postcode;city;address_extra;consent_recorded_at;notice_version"
)


def row(reference: str, *, language: str = "ar", channels: str = "letter", extra: str = "",
        recorded: str = "2026-11-20T10:00:00+01:00", phone: str = "") -> str:  # fmt: skip
    return (
        f"{reference};{language};{channels};{phone};Amal;Haddad;Amal Haddad;Hauptstraße 1;"
        f"12345;Musterstadt;{extra};{recorded};2026-01"
    )


def csv_file(*rows: str, bom: bool = False, delimiter: str = ";") -> bytes:
    text = "\r\n".join((HEADER, *rows)) + "\r\n"
    if delimiter != ";":
        text = text.replace(";", delimiter)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


@pytest.fixture
async def office(services: Services) -> Office:
    async with services.sessionmaker() as session, session.begin():
        return await create_office(session, slug="amt-nord", name="Amt Nord")


async def upload(services: Services, office: Office, data: bytes) -> BulkResult:
    return await import_csv(services, office, data, actor=Actor.api_key(office.id, "test"))


def outcomes(result: BulkResult) -> list[tuple[int, str, str | None]]:
    return [(r.row, r.outcome.value, r.field) for r in result.rows]


async def count(services: Services, model: Any) -> int:
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_bom_and_semicolons(services: Services, office: Office) -> None:
    result = await upload(services, office, csv_file(row("AZ-1"), row("AZ-2"), bom=True))
    assert outcomes(result) == [(2, "created", None), (3, "created", None)]
    assert all(r.invitation_id and r.invitation_id.startswith("inv_") for r in result.rows)
    assert await count(services, Letter) == 2


async def test_commas_and_channel_lists_in_one_cell(services: Services, office: Office) -> None:
    data = csv_file(row("AZ-1", channels='"sms,letter"', phone="0151 23456789"),
                    row("AZ-2", channels="telegram|letter"), delimiter=",")  # fmt: skip
    result = await upload(services, office, data)
    assert outcomes(result) == [(2, "created", None), (3, "created", None)]
    async with services.sessionmaker() as session:
        invitations = (await session.scalars(select(Invitation).order_by(Invitation.id))).all()
    assert [i.channels for i in invitations] == [["sms", "letter"], ["telegram", "letter"]]
    personal = personal_of(services.vault, invitations[0])
    assert personal is not None and personal.phone == "+4915123456789"


async def test_quoted_newlines_keep_spreadsheet_row_numbers(
    services: Services, office: Office
) -> None:
    data = csv_file(
        row("AZ-1", extra='"c/o Familie Nasser\nHinterhaus"'), row("AZ-2", language="xx")
    )
    result = await upload(services, office, data)
    assert outcomes(result) == [(2, "created", None), (3, "error", "language")]
    async with services.sessionmaker() as session:
        invitation = await session.scalar(select(Invitation))
    assert invitation is not None
    personal = personal_of(services.vault, invitation)
    assert personal is not None and personal.postal_address is not None
    assert personal.postal_address.extra == "c/o Familie Nasser Hinterhaus"


async def test_a_file_that_is_not_utf8_is_one_clear_error(
    services: Services, office: Office
) -> None:
    data = csv_file(row("AZ-1"), row("AZ-2")).replace(
        "Hauptstraße".encode(), "Hauptstraße".encode("cp1252")
    )
    with pytest.raises(BulkFileError) as caught:
        await upload(services, office, data)
    assert caught.value.code == "not_utf8"
    assert "line 2" in caught.value.message and "UTF-8" in caught.value.message
    assert await count(services, Invitation) == 0


async def test_empty_rows_are_skipped(services: Services, office: Office) -> None:
    data = csv_file("", row("AZ-1"), ";;;;;;;;;;;;", "  ", row("AZ-2"))
    result = await upload(services, office, data)
    assert outcomes(result) == [(3, "created", None), (6, "created", None)]


async def test_errors_name_the_row_and_the_column(services: Services, office: Office) -> None:
    data = csv_file(
        row("AZ-1", phone="12", channels="sms"),
        row("AZ-2", recorded="20.11.2026 10:00"),
        row("AZ-3", recorded="2026-11-20 10:00"),
        row("AZ-4", recorded="soon"),
        row("AZ-5", channels="sms"),
        row(""),
        row("AZ-7") + ";surplus",
    )
    result = await upload(services, office, data)
    assert outcomes(result) == [
        (2, "error", "phone"),
        (3, "created", None),
        (4, "created", None),
        (5, "error", "consent_recorded_at"),
        (6, "error", "channels"),
        (7, "error", "reference"),
        (8, "error", "row"),
    ]
    assert "12" not in (result.rows[0].message or "")
    async with services.sessionmaker() as session:
        times = (await session.scalars(select(Invitation.consent_recorded_at))).all()
    # A naive time in a spreadsheet is local time (Europe/Berlin: UTC+1 in November).
    assert times == [datetime(2026, 11, 20, 9, 0, tzinfo=UTC)] * 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "no_header"),
        (HEADER.replace("given_name", "date_of_birth").encode(), "unknown_columns"),
        (HEADER.replace("notice_version", "reference").encode(), "duplicate_columns"),
        (b"reference;language;channels", "missing_columns"),
    ],
)
async def test_bad_headers(services: Services, office: Office, data: bytes, code: str) -> None:
    with pytest.raises(BulkFileError) as caught:
        await upload(services, office, data)
    assert caught.value.code == code
    if code == "unknown_columns":
        assert "'date_of_birth'" in caught.value.message


async def test_a_reference_twice_in_one_file(services: Services, office: Office) -> None:
    data = csv_file(row("AZ-1"), row("AZ-1"), row("AZ-1", language="fa"))
    result = await upload(services, office, data)
    assert outcomes(result) == [
        (2, "created", None),
        (3, "existing", None),
        (4, "error", "reference"),
    ]
    assert result.rows[0].invitation_id == result.rows[1].invitation_id
    again = await upload(services, office, data)
    assert [r.outcome for r in again.rows] == [
        RowOutcome.EXISTING,
        RowOutcome.EXISTING,
        RowOutcome.ERROR,
    ]
    # An entry per upload for the one invitation, not one per row.
    async with services.sessionmaker() as session:
        log = (await session.scalars(select(AccessEntry).order_by(AccessEntry.id))).all()
    invitation_id = await _id_of(services, "AZ-1")
    assert [(e.action, e.invitation_id, e.actor) for e in log] == [
        ("bulk.upload", invitation_id, "key:test")
    ] * 2


async def _id_of(services: Services, reference: str) -> int:
    async with services.sessionmaker() as session:
        found = await session.scalar(select(Invitation.id).where(Invitation.reference == reference))
    assert found is not None
    return found


async def test_limits(services: Services, office: Office) -> None:
    services.settings = services.settings.model_copy(
        update={"bulk_max_rows": 2, "bulk_max_bytes": 2048}
    )
    with pytest.raises(BulkFileError) as caught:
        await upload(services, office, csv_file(row("AZ-1"), row("AZ-2"), row("AZ-3")))
    assert caught.value.code == "too_many_rows" and "at most 2" in caught.value.message
    with pytest.raises(BulkFileError) as caught:
        await upload(services, office, csv_file(*(row(f"AZ-{n}") for n in range(20))))
    assert (caught.value.code, caught.value.status) == ("too_large", 413)
    assert await count(services, Invitation) == 0


async def test_a_database_error_in_one_row_costs_no_other_row(
    services: Services, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services.invitations.send

    async def flaky(session: Any, invitation: Invitation, *args: Any, **kwargs: Any) -> bool:
        sent = await real(session, invitation, *args, **kwargs)
        if invitation.reference == "AZ-2":  # the invitation is written, then the database fails
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return sent

    monkeypatch.setattr(services.invitations, "send", flaky)
    result = await upload(services, office, csv_file(row("AZ-1"), row("AZ-2"), row("AZ-3")))
    assert outcomes(result) == [(2, "created", None), (3, "error", "row"), (4, "created", None)]
    async with services.sessionmaker() as session:
        references = (await session.scalars(select(Invitation.reference))).all()
        events = await session.scalar(select(func.count()).select_from(InvitationEvent))
    assert sorted(references) == ["AZ-1", "AZ-3"]  # nothing of AZ-2 is left
    assert events == 4 and await count(services, Letter) == 2


async def test_ten_thousand_rows_in_seconds(
    services: Services, office: Office, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("measured once, on SQLite")
    rows = [row(f"AZ-{n:05}", phone=f"0151 2{n:07}", channels="sms|letter") for n in range(10_000)]
    data = csv_file(*rows)
    started = time.perf_counter()
    result = await upload(services, office, data)
    elapsed = time.perf_counter() - started
    print(f"10,000 rows ({len(data) / 1e6:.1f} MB) in {elapsed:.1f} s")
    assert result.count(RowOutcome.CREATED) == 10_000
    assert await count(services, Invitation) == 10_000
    assert await count(services, AccessEntry) == 10_000  # an entry per invitation
    assert elapsed < 60
