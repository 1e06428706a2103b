"""Every flow after onboarding, end to end on Telegram and on SMS, in a right-to-left
and a Cyrillic language each.

Telegram: webhook Updates into the real app, button presses as callback queries, the
real python-telegram-bot client sending to the fake Bot API; the answers are the
recorded sendMessage calls and their inline keyboards. SMS: signed inbound messages
from the fake Twilio, the real twilio client sending back; choices are answered by
their number. Real databases (SQLite and PostgreSQL), the outbox driven by hand.
"""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from adapters import telegram
from adapters.twilio import EMPTY_TWIML, TwilioClient, TwilioSmsAdapter, routes
from adapters.webchat import WebChatAdapter
from bot.config import Settings
from bot.consent import decisions_in_short, receipt
from bot.consent.book import NOTICE_VERSION, decision_text
from bot.db.models import (
    ConsentRecord,
    Contact,
    Conversation,
    ErasureTombstone,
    Message,
    Person,
)
from bot.i18n.catalogs import LANGUAGES, Catalogs, direction, native_name, upper
from bot.i18n.labels import CHANNEL_NAMES, STATE_NAMES, channel_name
from bot.kernel.bidi import PDI, RLI
from bot.kernel.types import Channel, Choice, ConsentState, Keyword, Text, t, tn
from bot.messaging.render import LANGUAGE_HINT, SMS_REPLY_WITH_NUMBER
from bot.people.retention import apply_retention
from bot.runtime.services import Services, build_services
from bot.web.app import make_app
from flows import build_router
from flows import delete as delete_flow
from flows import menu as menu_flow
from flows import my_data as my_data_flow
from flows import onboarding as onboarding_flow
from flows import settings as settings_flow
from flows.common import NO, YES, language_choices, language_set
from flows.router import HELP, LANGUAGE, MENU
from tests.fakes.telegram import FakeTelegram, Params
from tests.fakes.twilio import FakeTwilio
from tests.support.advice import advice_choices
from tests.support.clock import Clock
from tests.support.factories import seed_municipality
from tests.support.holders import holders_choices
from tests.support.telegram import (
    Harness,
    TelegramPerson,
    assert_marked,
    buttons,
    start_harness,
    telegram_settings,
)
from tests.support.twilio import TIMEOUT, Lotse, twilio_settings

# PTB 22 itself warns, inside RetryAfter(), that retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)

#: (channel, language): each channel in a right-to-left and in a Cyrillic language.
CASES = [
    (Channel.TELEGRAM, "ar"),
    (Channel.TELEGRAM, "uk"),
    (Channel.SMS, "fa"),
    (Channel.SMS, "ru"),
]
#: The language each case switches to in settings: RTL ↔ Cyrillic, across the cases.
SWITCH_TO = {"ar": "ru", "uk": "fa", "fa": "uk", "ru": "ar"}
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
SCRIPT = {"ar": ARABIC_SCRIPT, "fa": ARABIC_SCRIPT, "ru": CYRILLIC, "uk": CYRILLIC}
#: Numbers whose country hints the language (SMS), and Telegram chats.
PHONES = {"ar": "+963944567890", "fa": "+989121234567", "ru": "+79123456789", "uk": "+380501234567"}
CHATS = {"ar": 6234567001, "fa": 6234567002, "ru": 6234567003, "uk": 6234567004}
HELLO = {"ar": "مرحبا", "fa": "سلام", "ru": "Привет", "uk": "Привіт"}
MAIN_MENU = ["advice", "settings", "my_consents", "my_data", "delete", "help"]
TODAY = date(2026, 11, 23)  # the tests' clock
ODD_TEXTS = ["hi", "مرحبا", "🙂👍🏽🎉", "ж" * 2000]
#: A numbered choice on a channel without buttons: "3. Label", RTL lines isolated.
LANGUAGE_NAMES = {native_name(code) for code in LANGUAGES}
NUMBERED = re.compile(f"^({RLI})?(\\d+)\\. (.+?)({PDI})?$")


def flat(text: str) -> str:
    """Whitespace collapsed: an SMS split into parts loses line breaks between sentences."""
    return " ".join(text.split())


def choice_labels(catalogs: Catalogs, lang: str, settings: Settings) -> dict[str, str]:
    """Every choice label a person can be shown in `lang`, mapped to its choice id."""
    choices: list[Choice] = [
        *holders_choices(settings),
        *advice_choices(),
        *(Choice(entry.flow, entry.label) for entry in menu_flow.ENTRIES),
        settings_flow.LANGUAGE,
        settings_flow.CONSENT,
        settings_flow.RANKING,
        settings_flow.BACK,
        settings_flow.DONE,
        my_data_flow.HISTORY,
        my_data_flow.HOLDERS,
        my_data_flow.CORRECT,
        my_data_flow.EXPORT,
        my_data_flow.MOVE,
        delete_flow.CONFIRM,
        delete_flow.KEEP,
        onboarding_flow.CONTINUE,
        onboarding_flow.OTHER_LANGUAGE,
        YES,
        NO,
        *language_choices(),
    ]
    # Each channel as named from anywhere and on itself ("SMS (like this message)").
    named = [(c, channel_name(c, current)) for c in CHANNEL_NAMES for current in (None, c)]
    for channel, name in named:
        choices.append(Choice(f"rank:{channel}", name))
        for state in (*STATE_NAMES.values(), t("not asked")):
            toggle = t("{channel}: {state}", channel=name, state=state)
            choices.append(Choice(f"toggle:{channel}", toggle))
    translator = catalogs[lang]
    ids: dict[str, str] = {}
    for choice in choices:
        label = translator.label(choice.label)
        assert ids.setdefault(label, choice.id) == choice.id, f"{lang}: {label!r} is ambiguous"
    return ids


# -- one person, on either channel ---------------------------------------------


@dataclass
class Exchange:
    """What reached the person after one action of theirs."""

    texts: list[str]
    #: The choices of the newest message that offers any (ids), and how they read.
    offered: list[str]
    labels: list[str]
    #: SMS: the numbered choices were wrapped in bidirectional isolates.
    isolated: bool = False

    @property
    def flat(self) -> str:
        return flat("\n".join(self.texts))


class Someone:
    """A person on one channel, and what the test expects of the answers: `lang` is
    the language they should be in now."""

    channel: Channel

    def __init__(self, services: Services, lang: str) -> None:
        self.services = services
        self.lang = lang
        self.offered: list[str] = []
        self.labels: list[str] = []

    # What each channel does.
    async def start(self) -> Exchange:
        raise NotImplementedError

    async def write(self, text: str) -> Exchange:
        raise NotImplementedError

    async def choose(self, choice: str) -> Exchange:
        raise NotImplementedError

    # Shared.
    def text(self, text: Text | Keyword, lang: str | None = None) -> str:
        return self.services.catalogs[lang or self.lang].value(text)

    def says(self, exchange: Exchange, *texts: Text) -> None:
        """Each text, translated into the person's language, reached them."""
        for text in texts:
            expected = flat(self.text(text))
            assert expected in exchange.flat, (self.lang, text.msgid, exchange.texts)

    def _understood(self, exchange: Exchange) -> Exchange:
        if exchange.offered:
            self.offered, self.labels = exchange.offered, exchange.labels
        return exchange

    def _ids(self, labels: Sequence[str]) -> list[str]:
        known = choice_labels(self.services.catalogs, self.lang, self.services.settings)
        missing = [label for label in labels if label not in known]
        assert not missing, f"labels not in {self.lang}: {missing}"
        return [known[label] for label in labels]


class OnTelegram(Someone):
    channel = Channel.TELEGRAM

    def __init__(self, h: Harness, lang: str) -> None:
        super().__init__(h.services, lang)
        self.h = h
        self.person = TelegramPerson(h, CHATS[lang], lang, name="Noor")

    async def start(self) -> Exchange:
        return await self.write("/start")

    async def write(self, text: str) -> Exchange:
        return self._read(await self.person.write(text))

    async def choose(self, choice: str) -> Exchange:
        assert choice in self.offered, (choice, self.offered)
        pressed = self.person.callback(choice)
        if choice.startswith("lang:"):
            self.lang = choice.removeprefix("lang:")
        sent = await self.person.send(pressed)
        assert_marked(self.h.fake, pressed)  # answered, buttons replaced by the choice
        return self._read(sent)

    def _read(self, sent: list[Params]) -> Exchange:
        keyboards = [m for m in sent if buttons(m)]
        assert keyboards[:-1] == [], "only the last message may carry buttons"
        offered, labels = [], []
        if keyboards:
            rows = keyboards[-1]["reply_markup"]["inline_keyboard"]
            assert all(len(row) == 1 for row in rows)  # one button per row
            labels = [row[0]["text"] for row in rows]
            offered = buttons(keyboards[-1])
            assert self._ids(labels) == offered, (labels, offered)
        return self._understood(Exchange([m["text"] for m in sent], offered, labels))


class OnSms(Someone):
    channel = Channel.SMS

    def __init__(self, lotse: Lotse, lang: str) -> None:
        super().__init__(lotse.services, lang)
        self.lotse = lotse
        self.number = PHONES[lang]

    async def start(self) -> Exchange:
        return await self.write(HELLO[self.lang])

    async def write(self, text: str) -> Exchange:
        seen = len(self.lotse.fake.to(self.number))
        self.lotse.clock.advance(seconds=5)
        answer = await self.lotse.fake.inbound(self.lotse.url, self.number, text)
        assert (answer.status, answer.text) == (200, EMPTY_TWIML), answer
        await self.lotse.dispatch()
        return self._read([m.body or "" for m in self.lotse.fake.to(self.number)[seen:]])

    async def choose(self, choice: str) -> Exchange:
        assert choice in self.offered, (choice, self.offered)
        if choice.startswith("lang:"):
            self.lang = choice.removeprefix("lang:")
        return await self.write(str(self.offered.index(choice) + 1))

    def _read(self, bodies: list[str]) -> Exchange:
        numbered = [m for line in "\n".join(bodies).split("\n") if (m := NUMBERED.match(line))]
        labels = [m[3] for m in numbered]
        assert [int(m[2]) for m in numbered] == list(range(1, len(numbered) + 1))
        isolated = bool(numbered) and all(m[1] and m[4] for m in numbered)
        if numbered:
            assert isolated or not any(m[1] or m[4] for m in numbered)
            hint = (
                LANGUAGE_HINT.format(last=len(numbered))
                if all(label in LANGUAGE_NAMES for label in labels)
                else self.text(SMS_REPLY_WITH_NUMBER)
            )
            assert flat(hint) in flat("\n".join(bodies))
        exchange = Exchange(bodies, self._ids(labels), labels, isolated)
        return self._understood(exchange)


@asynccontextmanager
async def on_telegram(
    database_url: str, tmp_path: Path, clock: Clock, lang: str
) -> AsyncIterator[OnTelegram]:
    async with FakeTelegram() as fake:
        # Consent is asked for the web chat and for Telegram: two channels to rank.
        settings = telegram_settings(tmp_path, database_url, fake)
        assert settings.contact_channels == (Channel.WEBCHAT, Channel.TELEGRAM)
        services, adapter = await start_harness(settings, clock)
        app = make_app(services, dispatch=False, extra_routes=[telegram.routes(services)])
        try:
            async with TestClient(TestServer(app, host="127.0.0.1")) as client:
                yield OnTelegram(Harness(services, adapter, client, fake, clock), lang)
        finally:
            await adapter.close()
            await services.close()


@asynccontextmanager
async def on_sms(
    database_url: str, tmp_path: Path, clock: Clock, lang: str
) -> AsyncIterator[OnSms]:
    async with FakeTwilio() as fake:
        # Twilio signs the public URL: bind the port first, then serve on that socket.
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        settings = twilio_settings(
            tmp_path, fake, url, database_url=database_url, contact_channels="webchat,sms"
        )
        await seed_municipality(settings)
        sms = TwilioSmsAdapter(settings, TwilioClient(settings, timeout=TIMEOUT))
        services = await build_services(
            settings,
            router_factory=build_router,
            adapters={Channel.WEBCHAT: WebChatAdapter(), Channel.SMS: sms},
            clock=clock,
        )
        runner = web.AppRunner(make_app(services, dispatch=False, extra_routes=[routes(services)]))
        try:
            await runner.setup()
            await web.SockSite(runner, sock).start()
            yield OnSms(Lotse(services, fake, url, clock), lang)
        finally:
            await runner.cleanup()
            await services.close()
            sock.close()


@pytest.fixture(params=CASES, ids=[f"{channel}-{lang}" for channel, lang in CASES])
async def someone(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path, clock: Clock
) -> AsyncIterator[Someone]:
    channel, lang = request.param
    harness = on_telegram if channel is Channel.TELEGRAM else on_sms
    async with harness(database_url, tmp_path, clock, lang) as person:
        yield person


# -- helpers --------------------------------------------------------------------


async def rows(services: Services, model: Any, *where: Any) -> list[Any]:
    async with services.sessionmaker() as session:
        return list(await session.scalars(select(model).where(*where).order_by(model.id)))


async def count(services: Services, model: Any) -> int:
    async with services.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def the_person(services: Services) -> Person:
    [person] = await rows(services, Person)
    assert isinstance(person, Person)
    return person


async def no_step_failed(services: Services) -> None:
    """Every inbound message was handled by a flow (none ended in the apology)."""
    statuses = {m.status for m in await rows(services, Message, Message.direction == "in")}
    assert statuses == {"processed"}, statuses


def assert_in_script(someone: Someone, exchange: Exchange, lang: str) -> None:
    """Each message is written in `lang`'s script, and RTL choices are isolated on SMS."""
    other = CYRILLIC if SCRIPT[lang] is ARABIC_SCRIPT else ARABIC_SCRIPT
    for text in exchange.texts:
        assert SCRIPT[lang].search(text), (lang, text)
        assert not other.search(text), (lang, text)
    if someone.channel is Channel.SMS and exchange.offered:
        assert exchange.isolated == (direction(lang) == "rtl"), exchange.texts


async def onboard(someone: Someone) -> None:
    """First contact to the main menu: yes to both channels, this one ranked first."""
    lang, channel = someone.lang, someone.channel
    welcome = await someone.start()
    greeting = t(
        "Hello! I am Lotse. I will write to you in {language}.", language=native_name(lang)
    )
    someone.says(welcome, greeting)
    assert someone.offered == ["continue", "other-language"]
    await someone.choose("continue")  # what Lotse is, privacy
    await someone.choose("continue")  # consent: the web chat
    await someone.choose("yes")  # consent: this channel
    ranking = await someone.choose("yes")
    someone.says(ranking, t("How would you most like to hear from us? Choose one."))
    assert someone.offered == ["rank:webchat", f"rank:{channel}"]
    done = await someone.choose(f"rank:{channel}")
    someone.says(done, t("Thank you! Your choices are saved."))
    assert someone.offered == MAIN_MENU
    person = await the_person(someone.services)
    assert person.onboarded_at is not None and person.language == lang
    assert person.channel_ranking == [channel.value, "webchat"]


def saved_order(current: Channel, *channels: Channel) -> Text:
    names = {f"c{i}": channel_name(c, current) for i, c in enumerate(channels)}
    joined = Text(", ".join(f"{{{key}}}" for key in names), names)
    return t("Saved. We will contact you in this order: {channels}.", channels=joined)


def sms_help(someone: Someone) -> Text:
    return t(
        "Help: reply with the number of a choice. Write “{menu}” for the main menu, "
        "“{language}” to change the language. Lotse is run by {operator}: {contact}.",
        menu=MENU,
        language=LANGUAGE,
        operator=someone.services.operator.name,
        contact=someone.services.operator.contact,
    )


def delete_question(someone: Someone) -> Text:
    if someone.channel is Channel.SMS:
        return t(
            "Do you really want to delete all your data and our conversation? You cannot undo this."
        )
    return t(
        "Do you really want to delete all your data? This deletes your settings, your "
        "answers and our conversation. You cannot undo this."
    )


def consent_question(someone: Someone, channel: Channel) -> Text:
    """The question for `channel`, the web chat named as from elsewhere off the web."""
    name = (
        t("the Lotse web chat")
        if channel is Channel.WEBCHAT
        else channel_name(channel, someone.channel)
    )
    if someone.channel is Channel.SMS:
        return t(
            "May we send you information and invitations by {channel}? You can say no: "
            "Lotse still works for you.",
            channel=name,
        )
    return t(
        "May we contact you by {channel} with information and invitations, "
        "for example about free advice services?",
        channel=name,
    )


def receipt_head(n: int) -> Text:
    return tn(
        "Confirmation: we have saved {n} answer.",
        "Confirmation: we have saved {n} answers.",
        n,
    )


NOT_UNDERSTOOD = (
    t("Sorry, I did not understand that."),
    t(
        "Please choose one of the options below. You can also write “{menu}” for "
        "the main menu or “{help}” for help.",
        menu=MENU,
        help=HELP,
    ),
)


# -- the flows ------------------------------------------------------------------


async def test_settings_change_the_language(someone: Someone) -> None:
    await onboard(someone)
    before, target = someone.lang, SWITCH_TO[someone.lang]
    overview = await someone.choose("settings")
    someone.says(overview, t("Settings. What would you like to change?"))
    assert someone.offered == ["language", "consent", "ranking", "back"]
    menu = await someone.choose("language")
    if someone.channel is Channel.SMS:  # three segments: the globe is the question
        assert menu.flat.startswith("🌐")
    else:
        someone.says(menu, t("Please choose your language."))
    assert someone.offered == [f"lang:{code}" for code in LANGUAGES]
    assert someone.labels == [native_name(code) for code in LANGUAGES]

    switched = await someone.choose(f"lang:{target}")  # from here on: `target`
    someone.says(
        switched, language_set(target).texts[0], t("Main menu. What would you like to do?")
    )
    assert someone.offered == MAIN_MENU
    assert_in_script(someone, switched, target)
    assert flat(someone.text(t("Main menu. What would you like to do?"), before)) not in (
        switched.flat
    )
    person = await the_person(someone.services)
    assert person.language == target

    # The next replies, to something else entirely, stay in the new language.
    help_ = await someone.choose("help")
    if someone.channel is Channel.SMS:
        someone.says(help_, sms_help(someone))
    else:
        someone.says(help_, t("Help: choose one of the buttons, or write the number of a choice."))
    assert_in_script(someone, help_, target)
    overview = await someone.choose("settings")
    assert_in_script(someone, overview, target)
    out = await rows(someone.services, Message, Message.direction == "out")
    langs = [m.lang for m in out]
    switch_at = len(langs) - langs[::-1].index(before)  # the first row after the switch
    assert langs[switch_at:] and set(langs[switch_at:]) == {target}
    await no_step_failed(someone.services)


async def test_withdraw_the_channels_consent_and_give_it_again(someone: Someone) -> None:
    await onboard(someone)
    channel, lang, services = someone.channel, someone.lang, someone.services
    name = channel_name(channel, channel)  # named on itself: "SMS (like this message)"

    def toggle(state: ConsentState) -> str:
        return someone.text(t("{channel}: {state}", channel=name, state=STATE_NAMES[state]))

    await someone.choose("settings")
    consent = await someone.choose("consent")
    sms = channel is Channel.SMS
    someone.says(
        consent,
        t("Choose one to change your answer:")
        if sms
        else t("Choose a way of contact to change your answer. Now:"),
    )
    assert someone.offered == ["toggle:webchat", f"toggle:{channel}", "done"]
    assert someone.labels[1] == toggle(ConsentState.GIVEN)

    history: list[ConsentRecord] = await rows(services, ConsentRecord)
    for state in (ConsentState.WITHDRAWN, ConsentState.GIVEN):
        answer = await someone.choose(f"toggle:{channel}")
        records = await rows(services, ConsentRecord)
        assert [r.record_id for r in records[:-1]] == [r.record_id for r in history]
        newest = records[-1]
        history = records
        assert (newest.channel, newest.state, newest.method) == (channel.value, state, "chat")
        assert (newest.notice_language, newest.notice_version) == (lang, NOTICE_VERSION)
        # The receipt names exactly this decision, in the person's language; by SMS
        # in one short line: the date, the channel as named on itself, its state.
        if sms:
            short = t(
                "Receipt of {date}: {decisions}. You can change this at any time: write "
                "“{menu}”, then choose “Settings”.",
                date=TODAY,
                decisions=t("{channel}: {state}", channel=name, state=STATE_NAMES[state]),
                menu=MENU,
            )
            someone.says(answer, short)
            assert receipt([newest], channel).texts == (short,)
            assert flat(someone.text(t("SMS (like this message)"))) in answer.flat
        else:
            someone.says(
                answer,
                receipt_head(1),
                decision_text(newest, channel),
                t(
                    "You can change this at any time: write “{menu}” and choose “Settings”. "
                    "Saying no later is as easy as saying yes.",
                    menu=MENU,
                ),
            )
            assert someone.text(STATE_NAMES[state]) in someone.text(decision_text(newest))
        assert someone.offered == ["toggle:webchat", f"toggle:{channel}", "done"]
        assert someone.labels[1] == toggle(state)
        assert someone.labels[0] == someone.text(
            t("{channel}: {state}", channel=t("the Lotse web chat"), state=t("yes"))
        )
        ranking = (await the_person(services)).channel_ranking
        if state is ConsentState.WITHDRAWN:
            assert ranking == ["webchat"]
            # With one channel left there is nothing to rank.
            await someone.choose("done")
            assert someone.offered == ["language", "consent", "back"]
            await someone.choose("consent")
        else:
            assert ranking == ["webchat", channel.value]
    states = [(r.channel, r.state) for r in history]
    assert states == [
        ("webchat", "given"),
        (channel.value, "given"),
        (channel.value, "withdrawn"),
        (channel.value, "given"),
    ]
    # Receipts are important messages (they may fall back to another channel): the
    # onboarding's and these two; and they reached this channel though it was withdrawn.
    out = await rows(services, Message, Message.direction == "out", Message.important)
    assert [m.status for m in out] == ["sent"] * 3
    await someone.choose("done")
    assert someone.offered == ["language", "consent", "ranking", "back"]
    back = await someone.choose("back")
    someone.says(back, t("Main menu. What would you like to do?"))
    await no_step_failed(services)


async def test_rank_the_consented_channels_in_settings(someone: Someone) -> None:
    await onboard(someone)
    channel = someone.channel
    await someone.choose("settings")
    assert "ranking" in someone.offered
    prompt = await someone.choose("ranking")
    someone.says(prompt, t("How would you most like to hear from us? Choose one."))
    assert someone.offered == [f"rank:{channel}", "rank:webchat"]  # the current order
    names = [channel_name(c, channel) for c in (channel, Channel.WEBCHAT)]
    assert someone.labels == [someone.text(name) for name in names]
    saved = await someone.choose("rank:webchat")  # the last one is ranked by itself
    someone.says(
        saved,
        saved_order(someone.channel, Channel.WEBCHAT, channel),
        t("Settings. What would you like to change?"),
    )
    assert someone.offered == ["language", "consent", "ranking", "back"]
    assert (await the_person(someone.services)).channel_ranking == ["webchat", channel.value]
    await no_step_failed(someone.services)


async def test_my_consents_in_the_persons_language(someone: Someone) -> None:
    await onboard(someone)
    lang, channel = someone.lang, someone.channel
    shown = await someone.choose("my_consents")
    records = await rows(someone.services, ConsentRecord)
    assert [(r.channel, r.state) for r in records] == [
        ("webchat", "given"),
        (channel.value, "given"),
    ]
    if channel is Channel.SMS:  # one short line, the channels named as from an SMS
        decisions = decisions_in_short(records, channel)
        someone.says(
            shown,
            t("Your consents now: {decisions}.", decisions=decisions),
            tn("Your history has {n} entry.", "Your history has {n} entries.", 2),
        )
        for name in (t("the Lotse web chat"), t("SMS (like this message)"), t("yes")):
            assert flat(someone.text(name)) in shown.flat
        assert someone.offered == MAIN_MENU
        assert_in_script(someone, shown, lang)
        return
    someone.says(
        shown,
        t("Your answers now:"),
        *(decision_text(record, channel) for record in records),
        tn(
            "Your history has {n} entry. A change adds a new entry. Old entries stay as they are.",
            "Your history has {n} entries. A change adds a new entry. Old entries stay as "
            "they are.",
            2,
        ),
    )
    formatted = someone.text(t("{text}", text=TODAY))  # the date as the language writes it
    assert formatted != TODAY.isoformat() and flat(formatted) in shown.flat
    assert NOTICE_VERSION in shown.flat  # the version of the notice agreed to
    assert "November" not in shown.flat
    assert flat(someone.text(channel_name(channel, channel))) in shown.flat
    assert someone.offered == MAIN_MENU  # back at the menu
    assert_in_script(someone, shown, lang)


async def test_my_data_and_who_looked_at_it_with_ones_own_change(someone: Someone) -> None:
    """What Lotse keeps, masked, in the person's language and script; nobody looked yet
    (the first answers are no change); a withdrawn consent is then the person's own line,
    with the channel it was made on."""
    await onboard(someone)
    lang, channel = someone.lang, someone.channel
    shown = await someone.choose("my_data")
    someone.says(shown, t("This is what Lotse keeps about you, why, and until when:"))
    assert someone.offered == ["history", "holders", "correct", "export", "move", "back"]
    assert_in_script(someone, shown, lang)
    if channel is Channel.SMS:
        number = PHONES[lang]
        someone.says(shown, t("Phone number ending in {ending}.", ending=number[-2:]))
        assert number not in shown.flat and number[-6:] not in shown.flat
    else:
        assert str(CHATS[lang]) not in shown.flat  # a chat id means nothing to its person
    nobody = await someone.choose("history")
    someone.says(nobody, t("No one has looked at your data yet."))
    await someone.choose("back")
    await someone.choose("settings")
    await someone.choose("consent")
    await someone.choose("toggle:webchat")
    await someone.choose("done")
    await someone.choose("back")
    await someone.choose("my_data")
    own = await someone.choose("history")
    assert flat(someone.text(t("No one has looked at your data yet."))) not in own.flat
    for part in (channel_name(channel, None), t("consent")):
        assert flat(someone.text(part)) in own.flat, (lang, own.texts)
    assert_in_script(someone, own, lang)
    await no_step_failed(someone.services)


async def test_help_shows_the_keywords_of_the_persons_language(someone: Someone) -> None:
    await onboard(someone)
    lang = someone.lang
    catalog = someone.services.catalogs[lang]
    shown = await someone.choose("help")
    operator = someone.services.operator
    if someone.channel is Channel.SMS:  # one short text by SMS, the same words and contact
        first = sms_help(someone)
        someone.says(shown, first, t("Main menu. What would you like to do?"))
    else:
        first = t("Help: choose one of the buttons, or write the number of a choice.")
        someone.says(
            shown,
            first,
            t(
                "These words work at any time: “{menu}” for the main menu, “{language}” to "
                "change the language, “{help}” for this help.",
                menu=MENU,
                language=LANGUAGE,
                help=HELP,
            ),
            t(
                "Lotse is run by {operator}. Contact: {contact}.",
                operator=operator.name,
                contact=operator.contact,
            ),
            t("Main menu. What would you like to do?"),
        )
    assert operator.contact in shown.flat
    keywords = (MENU, LANGUAGE) if someone.channel is Channel.SMS else (MENU, LANGUAGE, HELP)
    for keyword in keywords:
        word = upper(catalog.keywords(keyword)[0], lang)
        assert SCRIPT[lang].search(word), word  # a word of this language, not English
        assert word in shown.flat, word
    assert "Stadt Musterstadt" in shown.flat
    assert someone.offered == MAIN_MENU
    # The help word typed in the language (a later one of its words) works as well.
    typed = await someone.write(catalog.keywords(HELP)[1])
    someone.says(typed, first)
    assert someone.offered == MAIN_MENU
    await no_step_failed(someone.services)


async def test_the_language_word_works_at_any_step(someone: Someone) -> None:
    await onboard(someone)
    lang = someone.lang
    # The words of this language in its own script (not the Latin transliterations).
    words = [
        w for w in someone.services.catalogs[lang].keywords(LANGUAGE) if SCRIPT[lang].search(w)
    ]
    # Where the person is, and how they get there from the main menu.
    paths = {
        "main menu": [],
        "settings": ["settings"],
        "consent": ["settings", "consent"],
        "ranking": ["settings", "ranking"],
        "delete": ["delete"],
        "language list": ["settings", "language"],
    }
    for i, (where, path) in enumerate(paths.items()):
        for choice in path:
            await someone.choose(choice)
        # The first word, shouted; later ones as typed, with punctuation.
        typed = upper(words[0], lang) + "!" if i % 2 == 0 else f"  {words[i % len(words)]}. "
        menu = await someone.write(typed)
        if someone.channel is Channel.SMS:  # the globe and the names are the question
            assert menu.flat.startswith("🌐"), where
        else:
            someone.says(menu, t("Please choose your language."))
        assert someone.offered == [f"lang:{code}" for code in LANGUAGES], where
        again = await someone.choose(f"lang:{lang}")
        someone.says(again, language_set(lang).texts[0])
        assert someone.offered == MAIN_MENU, where
    assert await count(someone.services, Person) == 1  # the delete step deleted nothing
    assert (await the_person(someone.services)).language == lang
    await no_step_failed(someone.services)


async def test_unexpected_text_gets_a_polite_answer_and_the_question_again(
    someone: Someone,
) -> None:
    await onboard(someone)
    for path, question in (
        (["settings"], t("Settings. What would you like to change?")),
        (
            ["back", "delete"],
            delete_question(someone),
        ),
    ):
        for choice in path:
            await someone.choose(choice)
        offered = someone.offered
        for odd in ODD_TEXTS:
            answer = await someone.write(odd)
            someone.says(answer, *NOT_UNDERSTOOD, question)
            assert someone.offered == offered, odd[:10]
            assert_in_script(someone, answer, someone.lang)
    assert await count(someone.services, Person) == 1  # odd answers never confirm a delete
    await no_step_failed(someone.services)
    await someone.choose("keep")
    assert someone.offered == MAIN_MENU


async def test_delete_my_data_erases_it_and_says_goodbye_on_the_channel(
    someone: Someone,
) -> None:
    await onboard(someone)
    services, channel, lang = someone.services, someone.channel, someone.lang
    question = await someone.choose("delete")
    someone.says(question, delete_question(someone))
    assert someone.offered == ["confirm", "keep"]
    kept = await someone.choose("keep")
    someone.says(kept, t("Nothing was deleted."), t("Main menu. What would you like to do?"))
    assert await count(services, Person) == 1 and await count(services, ErasureTombstone) == 0

    await someone.choose("delete")
    goodbye = await someone.choose("confirm")
    bye = t(
        "All your data has been deleted. Thank you for using Lotse. You are welcome "
        "back at any time."
    )
    someone.says(goodbye, bye)
    assert_in_script(someone, goodbye, lang)
    for model in (Person, ConsentRecord, Conversation):
        assert await count(services, model) == 0, model
    # Only the contact that carries the goodbye is left, detached, and goes soon.
    [contact] = await rows(services, Contact)
    assert (contact.channel, contact.person_id) == (channel.value, None)
    assert contact.purge_after is not None
    [message] = await rows(services, Message)
    assert (message.direction, message.person_id, message.lang) == ("out", None, lang)
    assert message.status == "sent" and message.contact_id == contact.id
    [tombstone] = await rows(services, ErasureTombstone)
    assert (tombstone.erased_on, tombstone.reason) == (TODAY.isoformat(), "request")


async def test_a_message_after_deleting_starts_a_fresh_onboarding(someone: Someone) -> None:
    await onboard(someone)
    lang = someone.lang
    await someone.choose("delete")
    await someone.choose("confirm")
    again = await someone.write(HELLO[lang])
    greeting = t(
        "Hello! I am Lotse. I will write to you in {language}.", language=native_name(lang)
    )
    someone.says(again, greeting)
    assert someone.offered == ["continue", "other-language"]
    person = await the_person(someone.services)
    assert person.onboarded_at is None and person.language == lang
    assert await count(someone.services, ConsentRecord) == 0


async def test_after_the_goodbye_grace_a_new_message_starts_fresh(
    someone: Someone, clock: Clock
) -> None:
    await onboard(someone)
    lang = someone.lang
    await someone.choose("delete")
    await someone.choose("confirm")
    clock.advance(days=1, minutes=1)
    result = await apply_retention(
        someone.services.sessionmaker, someone.services.settings, clock()
    )
    assert result.contacts_purged == 1
    again = await someone.write(HELLO[lang])
    someone.says(
        again,
        t("Hello! I am Lotse. I will write to you in {language}.", language=native_name(lang)),
    )
    assert someone.offered == ["continue", "other-language"]
    person = await the_person(someone.services)
    assert person.onboarded_at is None and person.language == lang
    assert await count(someone.services, ConsentRecord) == 0


@pytest.mark.parametrize("keyword", [LANGUAGE, HELP], ids=["language", "help"])
async def test_a_keyword_during_onboarding_keeps_the_person_in_onboarding(
    someone: Someone, keyword: Keyword
) -> None:
    lang = someone.lang
    await someone.start()
    await someone.choose("continue")  # what Lotse is: it tells of these words
    consent = await someone.choose("continue")  # the first consent question is open
    someone.says(consent, consent_question(someone, Channel.WEBCHAT))
    assert someone.offered == ["yes", "no"]
    word = someone.services.catalogs[lang].keywords(keyword)[0]
    answer = await someone.write(word)
    if keyword == LANGUAGE and someone.channel is Channel.SMS:
        assert answer.flat.startswith("🌐 Lotse")  # the names are the question (3 segments)
        answer = await someone.choose(f"lang:{lang}")
        someone.says(answer, language_set(lang).texts[0])
    elif keyword == LANGUAGE:
        someone.says(answer, t("Please choose your language."))
        answer = await someone.choose(f"lang:{lang}")
        someone.says(answer, language_set(lang).texts[0])
    elif someone.channel is Channel.SMS:
        someone.says(answer, sms_help(someone))
    else:
        someone.says(answer, t("Help: choose one of the buttons, or write the number of a choice."))
    # Onboarding goes on (its question again, or from its start), not the main menu.
    assert someone.offered in (["yes", "no"], ["continue", "other-language"]), someone.offered
    assert (await the_person(someone.services)).onboarded_at is None
