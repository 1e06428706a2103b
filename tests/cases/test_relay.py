"""The relay end to end on the web chat: an advisor's German reaches the person with the
tiny model's translation marked as such, or as it is with a note; a canned reply in its
human-written version; the person's words stored and translated into German with
provenance; the bot silent in the relay; "menu" leaves; a file is refused; a forged
`case-reply:` payload shows nothing; a job killed mid-way delivers exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot.audit import access_history
from bot.cases import (
    CaseNotFound,
    CaseStatus,
    Direction,
    Field,
    MessageState,
    Request,
    hand_off,
    load_canned,
    open_case,
    reply,
    set_status,
    translate_stored,
    withdraw,
)
from bot.db.models import Case, CaseMessage, Person
from bot.kernel.types import Channel, InboundMessage, t, verbatim
from bot.runtime.services import Services
from bot.translation import TranslationService, available, install, mt_path
from flows.relay import LEFT, NO_TRANSLATION
from tests.support.cases import SERVICES, seed_world
from tests.support.clock import Clock
from tests.support.factories import ChatPerson
from tests.support.flows import onboarded

GERMAN = "Guten Tag, ich brauche Hilfe bei meinem Antrag."
PERSIAN = "سلام، برای درخواستم به کمک نیاز دارم."


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not available():
        pytest.skip("the mt extra (ctranslate2, sentencepiece) is not installed")
    from tests.support.mt_model import build_package

    folder = tmp_path_factory.mktemp("relay-models")
    # Seeds whose nonsense is not empty for these sentences.
    pairs = {("de", "en"): 3, ("en", "fa"): 8, ("fa", "en"): 1, ("en", "de"): 2}
    return {
        f"{src}-{dst}": build_package(
            folder / f"{src}-{dst}.argosmodel", src, dst, "1.0", seed=seed
        )
        for (src, dst), seed in pairs.items()
    }


@pytest.fixture
async def translation(services: Services, models: dict[str, Path]) -> AsyncIterator[Any]:
    for package in models.values():
        install(mt_path(services.settings), package)
    service = TranslationService(services.settings)
    yield service
    await service.close()


async def _person_id(services: Services) -> int:
    async with services.sessionmaker() as session:
        found = await session.scalar(select(func.max(Person.id)))
        assert found is not None
        return int(found)


async def _handed_off(services: Services, chat: ChatPerson, language: str) -> int:
    """A hand-off from this web chat, which keeps the chat as where answers go (what the
    hand-off does through the Relay port's `remember`)."""
    now = services.clock()
    person_id = await _person_id(services)
    request = Request(
        service_slug="svc-a", values={Field.FIRST_NAME: "Amina"}, language=language,
        channel=Channel.WEBCHAT, expires_at=now + timedelta(days=30),
    )  # fmt: skip
    async with services.sessionmaker() as session, session.begin():
        case_id = await hand_off(session, services.vault, person_id, request, now)
        case = await session.get(Case, case_id)
        assert case is not None
        case.reply_channel = Channel.WEBCHAT.value
        case.reply_address_enc = services.vault.encrypt(chat.session)
    return case_id


async def _replied(services: Services, advisor: int, case_id: int, text: str, **kw: Any) -> int:
    async with services.sessionmaker() as session, session.begin():
        return await reply(session, services.vault, advisor, case_id, text, services.clock(), **kw)


async def _run(services: Services, translation: Any) -> int:
    queued = await translate_stored(services.sessionmaker, services.vault, translation,
                                    services.inbox, services.clock())  # fmt: skip
    await services.inbox.process_pending()
    return queued


async def test_reply_reaches_the_person_translated_and_their_answer_reaches_the_advisor(
    services: Services, client: TestClient[Any, Any], translation: Any
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    chat = await onboarded(client, services, "fa")
    case_id = await _handed_off(services, chat, "fa")
    await _replied(services, advisor, case_id, GERMAN)
    assert await _run(services, translation) == 2  # "joined", then the reply
    shown = [m["text"] for m in await chat.replies()]
    assert len(shown) == 2
    assert SERVICES["svc-a"] in shown[0]
    assert GERMAN in shown[1]
    person_id = await _person_id(services)
    async with services.sessionmaker() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        assert case.assigned_to == advisor and case.status == CaseStatus.OPEN.value
        assert case.first_responded_at is not None
        page = await access_history(session, person_id)
    assert [line.action for line in page.lines][:1] == ["case.reply"]

    # In the relay the bot says nothing; the text goes to the service.
    assert await chat.say(PERSIAN) == []
    assert await _run(services, translation) == 0
    async with services.sessionmaker() as session, session.begin():
        detail = await open_case(session, services.vault, advisor, case_id, services.clock())
    kinds = [(m.direction, m.state) for m in detail.messages]
    assert kinds == [
        (Direction.EVENT, MessageState.QUEUED),
        (Direction.OUT, MessageState.QUEUED),
        (Direction.IN, MessageState.TRANSLATED),
    ]
    mine = detail.messages[2]
    assert mine.original == PERSIAN and mine.language == "fa"
    assert mine.rendering is not None and mine.rendering.outcome == "translated"
    assert mine.rendering.path == ("fa", "en", "de") and mine.rendering.text
    assert mine.rendering.models == ("fa-en 1.0", "en-de 1.0") and mine.rendering.engine
    out = detail.messages[1]
    assert out.original == GERMAN and out.rendering is not None
    assert out.rendering.path == ("de", "en", "fa") and out.rendering.text
    marked = t("Machine translation: {text}", text=verbatim(out.rendering.text))
    assert services.catalogs["fa"].text(marked) in shown[1]

    # "menu" leaves the relay; what follows is the bot's again.
    left = await chat.say("منو")
    assert left[0]["text"] == services.catalogs["fa"].text(LEFT)
    async with services.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(CaseMessage).where(CaseMessage.direction == "in")
        )
    assert count == 1


async def test_without_a_model_the_original_comes_with_a_note_and_a_canned_reply_as_written(
    services: Services, client: TestClient[Any, Any], translation: Any
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    chat = await onboarded(client, services, "ti")
    case_id = await _handed_off(services, chat, "ti")  # Tigrinya: no model exists
    await _replied(services, advisor, case_id, GERMAN)
    await _run(services, translation)
    shown = [m["text"] for m in await chat.replies()]
    assert GERMAN in shown[-1]
    assert services.catalogs["ti"].text(NO_TRANSLATION) in shown[-1]
    canned = load_canned()
    code = "received"
    await _replied(services, advisor, case_id, "", canned=code, replies=canned,
                   values={"advisor": "Frau Berg"})  # fmt: skip
    await _run(services, translation)
    last = (await chat.replies())[-1]["text"]
    human = canned[code].render("ti", {"advisor": "Frau Berg", "service": SERVICES["svc-a"]})
    assert human in last and services.catalogs["ti"].text(NO_TRANSLATION) not in last


async def test_silent_relay_refuses_files_and_ignores_a_forged_payload(
    services: Services, client: TestClient[Any, Any], translation: Any, clock: Clock
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    chat = await onboarded(client, services, "en")
    case_id = await _handed_off(services, chat, "en")
    await _replied(services, advisor, case_id, GERMAN)
    await _run(services, translation)
    await chat.replies()
    await services.engine.handle(
        InboundMessage(channel=Channel.WEBCHAT, address=chat.session, provider_id="photo-1",
                       unsupported=True)
    )  # fmt: skip
    refused = await chat.replies()
    assert [m["text"] for m in refused] == [
        "Files cannot be sent to the advice service yet; please write it as text."
    ]
    # Someone else's message id, or a made-up one, in a payload: nothing is shown.
    other = await onboarded(client, services, "en")
    async with services.sessionmaker() as session:
        first = await session.scalar(select(func.min(CaseMessage.id)))
    for forged in (f"case-reply:{first}", "case-reply:999999"):
        await services.engine.handle(
            InboundMessage(channel=Channel.WEBCHAT, address=other.session,
                           provider_id=forged, payload=forged)
        )  # fmt: skip
    assert await other.replies() == []
    # Still in the relay, days later: the person's words go on to the service, silently.
    clock.advance(days=2)
    assert await chat.say("Thank you") == []
    assert await _inbound(services) == 1


async def test_a_job_killed_between_translating_and_storing_delivers_exactly_once(
    services: Services, client: TestClient[Any, Any], translation: Any
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    chat = await onboarded(client, services, "fa")
    case_id = await _handed_off(services, chat, "fa")
    message_id = await _replied(services, advisor, case_id, GERMAN)

    class Killed:
        """The real translation, then the process dies before anything is stored."""

        async def translate(self, text: str, source: str, target: str) -> object:
            await translation.translate(text, source, target)
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await translate_stored(services.sessionmaker, services.vault, Killed(),
                               services.inbox, services.clock())  # fmt: skip
    async with services.sessionmaker() as session:
        row = await session.get(CaseMessage, message_id)
        assert row is not None and row.state == MessageState.STORED.value
    # The notice needed no translation: it went before the kill; the reply goes now.
    assert await _run(services, translation) == 1
    assert await _run(services, translation) == 0
    texts = [m["text"] for m in await chat.replies()]
    assert sum(GERMAN in text for text in texts) == 1  # shown once, though translated twice


async def test_closing_tells_the_person_and_ends_the_relay(
    services: Services, client: TestClient[Any, Any], translation: Any
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    chat = await onboarded(client, services, "en")
    case_id = await _handed_off(services, chat, "en")
    await _replied(services, advisor, case_id, GERMAN)
    async with services.sessionmaker() as session, session.begin():
        await set_status(session, advisor, case_id, CaseStatus.RESOLVED, services.clock(),
                         case_days=30)  # fmt: skip
    await _run(services, translation)
    texts = [m["text"] for m in await chat.replies()]
    assert any(f"{SERVICES['svc-a']} has closed your request." in text for text in texts)
    await chat.say("Hello?")  # no longer in the relay: the bot's own answer
    assert await _inbound(services) == 0


async def test_a_withdrawn_case_ends_the_relay_and_refuses_replies(
    services: Services, client: TestClient[Any, Any], translation: Any
) -> None:
    world = await seed_world(services)
    advisor = world.logins["advisor:svc-a"]
    chat = await onboarded(client, services, "en")
    case_id = await _handed_off(services, chat, "en")
    await _replied(services, advisor, case_id, GERMAN)
    await _run(services, translation)
    await chat.replies()
    await _replied(services, advisor, case_id, "Noch eine Frage")  # not yet translated
    person_id = await _person_id(services)
    async with services.sessionmaker() as session, session.begin():
        assert await withdraw(session, person_id, case_id, services.clock(), case_days=30)
    await _run(services, translation)
    assert await chat.replies() == []  # the hand-off ended: its last reply is not sent
    said = await chat.say("Hello?")
    assert "no longer open" in said[0]["text"] and await _inbound(services) == 0
    with pytest.raises(CaseNotFound):
        await _replied(services, advisor, case_id, "Noch da?")


async def _inbound(services: Services) -> int:
    async with services.sessionmaker() as session:
        found = await session.scalar(
            select(func.count()).select_from(CaseMessage).where(CaseMessage.direction == "in")
        )
    return int(found or 0)
