"""Connecting with an invitation: proof, limits on guessing, one answer for every wrong
code, and an invitation taken back from a guesser by its owner."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from bot.db.models import Contact, Invitation, InvitationEvent
from bot.invitations.codes import CODE_ALPHABET, code_of, token_of
from bot.invitations.connect import (
    CLIENT_LIMIT,
    DAILY_LIMIT,
    HOURLY_LIMIT,
    SESSION_LIMIT,
    Connected,
    Proof,
    Refusal,
)
from bot.invitations.follow_up import remind_and_expire
from bot.kernel.types import Channel
from bot.runtime.services import Services
from tests.support.clock import Clock
from tests.support.connect import PHONE, attempt, office_and_invitation, person_on


def random_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


async def test_a_typed_code_connects_but_never_pulls_in_the_phone_number(
    services: Services, clock: Clock
) -> None:
    invitation = await office_and_invitation(services, clock)
    person, session_key = await person_on(services, Channel.WEBCHAT, "chat-token-1")
    code = code_of(services.vault, invitation)

    result = await attempt(services, clock, code, person, session_key)

    assert isinstance(result, Connected) and result.proof is Proof.CODE
    assert result.phone_unproven and result.kept_postal  # the letter's code proves the letter
    async with services.sessionmaker() as session:
        channels = sorted(
            c.channel
            for c in await session.scalars(select(Contact).where(Contact.person_id == person))
        )
    assert channels == ["letter", "webchat"]  # no "sms": the number was not proven


async def test_the_code_texted_from_the_invited_number_is_proof(
    services: Services, clock: Clock
) -> None:
    invitation = await office_and_invitation(services, clock, (Channel.SMS, Channel.WHATSAPP))
    person, session_key = await person_on(services, Channel.SMS, PHONE)

    result = await attempt(services, clock, code_of(services.vault, invitation), person,
                           session_key, channel=Channel.SMS, phone=PHONE, client=None)  # fmt: skip

    assert isinstance(result, Connected) and result.proof is Proof.SENDER
    assert not result.phone_unproven
    async with services.sessionmaker() as session:
        channels = sorted(
            c.channel
            for c in await session.scalars(select(Contact).where(Contact.person_id == person))
        )
    assert channels == ["sms", "whatsapp"]  # the proven number, on both phone channels


async def test_a_guesser_cannot_join_the_owner_who_takes_the_invitation_back(
    services: Services, clock: Clock
) -> None:
    """The sequence an outside review found: a guessed code in an anonymous web chat,
    then the real person texting the same code. Two people never share one record."""
    invitation = await office_and_invitation(services, clock)
    code = code_of(services.vault, invitation)
    guesser, chat = await person_on(services, Channel.WEBCHAT, "guesser-session")
    owner, sms = await person_on(services, Channel.SMS, PHONE)

    guessed = await attempt(services, clock, code, guesser, chat)
    assert isinstance(guessed, Connected) and guessed.proof is Proof.CODE
    clock.advance(minutes=10)
    taken_back = await attempt(services, clock, code, owner, sms, channel=Channel.SMS,
                               phone=PHONE, client=None)  # fmt: skip

    assert isinstance(taken_back, Connected) and taken_back.reclaimed
    assert taken_back.proof is Proof.SENDER and taken_back.kept_postal
    async with services.sessionmaker() as session:
        stored = await session.get(Invitation, invitation.id)
        contacts = {(c.person_id, c.channel) for c in await session.scalars(select(Contact))}
        events = [e.status for e in await session.scalars(
            select(InvitationEvent).where(InvitationEvent.invitation_id == invitation.id)
            .order_by(InvitationEvent.id))]  # fmt: skip
    assert stored is not None and (stored.person_id, stored.connected_by) == (owner, "sender")
    assert contacts == {(guesser, "webchat"), (owner, "sms"), (owner, "letter")}
    assert events[-2:] == ["connected", "reclaimed"]
    # The guesser's later tries get the answer everybody gets.
    assert await attempt(services, clock, code, guesser, chat) is Refusal.INVALID


async def test_the_link_token_proves_the_letter_and_takes_back_a_typed_connection(
    services: Services, clock: Clock
) -> None:
    invitation = await office_and_invitation(services, clock, (Channel.LETTER,))
    guesser, chat = await person_on(services, Channel.WEBCHAT, "guess")
    owner, owner_chat = await person_on(services, Channel.WEBCHAT, "owner")
    await attempt(services, clock, code_of(services.vault, invitation), guesser, chat)

    result = await attempt(services, clock, token_of(services.vault, invitation), owner,
                           owner_chat, client="c2")  # fmt: skip

    assert isinstance(result, Connected) and result.proof is Proof.TOKEN and result.reclaimed
    assert result.kept_postal  # the letter contact went with it
    # Tapping the link again is fine; a typed code by someone else is not.
    again = await attempt(services, clock, token_of(services.vault, invitation), owner, owner_chat)
    assert isinstance(again, Connected) and again.again


async def test_without_proof_unknown_expired_and_used_codes_get_one_answer(
    services: Services, clock: Clock
) -> None:
    used = await office_and_invitation(services, clock)
    expiring = await office_and_invitation(services, clock)
    owner, owner_chat = await person_on(services, Channel.WEBCHAT, "owner")
    await attempt(services, clock, token_of(services.vault, used), owner, owner_chat)  # proven
    clock.advance(days=services.settings.invitation_valid_days + 1)
    await remind_and_expire(services.sessionmaker, services.invitations, clock())
    stranger, chat = await person_on(services, Channel.WEBCHAT, "stranger")

    answers = {
        name: await attempt(services, clock, code, stranger, chat, client=f"c-{name}")
        for name, code in (
            ("unknown", random_code()),
            ("expired", code_of(services.vault, expiring)),
            ("used", code_of(services.vault, used)),
        )
    }
    assert answers == dict.fromkeys(answers, Refusal.INVALID)
    # With proof the person learns what happened.
    token = token_of(services.vault, expiring)
    assert await attempt(services, clock, token, stranger, chat) is Refusal.EXPIRED
    owner_token = token_of(services.vault, used)
    assert await attempt(services, clock, owner_token, stranger, chat) is Refusal.USED


async def test_one_session_may_get_five_codes_wrong(services: Services, clock: Clock) -> None:
    invitation = await office_and_invitation(services, clock)
    person, chat = await person_on(services, Channel.WEBCHAT, "typo-session")
    for n in range(SESSION_LIMIT.most):
        assert await attempt(services, clock, random_code(), person, chat, client=f"c{n}") is (
            Refusal.INVALID
        )
    right = code_of(services.vault, invitation)
    assert await attempt(services, clock, right, person, chat, client="c-new") is Refusal.TOO_MANY
    clock.advance(hours=24, seconds=1)
    assert isinstance(await attempt(services, clock, right, person, chat), Connected)


async def test_one_client_address_may_get_ten_codes_wrong(services: Services, clock: Clock) -> None:
    """Shared accommodation behind one address: each person's typos count together."""
    person, _ = await person_on(services, Channel.WEBCHAT, "someone")
    for n in range(CLIENT_LIMIT.most):
        assert await attempt(services, clock, random_code(), person, f"s{n}", client="wifi") is (
            Refusal.INVALID
        )
    assert await attempt(services, clock, random_code(), person, "s-new", client="wifi") is (
        Refusal.TOO_MANY
    )
    # Another address is not affected; an hour later this one may try again.
    assert await attempt(services, clock, random_code(), person, "s-x", client="other") is (
        Refusal.INVALID
    )
    clock.advance(hours=1, seconds=1)
    assert await attempt(services, clock, random_code(), person, "s-y", client="wifi") is (
        Refusal.INVALID
    )


async def test_when_everyone_s_budget_is_used_up_proof_still_connects(
    services: Services, clock: Clock
) -> None:
    """An attacker with many addresses uses up the shared budget: typed codes wait, but
    the link token and the code texted from the invited number still work at once."""
    by_token = await office_and_invitation(services, clock)
    by_sms = await office_and_invitation(services, clock)
    person, _ = await person_on(services, Channel.WEBCHAT, "attacker")
    for n in range(HOURLY_LIMIT.most):
        await attempt(services, clock, random_code(), person, f"s{n}", client=f"c{n}")
    victim, chat = await person_on(services, Channel.WEBCHAT, "real-person")
    typed = code_of(services.vault, by_token)
    assert await attempt(services, clock, typed, victim, chat, client="home") is Refusal.TOO_MANY

    token = token_of(services.vault, by_token)
    assert isinstance(await attempt(services, clock, token, victim, chat, client="home"), Connected)
    texter, sms = await person_on(services, Channel.SMS, PHONE)
    texted = await attempt(services, clock, code_of(services.vault, by_sms), texter, sms,
                           channel=Channel.SMS, phone=PHONE, client=None)  # fmt: skip
    assert isinstance(texted, Connected) and texted.proof is Proof.SENDER


async def test_the_daily_budget_holds_a_slow_attack(services: Services, clock: Clock) -> None:
    person, _ = await person_on(services, Channel.WEBCHAT, "slow")
    tried = 0
    for hour in range(24):
        for n in range(HOURLY_LIMIT.most):
            if await attempt(services, clock, random_code(), person, f"s{hour}-{n}",
                             client=f"c{hour}-{n}") is Refusal.INVALID:  # fmt: skip
                tried += 1
        clock.advance(hours=1)
    assert tried == DAILY_LIMIT.most


async def test_a_guessing_run_from_one_client_is_refused_long_before_a_hit(
    services: Services, clock: Clock
) -> None:
    """The review's run: 1,800 guesses from one client, a new session for each."""
    guesses = 1800
    await office_and_invitation(services, clock)
    person, _ = await person_on(services, Channel.WEBCHAT, "guesser")
    answers = [
        await attempt(services, clock, random_code(), person, f"s{n}", client="guesser")
        for n in range(guesses)
    ]
    assert answers.count(Refusal.INVALID) == CLIENT_LIMIT.most
    assert answers.count(Refusal.TOO_MANY) == guesses - CLIENT_LIMIT.most
