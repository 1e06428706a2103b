"""The router: where conversations begin, and the words that work everywhere (menu,
help, language, STOP and START, codes), each on a real person's Context."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation import Context, Input, Step
from bot.invitations import display_code
from bot.kernel.types import Channel, Keyword
from flows.onboarding import Onboarding
from tests.support.steps import Bench, StepPerson, choice_ids, msgids

WELCOME_BACK = "Welcome back!"
STOPPED = "You will get no more messages from us by {channel}. Write “{start}” to get them again."
HELP = "Help: choose one of the buttons, or write the number of a choice."


async def routed(someone: StepPerson, decide: Callable[[Context], Step | None]) -> Step | None:
    """One of the router's (synchronous) decisions, in one step of `someone`."""

    async def act(ctx: Context) -> Step | None:
        return decide(ctx)

    return await someone.step(act)


async def onboarded(ctx: Context) -> None:
    ctx.set_language("en")
    ctx.mark_onboarded()


async def at_the_welcome(
    bench: Bench, address: str = "unit-session", channel: Channel = Channel.WEBCHAT
) -> StepPerson:
    """Someone new, at onboarding's first question."""
    someone = bench.person(address, channel=channel)
    await someone.enter(Onboarding())
    return someone


async def test_a_new_person_begins_with_onboarding(bench: Bench) -> None:
    router, someone = bench.router, bench.person()
    step = await routed(someone, lambda ctx: router.first_step(ctx, Input(start=True)))
    assert step is not None and (step.flow, step.step, step.replies) == ("onboarding", None, ())


async def test_someone_onboarded_is_welcomed_back_on_start_only(bench: Bench) -> None:
    router, someone = bench.router, bench.person()
    await someone.step(onboarded)
    start = await routed(someone, lambda ctx: router.first_step(ctx, Input(start=True)))
    assert start is not None and (start.flow, start.step) == ("menu", None)
    assert msgids(*start.replies) == [WELCOME_BACK]
    assert await routed(someone, lambda ctx: router.first_step(ctx, Input(text="hi"))) is None


async def test_codes_and_links_lead_to_the_invitation(bench: Bench) -> None:
    router, someone = bench.router, bench.person()
    code = await bench.invitation()
    typed = Input(text=f"start {display_code(code).lower()}")
    for given, expected in [
        (typed, code),
        (Input(start=True, payload=code), code),
        (Input(start=True, payload="hello"), ""),  # answered as a wrong code
    ]:
        step = await routed(someone, lambda ctx, given=given: router.first_step(ctx, given))
        assert step is not None and (step.flow, step.step) == ("invitation", None)
        assert step.data == {"code": expected}
    # A code in the middle of a conversation works too; in a long sentence it is text.
    mid = await routed(someone, lambda ctx: router.intercept(ctx, typed))
    assert mid is not None and mid.data == {"code": code}
    sentence = Input(text=f"my neighbour got {display_code(code)} in a letter")
    assert await routed(someone, lambda ctx: router.intercept(ctx, sentence)) is None


async def test_menu_leads_home(bench: Bench) -> None:
    router = bench.router
    new, known = bench.person("new"), bench.person("known")
    await known.step(onboarded)
    for someone, home in [(new, "onboarding"), (known, "menu")]:
        step = await routed(someone, lambda ctx: router.intercept(ctx, Input(text="Menü")))
        assert step is not None and (step.flow, step.step) == (home, None)


async def test_help_keeps_onboarding_open_until_it_is_done(bench: Bench) -> None:
    router = bench.router
    someone = await at_the_welcome(bench)
    stay = await routed(someone, lambda ctx: router.intercept(ctx, Input(text="HELP")))
    assert stay is not None and (stay.flow, stay.step) == ("onboarding", "welcome")
    shown, again = stay.replies
    assert msgids(shown)[0] == HELP
    assert choice_ids(again) == ["continue", "other-language"]  # the open question again
    await someone.step(onboarded)
    step = await routed(someone, lambda ctx: router.intercept(ctx, Input(text="help")))
    assert step is not None and (step.flow, step.step, step.replies) == ("help", None, ())


async def test_language_asks_in_onboarding_or_in_settings(bench: Bench) -> None:
    router = bench.router
    someone = await at_the_welcome(bench)
    asked = await routed(someone, lambda ctx: router.intercept(ctx, Input(text="Sprache")))
    assert asked is not None and (asked.flow, asked.step) == ("onboarding", "language")
    await someone.step(onboarded)
    asked = await routed(someone, lambda ctx: router.intercept(ctx, Input(text="language")))
    assert asked is not None and (asked.flow, asked.step) == ("settings", "language")
    assert len(asked.replies[0].choices) == 13


async def test_stop_and_start_on_a_phone_channel(bench: Bench) -> None:
    router = bench.router
    someone = await at_the_welcome(bench, "+4915100000001", Channel.SMS)
    stop = await routed(someone, lambda ctx: router.intercept(ctx, Input(text="STOP")))
    assert stop is not None and (stop.flow, stop.step) == ("onboarding", "welcome")
    [confirm] = stop.replies
    assert confirm.opt_out_notice and msgids(confirm) == [STOPPED]
    assert confirm.texts[0].params["start"] == Keyword("keyword-start")
    assert await someone.opted_out()
    again = await routed(someone, lambda ctx: router.intercept(ctx, Input(text="stop")))
    assert again is not None and again.replies == ()  # said once only
    start = await routed(someone, lambda ctx: router.intercept(ctx, Input(text="start")))
    assert start is not None and (start.flow, start.step) == ("onboarding", None)
    assert not await someone.opted_out()
    assert [(d.channel, d.state) for d in await someone.decisions()] == [
        ("sms", "withdrawn"),
        ("sms", "given"),
    ]


async def test_telegram_start_after_stop_opts_in_again(bench: Bench) -> None:
    router = bench.router
    someone = await at_the_welcome(bench, "4242", Channel.TELEGRAM)
    await routed(someone, lambda ctx: router.intercept(ctx, Input(text="stop")))
    assert await someone.opted_out()
    step = await routed(someone, lambda ctx: router.first_step(ctx, Input(start=True)))
    assert step is not None and step.flow == "onboarding"
    assert msgids(*step.replies) == ["Welcome back! You will get our messages by {channel} again."]
    assert not await someone.opted_out()


async def test_stop_is_no_keyword_in_the_web_chat(bench: Bench) -> None:
    router = bench.router
    someone = await at_the_welcome(bench)
    assert await routed(someone, lambda ctx: router.intercept(ctx, Input(text="stop"))) is None
    assert not await someone.opted_out()
    assert await someone.decisions() == []


async def test_unreadable_input_gets_an_answer_and_the_question_again(bench: Bench) -> None:
    router = bench.router
    someone = await at_the_welcome(bench)
    step = await routed(someone, lambda ctx: router.intercept(ctx, Input(unsupported=True)))
    assert step is not None and (step.flow, step.step) == ("onboarding", "welcome")
    sorry, again = step.replies
    assert msgids(sorry) == ["Sorry, I can only read written text. Please write your answer."]
    assert choice_ids(again) == ["continue", "other-language"]


async def test_not_understood_timed_out_and_failed(bench: Bench) -> None:
    router = bench.router
    someone = await at_the_welcome(bench)
    step = await routed(
        someone, lambda ctx: router.not_understood(ctx, "onboarding", "welcome", {})
    )
    assert step is not None and (step.flow, step.step) == ("onboarding", "welcome")
    assert msgids(step.replies[0])[0] == "Sorry, I did not understand that."
    timed_out = await routed(someone, router.timed_out)
    failed = await routed(someone, router.failed)
    assert timed_out is not None and failed is not None
    assert (timed_out.flow, failed.flow) == ("onboarding", "onboarding")
    assert msgids(*timed_out.replies) == [
        "We have not heard from you for a while, so we are starting over."
    ]
    assert msgids(*failed.replies) == [
        "Sorry, something went wrong on our side. Let us start again."
    ]
