"""The request wizard's last step where the operator posts letters, on the stored
requests (the runtime's `Requests` port): the letter here or by post, offered only with
LOTSE_REQUEST_POST and a kept address for letters, and the reply names no house number."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings, load_settings
from bot.conversation import Input, Step
from bot.db.models import RightsRequest
from bot.holders import RequestKind
from bot.kernel.postal import MaskedAddress
from bot.kernel.types import Channel, Text
from bot.people import keep_postal_address
from bot.rights import RequestStatus, RequestView
from flows import rights_words as w
from flows.holders import HoldersFlow
from flows.holders_requests import status_words
from tests.flows.unit.test_rights_request_steps import FLOW, onboarded, started, type_all
from tests.rights.test_post import RETURN_ADDRESS
from tests.support.settings import SECRET
from tests.support.steps import ADDRESS, Bench, StepPerson, choice_ids, msgids


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path, database_url=database_url, secret_key=SECRET,
        contact_channels="webchat", request_post=True, request_post_from=RETURN_ADDRESS,
        _env_file=None,
    )  # fmt: skip


async def complete(bench: Bench, channel: Channel, *, kept: bool = True) -> tuple[StepPerson, Step]:
    person = await onboarded(bench, channel, f"{channel}-1")
    if kept:
        person_id = await person.person_id()
        assert person_id is not None
        async with bench.sessionmaker() as session, session.begin():
            assert await keep_postal_address(session, bench.vault, person_id, ADDRESS,
                                             bench.clock())  # fmt: skip
    return person, await type_all(person, await started(person))


async def posted_at(bench: Bench) -> list[object]:
    async with bench.sessionmaker() as session:
        return list(await session.scalars(select(RightsRequest.post_requested_at)))


@pytest.mark.parametrize("channel", [Channel.WEBCHAT, Channel.SMS])
async def test_here_or_by_post_and_posted(bench: Bench, channel: Channel) -> None:
    person, step = await complete(bench, channel)

    assert (step.flow, step.step) == ("rights_request", "send")
    assert msgids(step.replies[-1]) == [w.HERE_OR_POST.msgid]
    assert choice_ids(step.replies[-1]) == ["here", "post"]
    done = await person.handle(FLOW, "send", Input(choice="post"), step.data)

    assert done is not None and done.flow == "menu"
    [reply] = done.replies
    [text] = reply.texts
    assert text == w.posted(MaskedAddress.of(ADDRESS))
    street = ADDRESS.street.split()[0]
    assert text.params["address"] == f"{street} …, {ADDRESS.postcode} {ADDRESS.city}"
    assert ADDRESS.street not in str(text.params)  # no house number
    assert len(await posted_at(bench)) == 1 and (await posted_at(bench))[0] is not None


async def test_here_gives_the_letter_as_before(bench: Bench) -> None:
    person, step = await complete(bench, Channel.WEBCHAT)
    done = await person.handle(FLOW, "send", Input(choice="here"), step.data)
    assert done is not None and (done.flow, done.step) == ("rights_due", "sent-by")
    assert done.replies[0].attachment is not None  # the letter's link under the message
    assert await posted_at(bench) == [None]


async def test_on_telegram_a_third_choice(bench: Bench) -> None:
    person, step = await complete(bench, Channel.TELEGRAM)
    assert choice_ids(step.replies[-1]) == ["yes", "post", "no"]
    done = await person.handle(FLOW, "send", Input(choice="post"), step.data)
    assert done is not None and done.replies[0].attachment is None  # no document sent
    assert done.replies[0].texts == (w.posted(MaskedAddress.of(ADDRESS)),)


async def test_not_offered_without_a_kept_address(bench: Bench) -> None:
    person, step = await complete(bench, Channel.WEBCHAT, kept=False)
    assert step.flow == "rights_due"  # the letter straight away, as without posting
    forged = await person.handle(FLOW, "send", Input(choice="post"), {"request": 1, "post": True})
    assert forged is not None and msgids(forged.replies[0]) == [w.NO_LETTER.msgid]
    assert await posted_at(bench) == [None]


async def test_my_requests_says_the_letter_is_to_be_posted(bench: Bench) -> None:
    person, step = await complete(bench, Channel.WEBCHAT)
    await person.handle(FLOW, "send", Input(choice="post"), step.data)

    shown = await person.enter(HoldersFlow(), {"show": "requests"})

    line = next(t for t in shown.replies[0].texts if t.msgid.startswith("{number})"))
    assert line.params["status"].msgid == "letter to be posted"


def test_a_posted_letter_says_when() -> None:
    at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    view = RequestView(1, "azr", RequestKind.ACCESS, RequestStatus.READY, (), at, at,
                       post_requested_at=at, posted_at=at)  # fmt: skip
    status = status_words(view)
    assert isinstance(status, Text) and status.msgid == "letter posted on {date}"
    assert status.params["date"] == date(2026, 12, 2)
