"""The advisors' daily digest, sent to a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.cases.digest import (
    Recipient,
    ServiceCounts,
    View,
    compose,
    digest_due,
    digest_jobs,
    send_digests,
    staff_catalogs,
)
from bot.config import Settings, load_settings
from bot.i18n import Catalogs

BERLIN = ZoneInfo("Europe/Berlin")
#: Tuesday 1 December 2026, 9:00 in Berlin.
MORNING = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
PUBLIC_URL = "https://lotse.musterstadt.example"
SENDER = "lotse@musterstadt.example"
#: What a case of the test holds; none of it may reach an e-mail.
PERSON = ("Amina", "Rahimi", "+4915112345678", "Mietschulden", "Dari", "fa", "case-4711")


@dataclass
class Mailbox:
    """An SMTP handler that keeps what it accepts and refuses chosen recipients."""

    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    mailbox: Mailbox
    port: int
    logins: list[str]


@pytest.fixture
def smtp() -> Iterator[Server]:
    mailbox, logins = Mailbox(), []

    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == b"s3cret-pass"
        if ok and isinstance(data, LoginPassword):
            logins.append(data.login.decode())
        return AuthResult(success=ok)

    port = _free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,  # loopback only: STARTTLS is off locally
    )
    controller.start()
    try:
        yield Server(mailbox, port, logins)
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return staff_catalogs(load_settings(require_secret=False).locales_dir)


def settings_for(port: int, **more: object) -> Settings:
    values: dict[str, object] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_starttls": False,
        "smtp_from": SENDER,
        "public_url": PUBLIC_URL,
        "timezone": "Europe/Berlin",
        "digest_hour": 8,
    }
    values.update(more)
    return load_settings(require_secret=False, **values)


@dataclass
class Store:
    """The case store's side of the digest, as a table in memory: who was tried when."""

    recipients: list[Recipient]
    tried: dict[int, date] = field(default_factory=dict)

    async def claim_digests(self, day: date, now: datetime) -> Sequence[Recipient]:
        due = [r for r in self.recipients if self.tried.get(r.staff_id) != day]
        for recipient in due:
            self.tried[recipient.staff_id] = day
        return due


BERATUNG = ServiceCounts("mbe-musterstadt", "Migrationsberatung Musterstadt", 3, 2, 1, 4)
MIETRECHT = ServiceCounts("mieterverein", "Mieterverein & Co", 0, 1, 0, 0)


def advisor(staff_id: int, language: str | None, *services: ServiceCounts) -> Recipient:
    return Recipient(staff_id, f"advisor{staff_id}@beratung.example", language, services)


def lotse_log(caplog: pytest.LogCaptureFixture) -> str:
    """What Lotse logged (the test server's own log names every address)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


async def test_the_digest_arrives_with_counts_and_links_only(
    smtp: Server, catalogs: Catalogs
) -> None:
    store = Store([advisor(1, "de", BERATUNG, MIETRECHT), advisor(2, "en", MIETRECHT)])
    sent = await send_digests(store, settings_for(smtp.port), catalogs, MORNING)
    assert sent == 2
    by_rcpt = {rcpt[0]: message for rcpt, message in smtp.mailbox.received}
    german = by_rcpt["advisor1@beratung.example"]
    assert german["Subject"] == "Lotse: Ihr Beratungseingang heute"
    assert german["From"] == SENDER
    assert german["Auto-Submitted"] == "auto-generated"
    assert german["Content-Language"] == "de"
    text = body(german)
    assert "Ihr Beratungseingang am Dienstag, 1. Dezember 2026:" in text
    assert "Migrationsberatung Musterstadt\n- Neu und nicht zugewiesen: 3\n" in text
    assert "- Überfällig: 4\n" in text
    assert (
        "- Überfällig: 4\n  " + f"{PUBLIC_URL}/advice/inbox?view=due&service=mbe-musterstadt"
        in text
    )
    # A count of 0 has no link.
    assert "view=unassigned&service=mieterverein" not in text
    assert f"{PUBLIC_URL}/advice/inbox?view=mine&service=mieterverein" in text
    english = body(by_rcpt["advisor2@beratung.example"])
    assert "Your advice inbox on Tuesday, December 1, 2026:" in english
    assert "- Assigned to you: 1\n" in english
    assert "Migrationsberatung" not in english  # only the advisor's own services


async def test_nothing_personal_in_any_line(smtp: Server, catalogs: Catalogs) -> None:
    store = Store([advisor(1, "de", BERATUNG, MIETRECHT)])
    await send_digests(store, settings_for(smtp.port), catalogs, MORNING)
    [(_, message)] = smtp.mailbox.received
    raw = message.as_string()
    for secret in PERSON:
        assert secret not in raw
    link = re.compile(
        re.escape(PUBLIC_URL) + r"/advice/inbox\?view=(unassigned|mine|due)"
        r"&service=[a-z0-9-]+"
    )
    allowed = {
        "Guten Tag,",
        "Ihr Beratungseingang am Dienstag, 1. Dezember 2026:",
        BERATUNG.name,
        MIETRECHT.name,
    }
    for line in filter(None, body(message).splitlines()):
        stripped = line.strip()
        assert (
            stripped in allowed
            or link.fullmatch(stripped)
            or re.fullmatch(r"- [A-Za-zÄÖÜäöü ]+: \d+", stripped)
            or stripped.startswith(("Diese E-Mail enthält nur", "Sie erhalten diese E-Mail"))
        ), line


async def test_once_a_working_day_from_the_digest_hour(smtp: Server, catalogs: Catalogs) -> None:
    store = Store([advisor(1, None, BERATUNG)])
    settings = settings_for(smtp.port)
    # Before 8:00 local time (7:59 in Berlin is 6:59 UTC).
    assert await send_digests(store, settings, catalogs, MORNING.replace(hour=7, minute=59)) == 0
    assert store.tried == {}
    assert await send_digests(store, settings, catalogs, MORNING) == 1
    # Later the same day, from another process: already tried.
    assert await send_digests(store, settings, catalogs, MORNING.replace(hour=15)) == 0
    # Saturday, and Christmas Day (a Friday), nothing; the next working day again.
    assert (
        await send_digests(store, settings, catalogs, datetime(2026, 12, 5, 9, tzinfo=BERLIN)) == 0
    )
    assert (
        await send_digests(store, settings, catalogs, datetime(2026, 12, 25, 9, tzinfo=BERLIN)) == 0
    )
    assert (
        await send_digests(store, settings, catalogs, datetime(2026, 12, 28, 9, tzinfo=BERLIN)) == 1
    )
    assert len(smtp.mailbox.received) == 2
    # Without a language chosen: German.
    assert smtp.mailbox.received[0][1]["Content-Language"] == "de"


async def test_nothing_to_count_no_email(smtp: Server, catalogs: Catalogs) -> None:
    idle = ServiceCounts("mieterverein", "Mieterverein", 0, 0, 0, 0)
    store = Store([advisor(1, "de", idle)])
    assert await send_digests(store, settings_for(smtp.port), catalogs, MORNING) == 0
    assert smtp.mailbox.received == []
    assert store.tried == {1: date(2026, 12, 1)}


async def test_login_on_the_local_server(smtp: Server, catalogs: Catalogs) -> None:
    settings = settings_for(smtp.port, smtp_user="digest", smtp_password="s3cret-pass")
    store = Store([advisor(1, "en", BERATUNG)])
    assert await send_digests(store, settings, catalogs, MORNING) == 1
    assert smtp.logins == ["digest"]


async def test_a_refused_address_is_logged_without_it_and_not_retried_today(
    smtp: Server, catalogs: Catalogs, caplog: pytest.LogCaptureFixture
) -> None:
    smtp.mailbox.refuse.add("advisor1@beratung.example")
    store = Store([advisor(1, "de", BERATUNG), advisor(2, "de", BERATUNG)])
    settings = settings_for(smtp.port)
    with caplog.at_level(logging.INFO):
        assert await send_digests(store, settings, catalogs, MORNING) == 1
    assert [rcpt for rcpt, _ in smtp.mailbox.received] == [["advisor2@beratung.example"]]
    ours = lotse_log(caplog)
    assert "staff 1: not sent: SMTPRecipientsRefused 550" in ours
    assert "beratung.example" not in ours
    # Not tried again today; the next working day brings it anew.
    smtp.mailbox.refuse.clear()
    assert await send_digests(store, settings, catalogs, MORNING.replace(hour=10)) == 0
    assert await send_digests(store, settings, catalogs, MORNING.replace(day=2)) == 2


async def test_a_server_that_is_away(catalogs: Catalogs, caplog: pytest.LogCaptureFixture) -> None:
    store = Store([advisor(1, "de", BERATUNG)])
    settings = settings_for(_free_port(), smtp_timeout_seconds=5)
    with caplog.at_level(logging.WARNING):
        assert await send_digests(store, settings, catalogs, MORNING) == 0
    assert "could not connect" in lotse_log(caplog)
    assert "beratung.example" not in lotse_log(caplog)


def test_no_smtp_server_no_job(catalogs: Catalogs) -> None:
    settings = load_settings(require_secret=False)
    assert not settings.mail_configured
    assert digest_jobs(Store([]), settings, catalogs, lambda: MORNING) == []
    assert digest_due(settings, MORNING) is None
    [job] = digest_jobs(Store([]), settings_for(2525), catalogs, lambda: MORNING)
    assert job.id == "advice-digest"


def test_the_hour_is_local_time() -> None:
    settings = settings_for(2525, digest_hour=7)
    # 6:30 UTC is 7:30 in Berlin in winter.
    assert digest_due(settings, datetime(2026, 12, 1, 6, 30, tzinfo=ZoneInfo("UTC"))) == date(
        2026, 12, 1
    )
    assert digest_due(settings, datetime(2026, 12, 1, 5, 59, tzinfo=ZoneInfo("UTC"))) is None


def test_a_service_name_stays_one_line(catalogs: Catalogs) -> None:
    sneaky = ServiceCounts("x", "Beratung\nBcc: someone@else.example", 1, 0, 0, 0)
    message = compose(
        advisor(1, "en", sneaky),
        catalogs,
        sender=SENDER,
        public_url=PUBLIC_URL,
        now=MORNING,
        timezone="Europe/Berlin",
    )
    assert message["Bcc"] is None
    assert "\nBeratung Bcc: someone@else.example\n- New and not assigned: 1\n" in body(message)
    assert [view.value for view in View] == ["unassigned", "mine", "due-soon", "overdue"]
    assert [view.inbox_view for view in View] == ["unassigned", "mine", "due", "due"]


def test_settings_refuse_a_password_in_clear() -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="unencrypted"):
        load_settings(
            require_secret=False,
            smtp_host="mail.musterstadt.example",
            smtp_from=SENDER,
            smtp_password="pw",
            smtp_starttls=False,
        )
    with pytest.raises(ConfigError, match="LOTSE_SMTP_FROM"):
        load_settings(require_secret=False, smtp_host="mail.musterstadt.example")
    # Port 465: TLS from the start.
    smtps = load_settings(
        require_secret=False,
        smtp_host="mail.musterstadt.example",
        smtp_port=465,
        smtp_starttls=False,
        smtp_from=SENDER,
        smtp_password="pw",
    )
    assert smtps.encrypted
    assert "pw" not in repr(smtps)
