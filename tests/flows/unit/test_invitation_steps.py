"""Connecting with an office's code: the office's consent is shown back, then confirmed
or changed by the person themselves."""

from __future__ import annotations

from sqlalchemy import select

from bot.conversation import Context, Input
from bot.db.models import Contact, Invitation
from bot.invitations import Connection, Connector, Refusal
from bot.kernel.types import Channel
from flows.invitation import InvitationFlow
from flows.onboarding import Onboarding
from tests.support.steps import (
    AT_OFFICE,
    OFFICE,
    OFFICE_NOTICE,
    PHONE,
    Bench,
    StepPerson,
    choice_ids,
    msgids,
)

FLOW = InvitationFlow()
WELCOME = "Welcome! {office} invited you to Lotse."
KEPT = (
    "{office} gave us your name and postal address for letters. We keep them only as long "
    "as you agree to letters."
)
STATE = {"channels": ["sms", "letter"], "office": OFFICE, "on": "2026-11-20"}


async def connected(bench: Bench) -> StepPerson:
    """Someone in the web chat who typed the code of a new invitation."""
    someone = bench.person()
    await someone.enter(FLOW, {"code": await bench.invitation()})
    return someone


async def letter_contacts(bench: Bench) -> list[int | None]:
    async with bench.sessionmaker() as session:
        return list(
            await session.scalars(select(Contact.person_id).where(Contact.channel == "letter"))
        )


async def test_a_code_brings_the_offices_consent_and_shows_it_back(bench: Bench) -> None:
    someone = bench.person()
    step = await someone.enter(FLOW, {"code": await bench.invitation()})
    assert (step.flow, step.step, step.data) == ("invitation", "confirm", STATE)
    said, welcome, notice, confirm = step.replies
    assert msgids(said) == ["From now on I will write to you in {language}."]
    assert msgids(welcome) == [WELCOME] and welcome.texts[0].params["office"] == OFFICE
    assert msgids(notice)[-1] == KEPT  # the letter's address was kept
    assert choice_ids(confirm) == ["confirm", "change"]
    decisions = await someone.decisions()
    assert [(d.channel, d.state, d.method) for d in decisions] == [
        ("sms", "given", "office"),
        ("letter", "given", "office"),
    ]
    assert {(d.notice_id, d.notice_version, d.recorded_at) for d in decisions} == {
        ("office-notice", OFFICE_NOTICE, AT_OFFICE)
    }
    person = await someone.view()
    assert person.language == "ar" and person.onboarded_at is None
    assert await letter_contacts(bench) == [await someone.person_id()]


async def test_confirming_makes_the_answers_the_persons_own(bench: Bench) -> None:
    someone = await connected(bench)
    step = await someone.handle(FLOW, "confirm", Input(choice="confirm"), STATE)
    assert step is not None and (step.flow, step.step) == ("menu", None)
    receipt, thanks = step.replies
    assert receipt.important and receipt.texts[0].n == 2
    assert msgids(thanks) == ["Thank you! Your choices are saved."]
    own = [(d.channel, d.method) for d in await someone.decisions()][2:]
    assert own == [("sms", "chat"), ("letter", "chat")]
    person = await someone.view()
    assert person.channel_ranking == ("sms", "letter") and person.onboarded_at is not None


async def test_changing_asks_each_channel_and_no_to_letters_forgets_the_address(
    bench: Bench,
) -> None:
    someone = await connected(bench)
    step = await someone.handle(FLOW, "confirm", Input(choice="change"), STATE)
    assert step is not None and (step.flow, step.step) == ("onboarding", "consent")
    # The office's channels first, then those this Lotse offers in the chat.
    assert step.data == {"pending": ["sms", "letter", "webchat"], "given": [], "records": []}
    onboarding = Onboarding()
    sms = await someone.handle(onboarding, "consent", Input(choice="yes"), step.data)
    assert sms is not None and sms.data["pending"] == ["letter", "webchat"]
    letter = await someone.handle(onboarding, "consent", Input(choice="no"), sms.data)
    assert letter is not None and letter.step == "consent"
    assert await letter_contacts(bench) == []
    assert [(d.channel, d.state) for d in await someone.decisions()][2:] == [
        ("sms", "given"),
        ("letter", "refused"),
    ]


async def test_a_wrong_code_is_refused_with_one_answer(bench: Bench) -> None:
    await bench.invitation()
    someone = bench.person()
    step = await someone.enter(FLOW, {"code": "ABCD2345"})
    assert (step.flow, step.step) == ("onboarding", None)
    assert msgids(*step.replies)[0].startswith("This code does not work.")
    assert await someone.decisions() == []
    assert (await someone.view()).language is None


async def test_the_same_person_again_is_welcomed_back(bench: Bench) -> None:
    code = await bench.invitation()
    someone = bench.person()
    await someone.enter(FLOW, {"code": code})
    again = await someone.enter(FLOW, {"code": code})
    assert (again.flow, again.step) == ("onboarding", None)
    assert msgids(*again.replies) == ["You are already connected. Welcome back!"]
    assert len(await someone.decisions()) == 2


async def test_a_used_code_is_no_one_elses(bench: Bench) -> None:
    code = await bench.invitation()
    await bench.person("first").enter(FLOW, {"code": code})
    other = bench.person("second")
    step = await other.enter(FLOW, {"code": code})
    assert msgids(*step.replies)[0].startswith("This code does not work.")
    assert await other.decisions() == []


async def test_the_connector_proves_a_number_only_from_that_number(bench: Bench) -> None:
    """The port reads the sender's number itself: a flow never sees it (nor the session)."""
    answers: list[Connection | Refusal] = []

    async def connect(code: str, ctx: Context) -> None:
        answers.append(await ctx.port(Connector).connect(code))

    texted, typed = await bench.invitation("AZ-1"), await bench.invitation("AZ-2")
    phone = bench.person(PHONE, channel=Channel.SMS)
    await phone.step(lambda ctx: connect(texted, ctx))
    await bench.person().step(lambda ctx: connect(typed, ctx))
    by_sms, in_chat = answers
    assert isinstance(by_sms, Connection) and isinstance(in_chat, Connection)
    assert by_sms.channels == (Channel.SMS, Channel.LETTER) and by_sms.office == OFFICE
    assert (by_sms.phone_unproven, in_chat.phone_unproven) == (False, True)
    async with bench.sessionmaker() as session:
        by = dict(
            (await session.execute(select(Invitation.reference, Invitation.connected_by))).all()
        )
    assert by == {"AZ-1": "sender", "AZ-2": "code"}
