"""A person takes their data from Köln to Bonn: two real installations over HTTP(S),
each its own database; the code asked for in Köln's web chat, typed in Bonn's web chat
or by SMS; both access logs; consent asked again in Bonn. Bad codes and bad peers
change nothing and get a clear answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.db.models import ConsentRecord, Person, TransferCode
from bot.runtime.services import Services
from tests.support.factories import ChatPerson
from tests.support.flows import onboard
from tests.support.transfer import bring, chat, code_in, fetched, log_entries, shown
from tests.support.twilio import Phone
from tests.transfer.conftest import Pair

TOOK = "Lotse Köln sent the data you chose to bring along."
AGREED_THERE = "At Lotse Köln you agreed to be contacted by:"
SAVED = "Thank you! Your choices are saved."


async def leaving(pair: Pair, lang: str = "en", take: str = "take-all") -> tuple[ChatPerson, str]:
    """Someone in Köln's web chat who agreed to SMS and web chat (SMS first), and their code."""
    person = chat(pair.at_koeln, pair.koeln)
    await person.open(language=lang)
    await onboard(person, ["yes", "yes"])
    await person.choose("rank:sms")
    await person.choose("my_data")
    await person.choose("move")
    assert person.offered == ["transfer-out", "transfer-in", "back"]
    await person.choose("transfer-out")
    assert person.offered == ["take-all", "take-language", "back"]
    return person, code_in(await person.choose(take))


async def arriving(pair: Pair, lang: str = "en") -> ChatPerson:
    person = chat(pair.at_bonn, pair.bonn)
    await person.open(language=lang)
    return person


async def people(services: Services) -> list[Person]:
    async with services.sessionmaker() as session:
        return list(await session.scalars(select(Person).order_by(Person.id)))


async def consents(services: Services) -> int:
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(ConsentRecord)) or 0)


async def test_web_chat_to_web_chat_with_consent_asked_again(pair: Pair) -> None:
    leaver, code = await leaving(pair)
    assert code.startswith("KOELN-")
    arrival = await arriving(pair, "de")
    waiting = shown(await arrival.say(code))
    # Answered at once, in the language of the chat so far; the claim follows the step.
    assert "Wir holen Ihre Daten von Lotse Köln. Das dauert einen Moment." in waiting
    assert await log_entries(pair.koeln, "transfer.sent") == []
    replies = shown(await fetched(pair.bonn, arrival))
    # The language came along: from here on Bonn writes in English.
    assert "From now on I will write to you in English." in replies
    assert TOOK in replies
    assert "Lotse is a free service" in replies  # someone new here: the notice first
    assert f"{AGREED_THERE} SMS (text message), this web chat." in replies
    assert "Consent does not move with your data, so we ask you again here." in replies
    assert arrival.offered == ["same", "choose"]
    assert SAVED in shown(await arrival.choose("same"))

    [person] = await people(pair.bonn)
    assert person.language == "en" and person.onboarded_at is not None
    assert person.channel_ranking == ["sms", "webchat"]
    async with pair.bonn.sessionmaker() as session:
        records = list(await session.scalars(select(ConsentRecord)))
    # Asked here and answered here: the person's own answers in this chat.
    assert sorted((r.channel, r.state, r.method) for r in records) == [
        ("sms", "given", "chat"), ("webchat", "given", "chat")]  # fmt: skip

    [received] = await log_entries(pair.bonn, "transfer.received")
    assert (received.person_id, received.role, received.actor, received.detail) == (
        person.id, "peer", "peer:koeln", "Lotse Köln")  # fmt: skip
    assert received.categories == ["language", "contact", "consent"]
    [sent] = await log_entries(pair.koeln, "transfer.sent")
    [koeln_person] = await people(pair.koeln)
    assert (sent.person_id, sent.actor, sent.detail) == (koeln_person.id, "peer:bonn", "Lotse Bonn")

    # Both people see it in "Who looked at my data".
    await leaver.choose("my_data")
    there = shown(await leaver.choose("history"))
    assert "Lotse Bonn (another Lotse) received the data you chose to take along." in there
    assert "Data: language, contact channels, consent." in there
    await arrival.choose("my_data")
    here = shown(await arrival.choose("history"))
    assert "Lotse Köln (another Lotse) sent the data you chose to bring along." in here

    # The code worked once: someone else typing it gets a clear answer and nothing.
    before = await consents(pair.bonn)
    other = await arriving(pair)
    again = await bring(pair.bonn, other, code)
    assert "This transfer code was already used: it works only once." in again
    assert await consents(pair.bonn) == before
    assert len(await log_entries(pair.bonn, "transfer.received")) == 1


async def test_only_the_language_and_choosing_anew(pair: Pair) -> None:
    _, code = await leaving(pair, lang="uk", take="take-language")
    arrival = await arriving(pair)
    await arrival.choose("continue")  # into onboarding, then the code from My data
    await arrival.choose("continue")
    await onboard_rest(arrival)
    await arrival.choose("my_data")
    await arrival.choose("move")
    await arrival.choose("transfer-in")
    assert arrival.offered == ["back"]
    replies = await bring(pair.bonn, arrival, code)
    [person] = await people(pair.bonn)
    assert person.language == "uk"  # applied; no channels came, so no question
    assert AGREED_THERE not in replies and "Lotse" in replies
    [sent] = await log_entries(pair.koeln, "transfer.sent")
    assert sent.categories == ["language"]


async def onboard_rest(person: ChatPerson) -> list[dict[str, Any]]:
    """Answer the consent questions of Bonn (web chat, SMS): yes to the chat only."""
    await person.choose("yes")
    return await person.choose("no")


async def test_by_sms_the_typed_code_and_the_confirmation(pair: Pair) -> None:
    _, code = await leaving(pair)
    phone = Phone(pair.bonn_sms, "+4915177777777")
    waiting = await phone.say(code.lower().replace("-", " "))
    assert "Wir holen Ihre Daten von Lotse Köln." in waiting and TOOK not in waiting  # German first
    seen = len(pair.bonn_sms.fake.to(phone.address))
    await pair.bonn.transfers.process_pending()
    await pair.bonn_sms.dispatch()
    first = "\n".join(m.body or "" for m in pair.bonn_sms.fake.to(phone.address)[seen:])
    assert TOOK in first and AGREED_THERE in first
    assert "1." in first and "2." in first  # the two answers, numbered
    assert SAVED in await phone.say("1")
    [person] = await people(pair.bonn)
    assert person.channel_ranking == ["sms", "webchat"] and person.language == "en"
    [received] = await log_entries(pair.bonn, "transfer.received")
    assert received.person_id == person.id


async def test_asking_again_replaces_the_code_and_an_old_code_expires(pair: Pair) -> None:
    leaver, first = await leaving(pair)
    await leaver.choose("my_data")
    await leaver.choose("move")
    await leaver.choose("transfer-out")
    given = await leaver.choose("take-all")
    second = code_in(given)
    assert second != first
    # 72 hours, in the installation's time zone (Europe/Berlin), to the minute.
    assert "It works once, until Nov 26, 2026, 10:00:00 AM." in shown(given)
    async with pair.koeln.sessionmaker() as session:
        rows = list(await session.scalars(select(TransferCode)))
    # One live code, kept only as a keyed hash.
    assert len(rows) == 1 and second.split("-", 1)[1].replace("-", "") not in rows[0].code_index
    arrival = await arriving(pair)
    await arrival.choose("continue")
    await arrival.choose("continue")
    await onboard_rest(arrival)
    await arrival.choose("my_data")
    await arrival.choose("move")
    await arrival.choose("transfer-in")
    assert "This transfer code does not work." in await bring(pair.bonn, arrival, first)
    assert arrival.offered == ["back"]  # still asked for a code
    pair.clock.advance(hours=73)
    assert "This transfer code is no longer valid." in await bring(pair.bonn, arrival, second)
    [person] = await people(pair.bonn)
    assert person.language == "en"
    assert await log_entries(pair.bonn, "transfer.received") == []
    assert await log_entries(pair.koeln, "transfer.sent") == []


async def test_bad_peers_change_nothing_and_get_a_clear_answer(pair: Pair) -> None:
    arrival = await arriving(pair)
    await arrival.choose("continue")
    await arrival.choose("continue")
    await onboard_rest(arrival)
    [before] = await people(pair.bonn)
    records = await consents(pair.bonn)
    await arrival.choose("my_data")
    await arrival.choose("move")
    await arrival.choose("transfer-in")
    answers = {
        "DORF-2345-6789-ABCD": "We do not know the Lotse this code comes from",
        "BONN-2345-6789-ABCD": "This code is from this Lotse.",
        "DOWN-2345-6789-ABCD": "We could not reach the other Lotse just now. Nothing has changed.",
        "BROKEN-2345-6789-ABCD": "We could not reach the other Lotse just now.",
        "SLOW-2345-6789-ABCD": "We could not reach the other Lotse just now.",
        "HUGE-2345-6789-ABCD": "The other Lotse's answer could not be checked",
        "JUNK-2345-6789-ABCD": "The other Lotse's answer could not be checked",
        "FORGER-2345-6789-ABCD": "The other Lotse's answer could not be checked",
        "ELSEWHERE-2345-6789-ABCD": "The other Lotse's answer could not be checked",
    }
    for code, answer in answers.items():
        replies = await bring(pair.bonn, arrival, code)
        assert answer in replies, (code, replies)
        assert arrival.offered == ["back"]
    # A document replayed by a peer is taken once only. (It brought French along.)
    french = pair.bonn.catalogs["fr"].gettext
    took = french("{peer} sent the data you chose to bring along.").format(peer="Lotse mirror")
    assert took in await bring(pair.bonn, arrival, "MIRROR-2345-6789-ABCD")
    await arrival.choose("my_data")
    await arrival.choose("move")
    await arrival.choose("transfer-in")
    replayed = await bring(pair.bonn, arrival, "MIRROR-2345-6789-ABCD")
    unchecked = "The other Lotse's answer could not be checked, so we did not use it."
    assert french(unchecked + " Nothing has changed. Please try again later.") in replayed
    [after] = await people(pair.bonn)
    assert after.channel_ranking == before.channel_ranking
    assert await consents(pair.bonn) == records
    assert len(await log_entries(pair.bonn, "transfer.received")) == 1  # the mirror's one


async def test_someone_already_here_keeps_their_channels_after_the_ones_brought(
    pair: Pair,
) -> None:
    leaver = chat(pair.at_koeln, pair.koeln)
    await leaver.open(language="en")
    await onboard(leaver, ["no", "yes"])  # in Köln: SMS only
    await leaver.choose("my_data")
    await leaver.choose("move")
    await leaver.choose("transfer-out")
    code = code_in(await leaver.choose("take-all"))
    arrival = await arriving(pair)
    await arrival.choose("continue")
    await arrival.choose("continue")
    await onboard_rest(arrival)  # in Bonn: the web chat only
    await arrival.choose("my_data")
    await arrival.choose("move")
    await arrival.choose("transfer-in")
    replies = await bring(pair.bonn, arrival, code)
    assert f"{AGREED_THERE} SMS (text message)." in replies
    assert SAVED in shown(await arrival.choose("same"))
    [person] = await people(pair.bonn)
    assert person.channel_ranking == ["sms", "webchat"]


async def test_choosing_anew_asks_the_usual_question_per_channel(pair: Pair) -> None:
    _, code = await leaving(pair)
    arrival = await arriving(pair)
    await bring(pair.bonn, arrival, code)
    first = shown(await arrival.choose("choose"))
    # The channels agreed there come first, asked one by one as at any start.
    assert "May we contact you by SMS (text message)" in first
    assert arrival.offered == ["yes", "no"]
    await arrival.choose("no")
    assert SAVED in shown(await arrival.choose("yes"))  # the web chat
    [person] = await people(pair.bonn)
    assert person.onboarded_at is not None and person.channel_ranking == ["webchat"]
    async with pair.bonn.sessionmaker() as session:
        records = list(await session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))
    assert [(r.channel, r.state) for r in records] == [("sms", "refused"), ("webchat", "given")]
