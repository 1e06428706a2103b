"""Onboarding, step by step: language, the notice, consent per channel, ranking."""

from __future__ import annotations

from typing import Any

from bot.conversation import Input
from bot.i18n import CHANNEL_NAMES, LANGUAGES
from bot.kernel.types import Channel
from flows.onboarding import Onboarding
from tests.support.steps import OPERATOR, Bench, StepPerson, choice_ids, msgids

FLOW = Onboarding()
RECEIPT = "Confirmation: we have saved {n} answer."
THANKS = "Thank you! Your choices are saved."
SAVED = "Saved. We will contact you in this order: {channels}."


def asking(*pending: str) -> dict[str, Any]:
    return {"pending": list(pending), "given": [], "records": []}


async def english(bench: Bench) -> StepPerson:
    """Someone whose browser speaks English, at the welcome."""
    someone = bench.person(hints=("en",))
    await someone.enter(FLOW)
    return someone


async def test_without_a_hint_the_language_comes_first(bench: Bench) -> None:
    someone = bench.person(hints=())
    step = await someone.enter(FLOW)
    assert (step.flow, step.step) == ("onboarding", "language")
    assert choice_ids(step.replies[0]) == [f"lang:{code}" for code in LANGUAGES]
    assert (await someone.view()).language is None


async def test_a_hint_sets_the_language_and_welcomes(bench: Bench) -> None:
    someone = bench.person(hints=("uk", "en"))
    step = await someone.enter(FLOW)
    assert (step.flow, step.step) == ("onboarding", "welcome")
    assert msgids(*step.replies) == ["Hello! I am Lotse. I will write to you in {language}."]
    assert choice_ids(step.replies[0]) == ["continue", "other-language"]
    assert (await someone.view()).language == "uk"


async def test_a_chosen_language_is_stored_and_the_notice_follows(bench: Bench) -> None:
    someone = bench.person(hints=())
    step = await someone.handle(FLOW, "language", Input(choice="lang:ar"))
    assert step is not None and (step.flow, step.step) == ("onboarding", "about")
    said, notice = step.replies
    assert msgids(said) == ["From now on I will write to you in {language}."]
    assert notice.texts[0].params["operator"] == OPERATOR.name
    assert choice_ids(notice) == ["continue", "other-language"]
    assert (await someone.view()).language == "ar"


async def test_anything_but_a_language_is_not_understood(bench: Bench) -> None:
    someone = bench.person(hints=())
    assert await someone.handle(FLOW, "language", Input(choice="lang:xx")) is None
    assert await someone.handle(FLOW, "language", Input(text="English")) is None
    assert (await someone.view()).language is None


async def test_welcome_and_notice_lead_on_or_back_to_the_languages(bench: Bench) -> None:
    someone = await english(bench)
    on = await someone.handle(FLOW, "welcome", Input(choice="continue"))
    back = await someone.handle(FLOW, "about", Input(choice="other-language"))
    asked = await someone.handle(FLOW, "about", Input(choice="continue"))
    assert on is not None and back is not None and asked is not None
    assert (on.step, back.step, asked.step) == ("about", "language", "consent")
    # The channels of this Lotse are asked one by one.
    assert asked.data == asking(*(c.value for c in bench.settings.contact_channels))
    assert choice_ids(asked.replies[0]) == ["yes", "no"]
    assert await someone.handle(FLOW, "welcome", Input(text="hello")) is None


async def test_yes_to_the_only_channel_records_consent_and_finishes(bench: Bench) -> None:
    someone = await english(bench)
    step = await someone.handle(FLOW, "consent", Input(choice="yes"), asking("webchat"))
    assert step is not None and (step.flow, step.step) == ("menu", None)
    receipt, thanks = step.replies
    assert receipt.important and msgids(receipt)[0] == RECEIPT
    assert msgids(thanks) == [THANKS]
    [decision] = await someone.decisions()
    assert (decision.purpose, decision.channel, decision.state, decision.method) == (
        "contact", "webchat", "given", "chat",
    )  # fmt: skip
    assert decision.notice_language == "en"
    person = await someone.view()
    assert person.channel_ranking == ("webchat",) and person.onboarded_at is not None


async def test_no_to_every_channel_is_fine_and_ranks_nothing(bench: Bench) -> None:
    someone = await english(bench)
    step = await someone.handle(FLOW, "consent", Input(choice="no"), asking("webchat"))
    assert step is not None and step.flow == "menu"
    assert msgids(*step.replies)[-2:] == [
        "You said no to being contacted. That is fine: you can still use Lotse here, and "
        "change your mind at any time.",
        THANKS,
    ]
    assert [d.state for d in await someone.decisions()] == ["refused"]
    person = await someone.view()
    assert person.channel_ranking == () and person.onboarded_at is not None


async def test_two_yeses_lead_to_ranking_them(bench: Bench) -> None:
    someone = await english(bench)
    first = await someone.handle(FLOW, "consent", Input(choice="yes"), asking("webchat", "sms"))
    assert first is not None and first.step == "consent"
    assert first.data["pending"] == ["sms"] and first.data["given"] == ["webchat"]
    assert first.replies[0].texts[0].params["channel"] == CHANNEL_NAMES[Channel.SMS]
    second = await someone.handle(FLOW, "consent", Input(choice="yes"), first.data)
    assert second is not None and (second.flow, second.step) == ("onboarding", "rank")
    receipt, rank = second.replies
    assert receipt.texts[0].n == 2
    assert choice_ids(rank) == ["rank:webchat", "rank:sms"]
    assert (await someone.view()).onboarded_at is None  # not done before the ranking
    done = await someone.handle(FLOW, "rank", Input(choice="rank:sms"), second.data)
    assert done is not None and (done.flow, done.step) == ("menu", None)
    assert msgids(*done.replies) == [SAVED, THANKS]
    person = await someone.view()
    assert person.channel_ranking == ("sms", "webchat") and person.onboarded_at is not None
    assert [(d.channel, d.state) for d in await someone.decisions()] == [
        ("webchat", "given"), ("sms", "given"),
    ]  # fmt: skip


async def test_an_answer_that_is_no_choice_records_nothing(bench: Bench) -> None:
    someone = await english(bench)
    assert await someone.handle(FLOW, "consent", Input(text="maybe"), asking("webchat")) is None
    ranking = {"ranked": [], "remaining": ["webchat", "sms"]}
    assert await someone.handle(FLOW, "rank", Input(choice="rank:letter"), ranking) is None
    assert await someone.decisions() == []
    assert (await someone.view()).onboarded_at is None


async def test_each_channel_is_named_as_seen_from_the_channel_in_use(bench: Bench) -> None:
    """The web chat is "this web chat" only in the web chat; in an SMS it is "the Lotse
    web chat", and SMS is "SMS (like this message)"."""
    en = bench.catalogs["en"]
    for channel, webchat, sms in (
        (Channel.WEBCHAT, "this web chat", "SMS (text message)"),
        (Channel.SMS, "the Lotse web chat", "SMS (like this message)"),
    ):
        someone = bench.person(f"names-{channel.value}", channel=channel, hints=("en",))
        await someone.enter(FLOW)
        for asked, name in ((Channel.WEBCHAT, webchat), (Channel.SMS, sms)):

            async def question(ctx: Any, asked: Channel = asked) -> str:
                return en.text(FLOW.prompt(ctx, "consent", asking(asked.value)).texts[0])

            assert f"by {name}" in await someone.read(question), (channel, asked)
