"""A request letter from "Who holds my data", end to end on the web chat and Telegram:
the real app, flows and storage, the letter read back from its PDF.

- web chat: the letter's link under the message opens the PDF, in this session only;
- Telegram: the document arrives only after the person says yes to having it there;
  after no, nothing is sent, and "My requests" asks again.

What the person typed is in the letter and never in a chat message; a birth date in the
future is answered and changes nothing; nothing is stored before consent."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.runtime.services import Services
from tests.support.clock import Clock
from tests.support.flows import onboarded
from tests.support.rights_channels import (
    FUTURE,
    TO_AZR,
    TYPED,
    in_letter,
    nothing_typed_in,
    pdf_text,
    stored,
)
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    buttons,
    telegram_fake,  # noqa: F401  (the fixture `fake`)
    telegram_harness,  # noqa: F401  (the fixture `tg`)
)

Client = TestClient[Any, Any]


# -- web chat -------------------------------------------------------------------------


async def test_web_chat_letter_link_under_the_message_opens_the_pdf(
    client: Client, services: Services, clock: Clock
) -> None:
    person = await onboarded(client, services)
    for choice in TO_AZR:
        await person.choose(choice)
    assert person.offered == ["access", "correction", "erasure", "restriction",
                              "transfer-block", "back"]  # fmt: skip
    consent = await person.choose("access")
    assert "Full privacy notice:" in consent[-1]["text"] and person.offered == ["agree", "no"]
    assert await stored(services) == []  # nothing before yes
    await person.choose("agree")
    shown: list[dict[str, Any]] = []
    for part, text in TYPED:
        if part == "birth-date":
            before = await stored(services)
            wrong = await person.say("01.01.2999")
            assert FUTURE in " ".join(m["text"] for m in wrong)
            assert await stored(services) == before
        answer = await person.say(text)
        shown += answer
    nothing_typed_in(" ".join(m["text"] for m in shown))
    [message] = [m for m in shown if m.get("documents")]
    assert "Your letter is ready. Open it with the link below." in message["text"]
    [document] = message["documents"]
    assert document["type"] == "application/pdf"
    response = await client.get(document["href"])
    assert response.status == 200
    in_letter(pdf_text(await response.read()))
    # Then how and when it went: the deadline clock starts from that.
    assert "How did you send your letter?" in person.last_bot["text"]
    assert person.offered == ["post", "electronic", "in-person", "unsent"]
    # Another chat session gets the same 404 as a made-up link.
    other = await onboarded(client, services)
    stolen = document["href"].replace(person.session, other.session)
    assert (await client.get(stolen)).status == 404


# -- Telegram -------------------------------------------------------------------------


async def test_telegram_sends_the_letter_only_after_yes(tg: Harness) -> None:
    person = TelegramPerson(tg, 6234567001, "en")
    await person.write("/start")
    for choice in ("continue", "continue", "yes", "yes", "rank:telegram"):
        await person.send(person.callback(choice))
    for choice in (*TO_AZR, "access", "agree"):
        await person.send(person.callback(choice))
    for _, text in TYPED:
        sent = await person.write(text)
    asked = sent[-1]
    assert asked["text"].startswith("The letter contains your name and date of birth")
    assert buttons(asked) == ["yes", "no"]
    assert tg.fake.calls_to("sendDocument") == []  # nothing before yes
    # No: nothing is sent; "My requests" asks again.
    refused = await person.send(person.callback("no"))
    assert refused[0]["text"].startswith("Nothing was sent.")
    assert tg.fake.calls_to("sendDocument") == []
    assert len(await stored(tg.services)) == 1
    # The request is listed by its number; with its letter never made, "Go on with it"
    # makes it (nothing is left to type).
    for choice in (*TO_AZR[:5], "requests", "request:1", "go-on"):
        sent = await person.send(person.callback(choice))
    assert sent[-1]["text"].startswith("The letter contains your name and date of birth")
    assert tg.fake.calls_to("sendDocument") == []
    await person.send(person.callback("yes"))
    [call] = tg.fake.calls_to("sendDocument")
    assert call.params["chat_id"] == 6234567001
    assert call.params["caption"] == "Here is your letter."
    document = call.params["document"]
    assert document["filename"].endswith(".pdf")
    in_letter(pdf_text(document["data"]))
    nothing_typed_in(" ".join(m["text"] for m in tg.fake.sent(6234567001)))
