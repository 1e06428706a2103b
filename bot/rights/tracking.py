"""What the person records of their request's clock: the letter went, an answer came,
the holder needs more time, no answer came, they are done; and sending a request to
an office on this installation. Each for the person's own request only (another's
answers None, like one that never existed), each a transition of bot.rights.clock (a
problem changes nothing), each one access-log entry of the person's own action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Actor, Category, Concerned, record
from bot.config import Settings
from bot.db.models import Office, RightsRequest
from bot.holders import Holder
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.rights import clock
from bot.rights.deadlines import SentBy
from bot.rights.identity import Problem
from bot.rights.letters import LETTER_CATEGORIES
from bot.rights.records import is_complete, view_of
from bot.rights.views import LetterKind, Outcome, RequestView

#: Actions in the access log (worded in bot/i18n/access_words.py).
SENT_ACTION, ANSWERED_ACTION = "rights.sent", "rights.answered"
EXTENDED_ACTION, NO_ANSWER_ACTION = "rights.extended", "rights.no-answer"
CLOSE_ACTION, OFFICE_ACTION = "rights.close", "rights.office"
#: What the clock's records are: about the request, never its values.
_CLOCK = (Category.REQUEST,)

HolderOf = Callable[[str], Holder | None]


async def office_names(session: AsyncSession, rows: Iterable[RightsRequest]) -> dict[int, str]:
    """The names of the offices these requests went to through Lotse, by id."""
    ids = {row.office_id for row in rows if row.office_id is not None}
    if not ids:
        return {}
    found = await session.execute(select(Office.id, Office.name).where(Office.id.in_(ids)))
    return {office_id: name for office_id, name in found.all()}


async def shown(session: AsyncSession, vault: Vault, row: RightsRequest) -> RequestView:
    """The view with the name of the office it went to, if any."""
    names = await office_names(session, [row])
    return view_of(vault, row, None if row.office_id is None else names.get(row.office_id))


async def _own(session: AsyncSession, person_id: int, request_id: int) -> RightsRequest | None:
    return await session.scalar(
        select(RightsRequest).where(
            RightsRequest.id == request_id, RightsRequest.person_id == person_id
        )
    )


def _land(holder_of: HolderOf, row: RightsRequest) -> str | None:
    holder = holder_of(row.holder)
    return None if holder is None else holder.land


async def _done(
    session: AsyncSession, vault: Vault, row: RightsRequest, action: str, now: datetime,
    channel: Channel, categories: Sequence[Category] = _CLOCK,
) -> RequestView:  # fmt: skip
    await record(
        session, Actor.person(), action, now, concerns=[Concerned(person_id=row.person_id)],
        categories=tuple(categories), detail=channel.value,
    )  # fmt: skip
    return await shown(session, vault, row)


async def sent(
    session: AsyncSession, vault: Vault, *, person_id: int, request_id: int,
    letter: LetterKind, on: date, by: SentBy, holder_of: HolderOf, channel: Channel,
    settings: Settings, now: datetime,
) -> RequestView | Problem | None:  # fmt: skip
    """The person says a letter went on `on`, and how (never "through Lotse": that is
    `send_to_office`)."""
    row = await _own(session, person_id, request_id)
    if row is None or by is SentBy.LOTSE:
        return None
    land = _land(holder_of, row)
    problem = clock.mark_sent(row, letter=letter, on=on, by=by, land=land, now=now,
                              settings=settings)  # fmt: skip
    return problem or await _done(session, vault, row, SENT_ACTION, now, channel)


async def answered(
    session: AsyncSession, vault: Vault, *, person_id: int, request_id: int, on: date,
    outcome: Outcome, recipients_named: bool | None, channel: Channel, settings: Settings,
    now: datetime,
) -> RequestView | Problem | None:  # fmt: skip
    row = await _own(session, person_id, request_id)
    if row is None:
        return None
    problem = clock.mark_answered(
        row, on=on, outcome=outcome, recipients_named=recipients_named, now=now,
        settings=settings, staff=False,
    )  # fmt: skip
    return problem or await _done(session, vault, row, ANSWERED_ACTION, now, channel)


async def extended(
    session: AsyncSession, vault: Vault, *, person_id: int, request_id: int,
    notified_on: date, reasons: bool, holder_of: HolderOf, channel: Channel,
    settings: Settings, now: datetime,
) -> RequestView | Problem | None:  # fmt: skip
    row = await _own(session, person_id, request_id)
    if row is None:
        return None
    problem = clock.mark_extended(
        row, notified_on=notified_on, reasons=reasons, land=_land(holder_of, row), now=now,
        settings=settings, staff=False,
    )  # fmt: skip
    return problem or await _done(session, vault, row, EXTENDED_ACTION, now, channel)


async def no_answer(
    session: AsyncSession, vault: Vault, *, person_id: int, request_id: int,
    channel: Channel, settings: Settings, now: datetime,
) -> RequestView | None:  # fmt: skip
    """None also where nothing was waited for (a draft, an answered or closed request)."""
    row = await _own(session, person_id, request_id)
    if row is None or clock.mark_no_answer(row, now=now, settings=settings) is not None:
        return None
    return await _done(session, vault, row, NO_ANSWER_ACTION, now, channel)


async def close(
    session: AsyncSession, vault: Vault, *, person_id: int, request_id: int,
    channel: Channel, settings: Settings, now: datetime,
) -> RequestView | None:  # fmt: skip
    row = await _own(session, person_id, request_id)
    if row is None:
        return None
    clock.mark_closed(row, now=now, settings=settings)
    return await _done(session, vault, row, CLOSE_ACTION, now, channel)


async def office_of(session: AsyncSession, holder: Holder | None) -> Office | None:
    """The office on this installation that receives requests to `holder`, if any."""
    if holder is None or holder.office is None:
        return None
    office: Office | None = await session.scalar(select(Office).where(Office.slug == holder.office))
    return office


async def send_to_office(
    session: AsyncSession, vault: Vault, *, person_id: int, request_id: int,
    holder_of: HolderOf, channel: Channel, settings: Settings, now: datetime,
) -> RequestView | None:  # fmt: skip
    """A complete request that has not gone, to the staff page of the holder's office;
    None when the holder has none (or it no longer exists), or not possible."""
    row = await _own(session, person_id, request_id)
    if row is None or not is_complete(vault, row):
        return None
    holder = holder_of(row.holder)
    office = await office_of(session, holder)
    if office is None or holder is None:
        return None
    problem = clock.mark_received_by_office(
        row, office_id=office.id, now=now, settings=settings, land=holder.land
    )
    if problem is not None:
        return None
    # The office's staff now read the letter: everything it holds.
    return await _done(session, vault, row, OFFICE_ACTION, now, channel, LETTER_CATEGORIES)
