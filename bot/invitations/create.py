"""Creating an invitation, once per office reference, with its message or letter queued."""

from __future__ import annotations

from collections.abc import Sequence
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


#: A request's outcome: its invitation and whether it is new, or the conflict it met.
Outcome = tuple[Invitation, bool] | ReferenceConflict


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
    for _ in range(5):
        try:
            async with session.begin_nested():
                [outcome], new = await _insert(session, office, [request], sender, now)
        except IntegrityError:
            # Another request created the reference meanwhile, or (rarely) the code
            # was taken: look again.
            continue
        if isinstance(outcome, ReferenceConflict):
            raise outcome
        await _queue(session, office, new, sender, now)
        return outcome
    raise RuntimeError("could not find a free connect code")


async def create_invitations(
    session: AsyncSession,
    *,
    office: Office,
    requests: Sequence[InvitationRequest],
    sender: InvitationSender,
    now: datetime,
) -> list[Outcome]:
    """`create_invitation` for many requests at once (an office's CSV file), in order:
    the new invitations are inserted together. A database error (a reference created
    meanwhile, a taken code) is the caller's, who may write them one by one then."""
    outcomes, new = await _insert(session, office, requests, sender, now)
    await _queue(session, office, new, sender, now)
    return outcomes


async def _insert(
    session: AsyncSession,
    office: Office,
    requests: Sequence[InvitationRequest],
    sender: InvitationSender,
    now: datetime,
) -> tuple[list[Outcome], list[tuple[Invitation, InvitationRequest]]]:
    """The rule: a reference is the office's once; the same request again finds its
    invitation, a different one is a conflict. The new invitations are inserted."""
    known: dict[str, Invitation] = {
        invitation.reference: invitation
        for invitation in await session.scalars(
            select(Invitation).where(
                Invitation.office_id == office.id,
                Invitation.reference.in_({request.reference for request in requests}),
            )
        )
    }
    decided: list[tuple[Invitation, bool | None]] = []  # new or not; None: a conflict
    new: list[tuple[Invitation, InvitationRequest]] = []
    for request in requests:
        fingerprint = request.fingerprint(sender.vault)
        invitation = known.get(request.reference)
        if invitation is None:
            invitation = _new_invitation(office, request, fingerprint, sender, now)
            known[request.reference] = invitation  # the same reference later in the file
            new.append((invitation, request))
            decided.append((invitation, True))
        else:
            decided.append((invitation, False if invitation.request_hash == fingerprint else None))
    if new:
        session.add_all(invitation for invitation, _ in new)
        await session.flush()  # one INSERT for them all; conflicts below know their ids
    outcomes: list[Outcome] = [
        ReferenceConflict(invitation) if created is None else (invitation, created)
        for invitation, created in decided
    ]
    return outcomes, new


async def _queue(
    session: AsyncSession,
    office: Office,
    new: Sequence[tuple[Invitation, InvitationRequest]],
    sender: InvitationSender,
    now: datetime,
) -> None:
    """Each new invitation's event, and its message or letter queued."""
    for invitation, request in new:
        add_event(session, invitation, InvitationStatus.CREATED, now)
        await sender.send(session, invitation, office, request.personal, now)


def _new_invitation(
    office: Office,
    request: InvitationRequest,
    fingerprint: str,
    sender: InvitationSender,
    now: datetime,
) -> Invitation:
    """A new invitation row, not yet added (`_insert` adds them together)."""
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
