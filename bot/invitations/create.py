"""Creating an invitation, once per office reference, with its message or letter queued."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Invitation, Office
from bot.invitations.codes import code_index, new_code, new_token, public_id, token_index
from bot.invitations.request import InvitationRequest
from bot.invitations.sending import InvitationSender
from bot.invitations.status import InvitationStatus, add_event
from bot.kernel.types import Channel
from bot.people import address_index, letter_index


class ReferenceConflict(Exception):
    """The reference exists with a different request."""

    def __init__(self, invitation: Invitation) -> None:
        self.invitation = invitation
        # Plain copies: the object expires when the caller's transaction rolls back.
        self.invitation_id = invitation.id
        self.public_id = invitation.public_id


async def create_invitation(
    session: AsyncSession,
    *,
    office: Office,
    request: InvitationRequest,
    sender: InvitationSender,
    now: datetime,
) -> tuple[Invitation, bool]:
    """The office's invitation for `request.reference`, and whether it is new. The same
    reference with the same request returns the existing one; with a different
    request it raises ReferenceConflict. Its message or letter is queued with it."""
    fingerprint = request.fingerprint(sender.vault)
    existing = await _by_reference(session, office.id, request.reference)
    if existing is not None:
        if existing.request_hash != fingerprint:
            raise ReferenceConflict(existing)
        return existing, False
    for _ in range(5):
        invitation = new_invitation(office, request, fingerprint, sender, now)
        try:
            async with session.begin_nested():
                session.add(invitation)
                await session.flush()
        except IntegrityError:
            # Another request created the reference meanwhile, or (rarely) the code
            # was taken: look again.
            existing = await _by_reference(session, office.id, request.reference)
            if existing is not None:
                if existing.request_hash != fingerprint:
                    raise ReferenceConflict(existing) from None
                return existing, False
            continue
        add_event(session, invitation, InvitationStatus.CREATED, now)
        await sender.send(session, invitation, office, request.personal, now)
        return invitation, True
    raise RuntimeError("could not find a free connect code")


def new_invitation(
    office: Office,
    request: InvitationRequest,
    fingerprint: str,
    sender: InvitationSender,
    now: datetime,
) -> Invitation:
    """A new invitation row (not yet added; `bot.invitations.bulk` adds many at once)."""
    vault, personal = sender.vault, request.personal
    code, token = new_code(), new_token()
    return Invitation(
        public_id=public_id(),
        office_id=office.id,
        reference=request.reference,
        request_hash=fingerprint,
        language=request.language,
        channels=[c.value for c in request.channels],
        personal_enc=vault.encrypt(personal.encode()),
        consent_recorded_at=request.consent_recorded_at,
        notice_version=request.notice_version,
        code_index=code_index(vault, code),
        code_enc=vault.encrypt(code),
        token_index=token_index(vault, token),
        token_enc=vault.encrypt(token),
        phone_index=address_index(vault, Channel.SMS, personal.phone) if personal.phone else None,
        postal_index=(
            letter_index(vault, personal.postal_address) if personal.postal_address else None
        ),
        expires_at=now + timedelta(days=sender.settings.invitation_valid_days),
        status=InvitationStatus.CREATED.value,
        created_at=now,
    )


async def _by_reference(session: AsyncSession, office_id: int, reference: str) -> Invitation | None:
    found: Invitation | None = await session.scalar(
        select(Invitation).where(
            Invitation.office_id == office_id, Invitation.reference == reference
        )
    )
    return found
