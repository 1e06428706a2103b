"""The transfer flow where transfers are off, where a code is typed first thing, and a
person's code going with their erasure."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.config import Settings
from bot.conversation import Context, Input
from bot.db.models import TransferCode
from bot.i18n import Catalogs
from bot.transfer import Item, Transfers
from flows.router import code_step
from flows.transfer import NOT_CONFIGURED, TransferFlow
from tests.support.clock import Clock
from tests.support.steps import Bench, msgids

FLOW = TransferFlow()


async def test_off_unless_configured_and_the_person_is_told(bench: Bench) -> None:
    someone = bench.person()
    for mode in ("in", "out"):
        step = await someone.enter(FLOW, {"mode": mode})
        assert msgids(*step.replies) == [NOT_CONFIGURED.msgid]
        assert step.flow == "onboarding"  # not onboarded yet: back to the start
    step = await someone.enter(FLOW, {"code": "KOELN-2345-6789-ABCD"})
    assert msgids(*step.replies) == [NOT_CONFIGURED.msgid]


async def test_no_claim_door_on_an_installation_without_transfers(
    client: TestClient[object, object],
) -> None:
    response = await client.post("/transfer/v1/claim", json={"payload": {}, "signature": {}})
    assert response.status == 404


def test_a_typed_transfer_code_goes_to_transfers_an_invitation_code_to_invitations() -> None:
    step = code_step(Input(text="koeln-7kq2-9xw4-m3pa"))
    assert step is not None and (step.flow, dict(step.data)) == (
        "transfer", {"code": "KOELN-7KQ2-9XW4-M3PA"})  # fmt: skip
    step = code_step(Input(text="K7QF-9M2X"))
    assert step is not None and (step.flow, dict(step.data)) == ("invitation", {"code": "K7QF9M2X"})
    assert code_step(Input(text="Hello, how are you?")) is None


def test_a_fetched_result_goes_to_transfers_before_any_invitation_payload() -> None:
    step = code_step(Input(payload="transfer-result:42"))
    assert step is not None and (step.flow, dict(step.data)) == ("transfer", {"result": 42})
    # Anything else after the prefix is an invitation payload (answered as a wrong code).
    for payload in ("transfer-result:", "transfer-result:4x", "transfer-result:-1"):
        step = code_step(Input(payload=payload))
        assert step is not None and step.flow == "invitation", payload
    # Typed as text it is no payload, so no result (here it has a connect code's shape).
    typed = code_step(Input(text="transfer-result:42"))
    assert typed is None or "result" not in typed.data


@pytest.fixture
async def configured(settings: Settings, clock: Clock, catalogs: Catalogs) -> AsyncIterator[Bench]:
    built = Bench(settings.model_copy(update={"transfer_id": "koeln"}), clock, catalogs)
    yield built
    await built.close()


async def codes(bench: Bench) -> int:
    async with bench.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(TransferCode)) or 0)


async def issue(ctx: Context) -> None:
    assert await ctx.port(Transfers).issue([Item.LANGUAGE]) is not None


async def erase(ctx: Context) -> None:
    await ctx.erase()


async def test_a_code_goes_with_the_persons_erasure(configured: Bench) -> None:
    someone, other = configured.person(), configured.person("another-session")
    await someone.step(issue)
    await other.step(issue)
    await someone.step(issue)  # asking again replaces the code: still one each
    assert await codes(configured) == 2
    await someone.step(erase)
    assert await codes(configured) == 1
