"""The ways in an invitation names: its Telegram deep link, its web chat link, Lotse's number."""

from __future__ import annotations

from bot.config import Settings
from bot.db.models import Invitation
from bot.invitations.codes import token_of
from bot.kernel.crypto import Vault

#: How a Telegram invitation's route is recorded (`sent_note` starts with it).
TELEGRAM_LINK_NOTE = "Telegram link by"


def telegram_link(settings: Settings, token: str) -> str | None:
    if not settings.telegram_bot_username:
        return None
    return f"https://t.me/{settings.telegram_bot_username}?start={token}"


def chat_link(settings: Settings, token: str) -> str:
    return f"{settings.public_url}/chat?t={token}"


def entry_link(settings: Settings, vault: Vault, invitation: Invitation) -> tuple[str, bool]:
    """The link an invitation's message or letter carries (with its token), and whether
    it is Telegram's: the deep link when the invitation went as a Telegram link, else
    the web chat."""
    token = token_of(vault, invitation)
    if invitation.sent_note and invitation.sent_note.startswith(TELEGRAM_LINK_NOTE):
        link = telegram_link(settings, token)
        if link is not None:
            return link, True
    return chat_link(settings, token), False


def sms_number(settings: Settings) -> str | None:
    """The number people text, printed in letters (a Messaging Service has none)."""
    number = settings.invitation_sms_number or settings.twilio_from
    return number if number.startswith("+") else None
