"""Request letters printed and posted to their person (LOTSE_REQUEST_POST): the
person asks, the operator's print run (`lotse requests print`) takes every letter asked
for and not yet printed, and marks them printed.

A letter goes only to the address Lotse keeps for the person's letters (bot.people),
never to an address typed for the request: that one is the sender's line in the letter,
and typing it proves nothing. Rendering happens between loading and marking, outside
any transaction; meanwhile a request may be deleted or changed, or its address given
up. So `mark_posted` marks, with one conditional UPDATE, only the letters still waiting
and unchanged since they were loaded, whose person still keeps an address: a letter left
out is in no file, and one changed waits for the next run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Actor, Category, Concerned, record
from bot.db.models import Contact, RightsRequest
from bot.holders import RequestKind
from bot.kernel.crypto import Vault
from bot.kernel.postal import MaskedAddress, PostalAddress
from bot.kernel.types import Channel
from bot.people import postal_address
from bot.rights.identity import Details, Identity
from bot.rights.records import details_of, identity_of, is_complete
from bot.rights.views import PostedLetter, RequestStatus

#: Actions in the access log: the person asked for the letter by post; the operator
#: printed it (again).
POST_ACTION = "rights.post-request"
PRINT_ACTION, REPRINT_ACTION = "rights.print", "rights.reprint"
#: What printing a request letter reads: the cover's address, the letter's content.
PRINT_CATEGORIES = (Category.NAME, Category.POSTAL_ADDRESS, Category.IDENTITY, Category.REQUEST)


async def _postable(
    session: AsyncSession, vault: Vault, person_id: int, request_id: int
) -> tuple[RightsRequest, PostalAddress] | None:
    row = await session.scalar(
        select(RightsRequest).where(
            RightsRequest.id == request_id, RightsRequest.person_id == person_id
        )
    )
    if row is None or not is_complete(vault, row):
        return None
    address = await postal_address(session, vault, person_id)
    return None if address is None else (row, address)


async def can_post(
    session: AsyncSession, vault: Vault, *, enabled: bool, person_id: int, request_id: int
) -> bool:
    """Whether this person may have this letter posted: the operator offers it, the
    request is theirs and complete, and Lotse keeps an address for their letters."""
    return enabled and await _postable(session, vault, person_id, request_id) is not None


async def request_post(
    session: AsyncSession,
    vault: Vault,
    *,
    enabled: bool,
    person_id: int,
    request_id: int,
    channel: Channel,
    now: datetime,
) -> PostedLetter | None:
    """Ask for the letter printed and posted: where it goes and since when it waits, or
    None when that is not possible (see `can_post`). Asking again changes nothing, unless
    the request changed since its letter was printed: then the new one is printed."""
    found = await _postable(session, vault, person_id, request_id) if enabled else None
    if found is None:
        return None
    row, address = found
    unchanged = row.posted_at is None or row.updated_at <= row.posted_at
    if row.post_requested_at is None or not unchanged:
        row.post_requested_at, row.posted_at, row.post_batch = now, None, None
        if row.status == RequestStatus.DRAFTED.value:
            row.status = RequestStatus.READY.value  # a running clock is left as it is
        await record(
            session, Actor.person(), POST_ACTION, now,
            concerns=[Concerned(person_id=person_id)],
            categories=(Category.REQUEST, Category.POSTAL_ADDRESS), detail=channel.value,
        )  # fmt: skip
    return PostedLetter(row.id, row.post_requested_at, MaskedAddress.of(address), row.posted_at)


# ---------------------------------------------------------------- the print run


@dataclass(frozen=True, slots=True)
class ToPost:
    """A letter to print, with what it says and where it goes."""

    request_id: int
    person_id: int
    holder: str
    kind: RequestKind
    lang: str
    identity: Identity
    details: Details
    created_at: datetime
    address: PostalAddress

    @property
    def concerned(self) -> Concerned:
        return Concerned(person_id=self.person_id)


def _to_post(vault: Vault, row: RightsRequest, address_enc: str) -> ToPost:
    return ToPost(
        request_id=row.id, person_id=row.person_id, holder=row.holder,
        kind=RequestKind(row.kind), lang=row.lang, identity=identity_of(vault, row),
        details=details_of(vault, row), created_at=row.created_at,
        address=PostalAddress(**json.loads(vault.decrypt(address_enc))),
    )  # fmt: skip


async def load_waiting(session: AsyncSession, vault: Vault, limit: int) -> list[ToPost]:
    """The letters asked for and not printed yet, oldest request first, whose person
    still keeps an address for letters."""
    rows = await session.execute(
        select(RightsRequest, Contact.address_enc)
        .join(Contact, Contact.person_id == RightsRequest.person_id)
        .where(
            Contact.channel == Channel.LETTER.value,
            Contact.address_enc.is_not(None),
            RightsRequest.post_requested_at.is_not(None),
            RightsRequest.posted_at.is_(None),
        )
        .order_by(RightsRequest.post_requested_at, RightsRequest.id)
        .limit(limit)
    )
    return [
        _to_post(vault, row, address_enc)
        for row, address_enc in rows
        if address_enc is not None and is_complete(vault, row)
    ]


async def load_batch(
    session: AsyncSession, vault: Vault, batch_id: str
) -> tuple[list[ToPost], int]:
    """An earlier batch's letters that can be printed again, and how many cannot (their
    person keeps no address for letters any more). A deleted request is in neither."""
    rows = list(
        await session.execute(
            select(RightsRequest, Contact.address_enc)
            .outerjoin(
                Contact,
                (Contact.person_id == RightsRequest.person_id)
                & (Contact.channel == Channel.LETTER.value),
            )
            .where(RightsRequest.post_batch == batch_id, RightsRequest.posted_at.is_not(None))
            .order_by(RightsRequest.post_requested_at, RightsRequest.id)
        )
    )
    found = [_to_post(vault, row, enc) for row, enc in rows if enc is not None]
    return found, len(rows) - len(found)


async def mark_posted(
    session: AsyncSession,
    letters: Sequence[ToPost],
    batch_id: str,
    *,
    loaded_at: datetime,
    now: datetime,
) -> set[int]:
    """Mark printed the letters still waiting, unchanged since `loaded_at`, whose
    person still keeps an address; their request ids."""
    kept_address = exists().where(
        Contact.person_id == RightsRequest.person_id,
        Contact.channel == Channel.LETTER.value,
        Contact.address_enc.is_not(None),
    )
    marked = await session.scalars(
        update(RightsRequest)
        .where(
            RightsRequest.id.in_([letter.request_id for letter in letters]),
            RightsRequest.post_requested_at.is_not(None),
            RightsRequest.posted_at.is_(None),
            RightsRequest.updated_at <= loaded_at,
            kept_address,
        )
        .values(posted_at=now, post_batch=batch_id)
        .returning(RightsRequest.id)
        .execution_options(synchronize_session=False)
    )
    return set(marked)


async def log_print(
    session: AsyncSession,
    letters: Sequence[ToPost],
    batch_id: str,
    actor: Actor,
    now: datetime,
    *,
    again: bool = False,
) -> None:
    """One access-log entry per letter printed."""
    if not letters:
        return
    await record(
        session, actor, REPRINT_ACTION if again else PRINT_ACTION, now,
        concerns=[letter.concerned for letter in letters], categories=PRINT_CATEGORIES,
        detail=f"batch {batch_id} again" if again else f"batch {batch_id}",
    )  # fmt: skip
