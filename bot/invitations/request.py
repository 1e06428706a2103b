"""What an office asks for: the person's details (kept encrypted) and the validated request."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from bot.audit import Category
from bot.db.models import Invitation
from bot.kernel.crypto import Vault
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel

#: The channels an office may name, in the person's order of preference.
OFFICE_CHANNELS = (Channel.TELEGRAM, Channel.SMS, Channel.WHATSAPP, Channel.LETTER)


@dataclass(frozen=True, slots=True)
class Personal:
    """What the office told about the person, kept encrypted while the invitation is open."""

    phone: str | None = None  # E.164
    postal_address: PostalAddress | None = None
    given_name: str | None = None
    family_name: str | None = None

    def encode(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def decode(cls, raw: str) -> Personal:
        data = json.loads(raw)
        address = data.get("postal_address")
        return cls(
            phone=data.get("phone"),
            postal_address=PostalAddress(**address) if address else None,
            given_name=data.get("given_name"),
            family_name=data.get("family_name"),
        )


def personal_of(vault: Vault, invitation: Invitation) -> Personal | None:
    """The person's details; None once the invitation is closed (they are erased then)."""
    return (
        None
        if invitation.personal_enc is None
        else Personal.decode(vault.decrypt(invitation.personal_enc))
    )


@dataclass(frozen=True, slots=True)
class InvitationRequest:
    """A validated request (API or CSV row)."""

    reference: str
    language: str
    channels: tuple[Channel, ...]
    personal: Personal
    consent_recorded_at: datetime
    notice_version: str

    def fingerprint(self, vault: Vault) -> str:
        canonical = json.dumps(
            {
                "language": self.language,
                "channels": list(self.channels),
                "personal": json.loads(self.personal.encode()),
                "consent_recorded_at": self.consent_recorded_at.isoformat(),
                "notice_version": self.notice_version,
            },
            sort_keys=True,
            ensure_ascii=False,
        )
        return vault.index("invitation-request", canonical)

    def categories(self) -> tuple[Category, ...]:
        """What of the person this request gives Lotse (for the access log)."""
        given = [Category.INVITATION, Category.LANGUAGE, Category.CONSENT]
        if self.personal.phone:
            given.append(Category.PHONE)
        if self.personal.postal_address:
            given.append(Category.POSTAL_ADDRESS)
        if self.personal.given_name or self.personal.family_name:
            given.append(Category.NAME)
        return tuple(given)
