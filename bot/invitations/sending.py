"""Sending an invitation: the channel it takes, and its message or letter queued there.

The route is the first of the person's channels that can carry the invitation; the
message goes to the outbox, the letter to the print queue (`bot.invitations.print_batch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.db.models import Invitation, Letter, Office
from bot.i18n import Catalogs
from bot.invitations.codes import code_of, token_of
from bot.invitations.links import TELEGRAM_LINK_NOTE, chat_link, entry_link, telegram_link
from bot.invitations.message_texts import invitation_texts
from bot.invitations.request import Personal
from bot.invitations.status import LetterKind, LetterStatus, add_event, mark_failed
from bot.kernel import sms
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.messaging import Outgoing, enqueue
from bot.people import address_index, attach

#: The approved WhatsApp template an invitation goes out with (Lotse writes first).
WHATSAPP_TEMPLATE = "invitation"


@dataclass(frozen=True, slots=True)
class Route:
    """How an invitation travels: the channel used, and why, when it is not the first."""

    channel: Channel
    note: str | None = None
    #: The Telegram deep link the message or letter carries (Telegram-only invitations).
    telegram_link: str | None = None


def route(
    channels: Sequence[str],
    personal: Personal,
    settings: Settings,
    available: frozenset[Channel],
    language: str,
    token: str,
    tried: Sequence[str] = (),
) -> Route | str:
    """The first of the person's channels that can carry the invitation, or why none can."""
    reasons: list[str] = []
    phone, address = personal.phone is not None, personal.postal_address is not None
    for name in channels:
        channel = Channel(name)
        if name in tried:
            continue
        if channel is Channel.SMS:
            if phone and Channel.SMS in available:
                return Route(Channel.SMS)
            reasons.append("sms: not configured" if phone else "sms: no phone number")
        elif channel is Channel.WHATSAPP:
            templates = settings.whatsapp_templates.get(WHATSAPP_TEMPLATE, {})
            if not phone:
                reasons.append("whatsapp: no phone number")
            elif Channel.WHATSAPP not in available:
                reasons.append("whatsapp: not configured")
            elif not (templates.get(language) or templates.get("en")):
                # Lotse writes first: WhatsApp only allows an approved template then.
                reasons.append("whatsapp: no approved invitation template")
            else:
                return Route(Channel.WHATSAPP)
        elif channel is Channel.LETTER:
            if address:
                return Route(Channel.LETTER)
            reasons.append("letter: no postal address")
        elif channel is Channel.TELEGRAM:
            link = telegram_link(settings, token)
            if link is None:
                reasons.append("telegram: LOTSE_TELEGRAM_BOT_USERNAME not set")
            elif phone and Channel.SMS in available:
                note = f"{TELEGRAM_LINK_NOTE} SMS (a bot cannot write first on Telegram)"
                return Route(Channel.SMS, note, link)
            elif address:
                note = f"{TELEGRAM_LINK_NOTE} letter (a bot cannot write first on Telegram)"
                return Route(Channel.LETTER, note, link)
            else:
                reasons.append("telegram: a bot cannot write first, and no phone or address")
    return "; ".join(reasons) or "no channel left to try"


class InvitationSender:
    """Queues an invitation's message (outbox) or letter (print queue)."""

    def __init__(
        self,
        *,
        settings: Settings,
        vault: Vault,
        catalogs: Catalogs,
        available: frozenset[Channel],
    ) -> None:
        self.settings = settings
        self.vault = vault
        self.catalogs = catalogs
        self.available = available

    async def send(
        self,
        session: AsyncSession,
        invitation: Invitation,
        office: Office,
        personal: Personal,
        now: datetime,
        *,
        tried: Sequence[str] = (),
        reminder: bool = False,
    ) -> bool:
        """Queue the invitation (or its reminder) on the best route; False if none is left
        (the invitation is then failed)."""
        if reminder and invitation.sent_via is not None:
            # A reminder goes the way the invitation went.
            link, telegram = entry_link(self.settings, self.vault, invitation)
            chosen: Route | str = Route(
                Channel(invitation.sent_via), invitation.sent_note, link if telegram else None
            )
        else:
            chosen = route(
                invitation.channels,
                personal,
                self.settings,
                self.available,
                invitation.language,
                token_of(self.vault, invitation),
                tried,
            )
        if isinstance(chosen, str):
            mark_failed(session, invitation, now, chosen)
            return False
        if chosen.channel is Channel.LETTER:
            kind = LetterKind.REMINDER if reminder else LetterKind.INVITATION
            session.add(
                Letter(
                    invitation_id=invitation.id,
                    kind=kind.value,
                    status=LetterStatus.PENDING.value,
                    created_at=now,
                )
            )
            invitation.message_id = None
        else:
            assert personal.phone is not None
            invitation.message_id = await self._queue_message(
                session, invitation, office, personal.phone, chosen, now, reminder
            )
        if not reminder:
            invitation.sent_via = chosen.channel.value
            invitation.sent_note = chosen.note
            add_event(session, invitation, "queued", now, _route_detail(chosen))
        return True

    async def _queue_message(
        self,
        session: AsyncSession,
        invitation: Invitation,
        office: Office,
        phone: str,
        chosen: Route,
        now: datetime,
        reminder: bool,
    ) -> int:
        channel = chosen.channel
        # If nobody uses this number with Lotse yet, it gets a contact without a person,
        # kept until a week after the invitation expires unless the person answers.
        contact, _ = await attach(
            session,
            channel,
            address_index(self.vault, channel, phone),
            None,
            now,
            address_enc=self.vault.encrypt(phone),
            purge_after=invitation.expires_at + timedelta(days=7),
        )
        translator = self.catalogs[invitation.language]
        link = chosen.telegram_link or chat_link(self.settings, token_of(self.vault, invitation))
        code, telegram = code_of(self.vault, invitation), chosen.telegram_link is not None
        texts = invitation_texts(office, code, link, telegram, reminder=reminder)
        text = "\n".join(translator.text(x) for x in texts)
        if channel is Channel.SMS and sms.segments(text) > self.settings.sms_max_segments:
            texts = invitation_texts(office, code, link, telegram, reminder=reminder,
                                     with_link=False)  # fmt: skip
            text = "\n".join(translator.text(x) for x in texts)
        template = WHATSAPP_TEMPLATE if channel is Channel.WHATSAPP else None
        message = Outgoing(
            contact.person_id,
            contact.id,
            channel.value,
            invitation.language,
            text,
            template=template,
        )
        return await enqueue(session, self.vault, message, now)


def _route_detail(chosen: Route) -> str:
    return chosen.note or f"by {chosen.channel.value}"
