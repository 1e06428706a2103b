"""A hand-off to an advice service, end to end on the web chat, Telegram (fake Bot API)
and SMS (fake Twilio), on the demo directory: the person finds the migration advice
service in "Find advice", asks it to make contact and shares exactly two things; its
advisor logs in (real HTTP) and sees exactly those two; answers in German through the
case page; the case-translate job brings the answer to the person's channel in their
language, marked as machine translation (the tiny model), or as written with a note
where no model exists; the person's answer reaches the page beside its German rendering
and where it comes from; the person withdraws in "My consents"; the case is gone for
the advisor; and the person's "Who looked at my data" shows each step."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.audit import access_history
from bot.cases import translate_stored
from bot.config import load_settings
from bot.db.models import Case
from bot.kernel.types import Keyword, Text, t, verbatim
from bot.runtime.services import Services
from bot.staff import StaffRole, create_advisor
from bot.translation import TranslationService, available, install, mt_path
from bot.web.app import make_app
from flows.relay import NO_TRANSLATION
from flows.router import MENU
from tests.adapters.test_flows_on_channels import (
    PHONES,
    OnSms,
    OnTelegram,
    flat,
    on_sms,
    on_telegram,
)
from tests.adapters.test_flows_on_channels import onboard as onboard_on_a_phone
from tests.support.advice import MBE, NAMES, demo
from tests.support.advice_inbox import CSRF_FIELD, log_in
from tests.support.cases import PASSWORD
from tests.support.clock import Clock
from tests.support.factories import ChatPerson, build_test_services, seed_municipality
from tests.support.flows import onboarded
from tests.support.telegram import buttons

pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)

GERMAN = "Guten Tag, bitte bringen Sie Ihren Aufenthaltstitel zum Termin mit."
#: What each person writes back, in their language.
ANSWER = {
    "fa": "ممنون، روز دوشنبه می‌آیم.",
    "uk": "Дякую, я прийду в понеділок.",
    "ru": "Спасибо, я приду в понедельник.",
}
ADVISOR = "berater@mbe.example"
#: The answers on the way to the service, whichever of them are asked.
WAY = ("age:27+", "situation:asylum", "unsure")
SHARED = re.compile(r'<section aria-labelledby="shared">(.*?)</section>', re.S)
#: The tiny models for the pairs needed (each language by way of English).
SEEDS = {("de", "en"): 3, ("en", "fa"): 8, ("fa", "en"): 1, ("en", "de"): 2,
         ("en", "uk"): 5, ("uk", "en"): 4}  # fmt: skip


# -- the person, on each channel -----------------------------------------------------


class Person:
    """One person on one channel: what a step of theirs brought, as flat text."""

    lang: str
    services: Services
    #: What only the channel knows of them (never shared unless chosen).
    private: str
    #: What they ask about (the phone tests read a button's label as one topic's id).
    topic = "family"

    @property
    def offered(self) -> list[str]:
        raise NotImplementedError

    async def choose(self, choice: str) -> str:
        raise NotImplementedError

    async def write(self, text: str) -> str:
        raise NotImplementedError

    async def pushed(self) -> str:
        """What reached them unasked (the outbox run)."""
        raise NotImplementedError

    def text(self, text: Text | Keyword) -> str:
        return flat(self.services.catalogs[self.lang].value(text))


class OnWebChat(Person):
    topic = "residence"

    def __init__(self, chat: ChatPerson, lang: str) -> None:
        self.chat, self.lang, self.services = chat, lang, chat.services
        self.private = chat.session

    @property
    def offered(self) -> list[str]:
        return self.chat.offered

    async def choose(self, choice: str) -> str:
        assert choice in self.offered, (choice, self.offered)
        return flat(" ".join(m["text"] for m in await self.chat.choose(choice)))

    async def write(self, text: str) -> str:
        return flat(" ".join(m["text"] for m in await self.chat.say(text)))

    async def pushed(self) -> str:
        await self.services.inbox.process_pending()
        return flat(" ".join(m["text"] for m in await self.chat.replies()))


class OnTelegramChat(Person):
    """Telegram after onboarding: the buttons' ids as sent (the field toggles' labels
    change as they are ticked, so labels are not read back to ids here)."""

    def __init__(self, someone: OnTelegram, private: str) -> None:
        self.person, self.lang, self.services = someone.person, someone.lang, someone.services
        self.private = private
        self._offered = list(someone.offered)

    @property
    def offered(self) -> list[str]:
        return self._offered

    async def choose(self, choice: str) -> str:
        assert choice in self.offered, (choice, self.offered)
        return self._read(await self.person.send(self.person.callback(choice)))

    async def write(self, text: str) -> str:
        return self._read(await self.person.write(text))

    async def pushed(self) -> str:
        await self.services.inbox.process_pending()
        return self._read(await self.person.replies())

    def _read(self, sent: list[dict[str, Any]]) -> str:
        keyboards = [buttons(m) for m in sent if buttons(m)]
        if keyboards:
            self._offered = keyboards[-1]
        return flat(" ".join(m["text"] for m in sent))


class OnPhone(Person):
    """SMS, through the channel tests' person (numbers for choices)."""

    def __init__(self, someone: OnSms, private: str) -> None:
        self.someone, self.lang, self.services = someone, someone.lang, someone.services
        self.private = private
        self.seen = 0

    @property
    def offered(self) -> list[str]:
        return self.someone.offered

    async def choose(self, choice: str) -> str:
        return (await self.someone.choose(choice)).flat

    async def write(self, text: str) -> str:
        return (await self.someone.write(text)).flat

    async def pushed(self) -> str:
        lotse = self.someone.lotse
        before = len(lotse.fake.to(self.someone.number))
        await lotse.dispatch()
        return flat(" ".join(m.body or "" for m in lotse.fake.to(self.someone.number)[before:]))


@dataclass
class World:
    person: Person
    #: The advisor's browser: real HTTP on the app.
    staff: TestClient[Any, Any]


@asynccontextmanager
async def web_chat(database_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[World]:
    settings = load_settings(data_dir=tmp_path, database_url=database_url,
                             secret_key="e2e-" + "k" * 40, contact_channels="webchat",
                             _env_file=None)  # fmt: skip
    await seed_municipality(settings)
    services = await build_test_services(settings, clock)
    try:
        async with TestClient(TestServer(make_app(services, dispatch=False),
                                         host="127.0.0.1")) as client:  # fmt: skip
            chat = await onboarded(client, services, "fa")
            yield World(OnWebChat(chat, "fa"), client)
    finally:
        await services.close()


@asynccontextmanager
async def telegram(database_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[World]:
    async with on_telegram(database_url, tmp_path, clock, "uk") as someone:
        await onboard_on_a_phone(someone)
        yield World(OnTelegramChat(someone, "Noor"), someone.h.client)


@asynccontextmanager
async def sms(database_url: str, tmp_path: Path, clock: Clock) -> AsyncIterator[World]:
    async with on_sms(database_url, tmp_path, clock, "ru") as someone:
        await onboard_on_a_phone(someone)
        app = make_app(someone.services, dispatch=False)
        async with TestClient(TestServer(app, host="127.0.0.1")) as staff:
            yield World(OnPhone(someone, PHONES["ru"]), staff)


CHANNELS = {"webchat-fa": web_chat, "telegram-uk": telegram, "sms-ru": sms}


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not available():
        pytest.skip("the mt extra (ctranslate2, sentencepiece) is not installed")
    from tests.support.mt_model import build_package

    folder = tmp_path_factory.mktemp("e2e-models")
    return {
        f"{src}-{dst}": build_package(
            folder / f"{src}-{dst}.argosmodel", src, dst, "1.0", seed=seed
        )
        for (src, dst), seed in SEEDS.items()
    }


@pytest.fixture(params=list(CHANNELS))
async def world(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path, clock: Clock,
    models: dict[str, Path],
) -> AsyncIterator[World]:  # fmt: skip
    async with CHANNELS[request.param](database_url, tmp_path, clock) as built:
        for package in models.values():
            install(mt_path(built.person.services.settings), package)
        yield built


# -- the test -----------------------------------------------------------------------


async def test_find_hand_off_two_fields_answer_withdraw_and_the_access_history(
    world: World,
) -> None:
    person, staff = world.person, world.staff
    services = person.services
    await demo(services.sessionmaker, services.clock())
    async with services.sessionmaker() as session, session.begin():
        await create_advisor(session, ADVISOR, PASSWORD, role=StaffRole.ADVISOR,
                             services=[MBE], languages=["de"])  # fmt: skip
    translation = TranslationService(services.settings)
    try:
        await _scenario(person, staff, services, translation)
    finally:
        await translation.close()


async def _scenario(
    person: Person, staff: TestClient[Any, Any], services: Services, translation: Any
) -> None:
    # 1-2. "Find advice", the service, two fields, send.
    await person.choose("advice")
    await person.choose(f"topic:{person.topic}")
    while way := [choice for choice in WAY if choice in person.offered]:
        await person.choose(way[0])
    listed = await person.write("12345")
    ask = f"handoff:{MBE}:{person.topic}"
    assert ask in person.offered, (listed, person.offered)
    await person.choose(ask)
    await person.choose("field:language")
    await person.choose("field:topic")
    await person.choose("send")  # the summary
    await person.choose("send")
    assert person.offered == ["relay", "back"]
    async with services.sessionmaker() as session:
        case = await session.scalar(select(Case))
        assert case is not None
    assert case.fields == ["language", "topic"]
    page_path = f"/advice/cases/{case.id}"

    # 3. The advisor sees exactly those two, and nothing else the person has.
    await log_in(staff, ADVISOR)
    inbox = await (await staff.get("/advice/inbox")).text()
    assert page_path in inbox
    page = await staff.get(page_path)
    assert page.status == 200
    html = await page.text()
    [shared] = SHARED.findall(html)
    assert re.findall("<dt>([^<]*)</dt>", shared) == ["Sprache", "Thema"], shared
    assert len(re.findall("<dd>", shared)) == 2, shared
    assert person.private not in html
    assert NAMES[MBE] in html

    # 4. The answer in German, through the reply form; the job; the person reads it.
    csrf = CSRF_FIELD.findall(html)[0]
    sent = await staff.post(f"{page_path}/reply", data={"text": GERMAN, "csrf": csrf},
                            allow_redirects=False)  # fmt: skip
    assert sent.status == 303
    await _job(services, translation)
    shown = await person.pushed()
    assert NAMES[MBE] in shown and GERMAN in shown, shown  # the original, always
    if person.lang == "ru":  # no model for Russian: as written, with the note
        assert person.text(NO_TRANSLATION) in shown, shown
    else:  # beside it, the tiny model's rendering, marked
        assert person.text(NO_TRANSLATION) not in shown, shown
        marker = person.text(t("Machine translation: {text}", text=verbatim("@@")))
        head = marker.split("@@")[0].strip()
        assert head and head in shown, (head, shown)

    # 5. The person answers; the page shows the original beside the German and whence.
    assert await person.write(ANSWER[person.lang]) == ""
    await _job(services, translation)
    html = await (await staff.get(page_path)).text()
    assert ANSWER[person.lang] in html
    if person.lang == "ru":
        assert "Keine Übersetzung vorhanden für" in html, html
    else:
        assert re.search(rf"Maschinelle Übersetzung \(\w[^;]*; {person.lang}-en 1\.0, en-de 1\.0; "
                         rf"{person.lang} → en → de\)", html), html  # fmt: skip

    # 6. Withdrawn in "My consents".
    await person.write(person.text(MENU))
    if "my_consents" not in person.offered:
        await person.choose("back")
    await person.choose("my_consents")
    await person.choose(f"withdraw:{case.id}")
    done = await person.choose("yes")
    assert NAMES[MBE] in done, done
    async with services.sessionmaker() as session:
        withdrawn = await session.get(Case, case.id)
        assert withdrawn is not None and withdrawn.withdrawn_at is not None

    # 7. Gone for the advisor: the page, and the inbox.
    gone = await staff.get(page_path)
    assert gone.status == 404
    assert page_path not in await (await staff.get("/advice/inbox")).text()

    # 8. "Who looked at my data": each step, in the person's language.
    if "my_data" not in person.offered:
        await person.choose("back")
    await person.choose("my_data")
    history = await person.choose("history")
    while "more" in person.offered:
        history += " " + await person.choose("more")
    steps = [
        t("You withdrew what you shared with an advice service"),
        t("looked at your request for advice"),
        t("wrote to you about your request for advice"),
        t("You asked an advice service to contact you"),
    ]
    # By SMS the newest three fit (the rest is in the export, which the answer says).
    for line in steps[:3] if isinstance(person, OnPhone) else steps:
        assert person.text(line) in history, (line.msgid, history)
    async with services.sessionmaker() as session:
        logged = await access_history(session, case.person_id)
    actions = [line.action for line in logged.lines]
    assert actions[:3] == ["case.withdraw", "case.read", "case.reply"], actions
    assert actions[-1] == "case.handoff" and "case.list" in actions, actions


async def _job(services: Services, translation: Any) -> None:
    await translate_stored(services.sessionmaker, services.vault, translation,
                           services.inbox, services.clock())  # fmt: skip
