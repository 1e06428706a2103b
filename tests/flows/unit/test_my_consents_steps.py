"""My consents: the decisions in force, and how long the history is."""

from __future__ import annotations

from bot.conversation import Context
from bot.i18n import STATE_NAMES, channel_name
from bot.kernel.types import Channel, ConsentState
from flows.my_consents import MyConsents
from tests.support.steps import Bench, msgids

FLOW = MyConsents()


async def decided(ctx: Context) -> None:
    ctx.record_consent(Channel.WEBCHAT, ConsentState.GIVEN)
    ctx.record_consent(Channel.SMS, ConsentState.GIVEN)
    ctx.record_consent(Channel.WEBCHAT, ConsentState.WITHDRAWN)


async def test_before_any_decision_it_says_so(bench: Bench) -> None:
    step = await bench.person().enter(FLOW)
    assert (step.flow, step.step) == ("menu", None)
    assert msgids(*step.replies) == ["You have not told us yet whether we may contact you."]


async def test_it_lists_the_newest_decision_per_channel_and_counts_all(bench: Bench) -> None:
    someone = bench.person()
    await someone.step(decided)
    step = await someone.enter(FLOW)
    assert (step.flow, step.step) == ("menu", None)
    [reply] = step.replies
    header, *decisions, count = reply.texts
    assert header.msgid == "Your answers now:"
    assert [(d.params["channel"], d.params["state"]) for d in decisions] == [
        (channel_name(Channel.WEBCHAT, Channel.WEBCHAT), STATE_NAMES[ConsentState.WITHDRAWN]),
        (channel_name(Channel.SMS, Channel.WEBCHAT), STATE_NAMES[ConsentState.GIVEN]),
    ]
    assert count.msgid == (
        "Your history has {n} entry. A change adds a new entry. Old entries stay as they are."
    )
    assert count.n == 3


async def test_by_sms_one_short_line_names_the_channels_as_seen_from_an_sms(
    bench: Bench,
) -> None:
    someone = bench.person("unit-sms", channel=Channel.SMS)
    await someone.step(decided)
    step = await someone.enter(FLOW)
    [reply] = step.replies
    now, count = reply.texts
    assert now.msgid == "Your consents now: {decisions}."
    assert count.msgid == "Your history has {n} entry." and count.n == 3
    line = bench.catalogs["en"].text(now)
    assert line == "Your consents now: the Lotse web chat: withdrawn, SMS (like this message): yes."
