"""Settings: language, consent per channel (with receipts), the order of contact ways."""

from __future__ import annotations

from sqlalchemy import select

from bot.conversation import Context, Input
from bot.db.models import Contact
from bot.i18n import LANGUAGES
from bot.kernel.types import Channel, ConsentState
from bot.people import keep_postal_address
from flows.settings import SettingsFlow
from tests.support.steps import ADDRESS, Bench, StepPerson, choice_ids, msgids

FLOW = SettingsFlow()
OVERVIEW = ["language", "consent", "back"]


async def consenting(bench: Bench, *channels: Channel, address: str = "unit-session") -> StepPerson:
    """Someone onboarded who said yes to `channels`, ranked in that order."""

    async def agreed(ctx: Context) -> None:
        for channel in channels:
            ctx.record_consent(channel, ConsentState.GIVEN)
        ctx.rank_channels(channels)
        ctx.set_language("en")
        ctx.mark_onboarded()

    someone = bench.person(address)
    await someone.step(agreed)
    return someone


async def test_the_order_is_offered_with_two_ways_of_contact_only(bench: Bench) -> None:
    one = await consenting(bench, Channel.WEBCHAT, address="one")
    two = await consenting(bench, Channel.WEBCHAT, Channel.SMS, address="two")
    single, double = await one.enter(FLOW), await two.enter(FLOW)
    assert (single.flow, single.step, single.data) == (
        "settings",
        "overview",
        {"can_rank": False, "has_address": False},
    )
    assert choice_ids(single.replies[0]) == OVERVIEW
    assert double.data == {"can_rank": True, "has_address": False}
    assert choice_ids(double.replies[0]) == ["language", "consent", "ranking", "back"]


async def test_a_new_language_is_stored(bench: Bench) -> None:
    someone = await consenting(bench, Channel.WEBCHAT)
    asked = await someone.handle(FLOW, "overview", Input(choice="language"))
    assert asked is not None and asked.step == "language"
    assert choice_ids(asked.replies[0]) == [f"lang:{code}" for code in LANGUAGES]
    assert await someone.handle(FLOW, "language", Input(choice="lang:xx")) is None
    step = await someone.handle(FLOW, "language", Input(choice="lang:fa"))
    assert step is not None and (step.flow, step.step) == ("menu", None)
    assert msgids(*step.replies) == ["From now on I will write to you in {language}."]
    assert (await someone.view()).language == "fa"


async def test_toggling_withdraws_and_gives_again_and_keeps_the_ranking(bench: Bench) -> None:
    someone = await consenting(bench, Channel.WEBCHAT, Channel.SMS)
    asked = await someone.handle(FLOW, "overview", Input(choice="consent"))
    assert asked is not None and asked.step == "consent"
    # The channels of this Lotse, and every other the person has answered for.
    assert asked.data == {"states": {"webchat": "given", "sms": "given"}}
    assert choice_ids(asked.replies[0]) == ["toggle:webchat", "toggle:sms", "done"]
    withdrawn = await someone.handle(FLOW, "consent", Input(choice="toggle:webchat"))
    assert withdrawn is not None and withdrawn.step == "consent"
    receipt, _ = withdrawn.replies
    assert receipt.important and receipt.texts[0].n == 1
    assert withdrawn.data == {"states": {"webchat": "withdrawn", "sms": "given"}}
    assert (await someone.view()).channel_ranking == ("sms",)
    given = await someone.handle(FLOW, "consent", Input(choice="toggle:webchat"))
    assert given is not None and given.data == {"states": {"webchat": "given", "sms": "given"}}
    assert (await someone.view()).channel_ranking == ("sms", "webchat")
    states = [(d.channel, d.state, d.method) for d in await someone.decisions()][2:]
    assert states == [("webchat", "withdrawn", "chat"), ("webchat", "given", "chat")]


async def test_withdrawing_letters_forgets_the_postal_address(bench: Bench) -> None:
    someone = await consenting(bench, Channel.WEBCHAT, Channel.LETTER)
    person_id = await someone.person_id()
    assert person_id is not None
    async with bench.sessionmaker() as session, session.begin():
        assert await keep_postal_address(session, bench.vault, person_id, ADDRESS, bench.clock())
    step = await someone.handle(FLOW, "consent", Input(choice="toggle:letter"))
    assert step is not None and step.data["states"]["letter"] == "withdrawn"
    async with bench.sessionmaker() as session:
        letters = await session.scalar(select(Contact).where(Contact.channel == "letter"))
    assert letters is None
    assert (await someone.view()).channel_ranking == ("webchat",)


async def test_ranking_again_saves_the_new_order(bench: Bench) -> None:
    someone = await consenting(bench, Channel.WEBCHAT, Channel.SMS)
    asked = await someone.handle(FLOW, "overview", Input(choice="ranking"))
    assert asked is not None and asked.step == "rank"
    assert asked.data == {"ranked": [], "remaining": ["webchat", "sms"]}
    assert await someone.handle(FLOW, "rank", Input(choice="rank:letter"), asked.data) is None
    step = await someone.handle(FLOW, "rank", Input(choice="rank:sms"), asked.data)
    assert step is not None and (step.flow, step.step) == ("settings", "overview")
    assert msgids(step.replies[0]) == ["Saved. We will contact you in this order: {channels}."]
    assert (await someone.view()).channel_ranking == ("sms", "webchat")


async def test_done_back_and_anything_else(bench: Bench) -> None:
    someone = await consenting(bench, Channel.WEBCHAT)
    done = await someone.handle(FLOW, "consent", Input(choice="done"))
    assert done is not None and (done.flow, done.step) == ("settings", "overview")
    back = await someone.handle(FLOW, "overview", Input(choice="back"))
    assert back is not None and (back.flow, back.step) == ("menu", None)
    assert await someone.handle(FLOW, "overview", Input(text="language")) is None
    assert await someone.handle(FLOW, "consent", Input(choice="webchat")) is None
    assert len(await someone.decisions()) == 1
