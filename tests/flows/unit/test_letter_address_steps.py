"""Correcting the address for letters, part by part: each saved at once with a receipt
that shows the address masked; a wrong line changes nothing; each correction is in the
access log as the person's own action, on the channel they used."""

from __future__ import annotations

from dataclasses import replace

from bot.audit import Category, Role, access_history
from bot.conversation import Context, Input
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel, ConsentState
from bot.people import keep_postal_address, postal_address
from flows.letter_address import LetterAddress
from flows.settings import SettingsFlow
from tests.support.steps import ADDRESS, Bench, StepPerson, choice_ids, msgids

FLOW = LetterAddress()
PARTS = ["name", "street", "extra", "place", "done"]
SHOWN = "Letters go to: {street} …, {postcode} {city}."


async def with_address(bench: Bench, address: PostalAddress | None = ADDRESS) -> StepPerson:
    """Someone onboarded who agreed to letters, their address kept (if one is given)."""

    async def agreed(ctx: Context) -> None:
        ctx.record_consent(Channel.LETTER, ConsentState.GIVEN)
        ctx.set_language("en")
        ctx.mark_onboarded()

    someone = bench.person(channel=Channel.SMS, address="+4915112345678")
    await someone.step(agreed)
    person_id = await someone.person_id()
    assert person_id is not None
    if address is not None:
        async with bench.sessionmaker() as session, session.begin():
            assert await keep_postal_address(
                session, bench.vault, person_id, address, bench.clock()
            )
    return someone


async def stored(bench: Bench, someone: StepPerson) -> PostalAddress | None:
    person_id = await someone.person_id()
    assert person_id is not None
    async with bench.sessionmaker() as session:
        return await postal_address(session, bench.vault, person_id)


async def test_without_an_address_there_is_nothing_to_correct(bench: Bench) -> None:
    someone = await with_address(bench, None)
    step = await someone.enter(FLOW)
    assert (step.flow, step.step) == ("settings", None)
    assert msgids(*step.replies) == [
        "Lotse keeps no address for letters for you. Only an office that invites you can give "
        "us one, with your consent."
    ]
    overview = await someone.enter(SettingsFlow())
    assert "address" not in choice_ids(overview.replies[0])


async def test_settings_offer_the_address_and_show_it_masked(bench: Bench) -> None:
    someone = await with_address(bench)
    overview = await someone.enter(SettingsFlow())
    assert choice_ids(overview.replies[0]) == ["language", "consent", "address", "back"]
    step = await someone.enter(FLOW)
    assert (step.flow, step.step) == ("letter_address", "parts")
    [reply] = step.replies
    assert choice_ids(reply) == PARTS
    shown = reply.texts[0]
    assert shown.msgid == SHOWN
    # The street without its number; never the name.
    assert shown.params == {"street": "Hauptstraße", "postcode": "12345", "city": "Musterstadt"}


async def test_a_new_street_is_saved_with_a_masked_receipt(bench: Bench) -> None:
    someone = await with_address(bench)
    asked = await someone.handle(FLOW, "parts", Input(choice="street"))
    assert asked is not None and asked.step == "street"
    assert choice_ids(asked.replies[0]) == ["cancel"]
    saved = await someone.handle(FLOW, "street", Input(text="  Neue   Allee 7b "))
    assert saved is not None and saved.step == "parts"
    [reply] = saved.replies
    assert msgids(reply)[:2] == ["Saved.", SHOWN]
    assert reply.texts[1].params["street"] == "Neue Allee"
    assert await stored(bench, someone) == replace(ADDRESS, street="Neue Allee 7b")


async def test_a_move_changes_street_and_place_and_can_drop_the_extra_line(bench: Bench) -> None:
    someone = await with_address(bench, replace(ADDRESS, extra="c/o Nachbar"))
    await someone.handle(FLOW, "street", Input(text="Ringstraße 3"))
    await someone.handle(FLOW, "place", Input(text="D-04109, Leipzig"))
    await someone.handle(FLOW, "extra", Input(choice="remove"))
    await someone.handle(FLOW, "name", Input(text="Amal Haddad-Nour"))
    assert await stored(bench, someone) == PostalAddress(
        "Amal Haddad-Nour", "Ringstraße 3", "04109", "Leipzig"
    )


async def test_a_wrong_line_is_explained_and_changes_nothing(bench: Bench) -> None:
    someone = await with_address(bench)
    cases = [
        ("street", "Hauptstraße", "Please add the house number, for example: Seestraße 12."),
        ("place", "Berlin", "Please write the five-digit postcode first, then the town, for "
                            "example: 12345 Berlin."),
        ("name", "Amal\u202eHaddad", "That contains characters a letter cannot show. Please "
                                     "write it again."),
        ("extra", "x" * 201, "That is too long for an envelope. Please write one shorter line."),
        ("name", "   ", "That was empty. Please write it again."),
    ]  # fmt: skip
    for part, text, problem in cases:
        step = await someone.handle(FLOW, part, Input(text=text))
        assert step is not None and (step.flow, step.step) == ("letter_address", part)
        assert msgids(*step.replies)[0] == problem
    assert await stored(bench, someone) == ADDRESS


async def test_cancel_and_choices_where_text_is_asked_change_nothing(bench: Bench) -> None:
    someone = await with_address(bench)
    back = await someone.handle(FLOW, "street", Input(choice="cancel"))
    assert back is not None and back.step == "parts"
    assert await someone.handle(FLOW, "street", Input(choice="remove")) is None
    assert await someone.handle(FLOW, "parts", Input(text="Hauptstraße 2")) is None
    done = await someone.handle(FLOW, "parts", Input(choice="done"))
    assert done is not None and (done.flow, done.step) == ("settings", None)
    assert await stored(bench, someone) == ADDRESS


async def test_an_address_that_is_another_persons_is_refused(bench: Bench) -> None:
    other = replace(ADDRESS, name="Someone Else", street="Am Markt 1")
    neighbour = bench.person(channel=Channel.SMS, address="+4915199999999")
    await neighbour.step(lambda ctx: _onboard(ctx))
    neighbour_id = await neighbour.person_id()
    assert neighbour_id is not None
    async with bench.sessionmaker() as session, session.begin():
        assert await keep_postal_address(session, bench.vault, neighbour_id, other, bench.clock())
    someone = await with_address(bench, replace(other, street="Am Markt 2"))
    step = await someone.handle(FLOW, "street", Input(text="Am Markt 1"))
    assert step is not None and (step.flow, step.step) == ("settings", None)
    assert msgids(*step.replies) == [
        "We could not save this address. Please ask the office that invited you to correct it."
    ]
    assert await stored(bench, someone) == replace(other, street="Am Markt 2")


async def _onboard(ctx: Context) -> None:
    ctx.mark_onboarded()


async def test_corrections_are_the_persons_own_entries_in_the_access_log(bench: Bench) -> None:
    someone = await with_address(bench)
    person_id = await someone.person_id()
    assert person_id is not None
    await someone.handle(FLOW, "name", Input(text="Amal Haddad-Nour"))
    bench.clock.advance(seconds=30)
    await someone.handle(SettingsFlow(), "language", Input(choice="lang:ar"))
    async with bench.sessionmaker() as session:
        page = await access_history(session, person_id)
    # The first answers while onboarding are no correction: only the two changes count.
    assert [(line.role, line.action, line.categories, line.via) for line in page.lines] == [
        (Role.PERSON, "person.change", (Category.LANGUAGE,), "sms"),
        (Role.PERSON, "person.change", (Category.POSTAL_ADDRESS, Category.NAME), "sms"),
    ]
