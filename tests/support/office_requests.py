"""Requests sent through Lotse to an office's staff page: a person makes a complete
request letter to the foreigners authority (linked to the office in the operator's
file) and sends it there with `Requests.send_to_office`, as the chat does. A request
for an office the file does not link (another office) is received as that leaves it
(the clock's `mark_received_by_office`)."""

from __future__ import annotations

from bot.db.models import RightsRequest
from bot.holders import local_path, write_local
from bot.kernel.types import Channel
from bot.rights import RequestView
from bot.rights.clock import mark_received_by_office
from bot.runtime.services import Services
from tests.rights.support import IDENTITY, step, typed
from tests.support.clock import Clock
from tests.support.connect import person_on

HOLDER = "auslaenderbehoerde"
HOLDER_NAME = "Stadt Musterstadt, Ausländerbehörde"
#: The person's words of a correction: shown to the office, never in a list.
WRONG, RIGHT = "Mein Geburtsort ist falsch: Halab", "Aleppo"


def link_office(services: Services, office_slug: str = "amt-mitte") -> None:
    """The operator's file: the foreigners authority in Köln (NRW) is that office."""
    write_local(local_path(services.settings), {"land": "nw", HOLDER: {
        "name": HOLDER_NAME, "street": "Markt 1", "postcode": "50667", "city": "Köln",
        "office": office_slug,
    }})  # fmt: skip


async def sent_to_office(
    services: Services, clock: Clock, office_id: int, *, kind: str = "access",
    channel: Channel = Channel.SMS, address: str = "+4915187654321", linked: bool = True,
) -> int:  # fmt: skip
    """A complete request of a new person, its letter made, received by the office now
    (`linked`: the office the file links, through the port)."""
    person, _ = await person_on(services, channel, address)
    view = await step(services, clock, person, channel, lambda port: port.start(HOLDER, kind))
    assert isinstance(view, RequestView), view
    parts = dict(IDENTITY)
    if kind == "correction":
        parts |= {"wrong": WRONG, "right": RIGHT}
    await typed(services, clock, person, view.request_id, parts, channel)
    issued = await step(services, clock, person, channel, lambda p: p.letter(view.request_id))
    assert issued is not None
    if linked:
        sent = await step(services, clock, person, channel,
                          lambda p: p.send_to_office(view.request_id))  # fmt: skip
        assert sent is not None and sent.clock is not None
    async with services.sessionmaker() as session, session.begin():
        row = await session.get(RightsRequest, view.request_id)
        assert row is not None
        if not linked:
            problem = mark_received_by_office(
                row, office_id=office_id, now=clock(), settings=services.settings, land="nw"
            )
            assert problem is None
        assert row.office_id == office_id
    return view.request_id
