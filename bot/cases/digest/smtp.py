"""Sending e-mail over SMTP with the standard library, in a thread (smtplib blocks).

One connection per batch. A failure is logged with the staff member's id and the
server's reply code, never an address: the caller decides what happens next (the digest
tries again the next day).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from bot.config_mail import SMTPS_PORT, MailSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message and whom it is for (a staff id: what logs may name)."""

    staff_id: int
    message: EmailMessage


def _connect(settings: MailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_port == SMTPS_PORT:
        return smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    try:
        if settings.smtp_starttls:
            connection.starttls(context=context)
        return connection
    except BaseException:
        connection.close()
        raise


def _reason(error: BaseException) -> str:
    """What went wrong, without the addresses smtplib puts into some errors."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(reply[0]) for reply in error.recipients.values()})
        return f"{type(error).__name__} {','.join(codes)}"
    return type(error).__name__ + (f" {code}" if code is not None else "")


def send_now(settings: MailSettings, batch: Sequence[Outgoing]) -> set[int]:
    """Send each message; the staff ids whose message the server accepted."""
    sent: set[int] = set()
    if not batch:
        return sent
    try:
        connection = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("smtp: could not connect to the server: %s", _reason(error))
        return sent
    try:
        if settings.smtp_user:
            connection.login(settings.smtp_user, settings.smtp_password)
        for item in batch:
            try:
                connection.send_message(item.message)
            except smtplib.SMTPServerDisconnected as error:
                log.warning("smtp: staff %s: %s", item.staff_id, _reason(error))
                break
            except (OSError, smtplib.SMTPException) as error:
                log.warning("smtp: staff %s: not sent: %s", item.staff_id, _reason(error))
            else:
                sent.add(item.staff_id)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("smtp: %s", _reason(error))
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return sent


async def send(settings: MailSettings, batch: Sequence[Outgoing]) -> set[int]:
    """send_now in a thread, so the event loop goes on serving."""
    return await asyncio.to_thread(send_now, settings, batch)
