"""Every SMS step Lotse sends, as it is really sent, per language (`lotse i18n sms-cost`).

An SMS step is one message Lotse sends by SMS: one reply of a flow with its choices
written in as the SMS renderer writes them (numbered, with the hint), joined as the
engine joins its paragraphs, folded to GSM-7 where the renderer folds. Each must cost
at most `settings.sms_max_segments` (3) segments, so it is never split and a question
always travels with its choices.

The steps are not listed by hand: a person per language writes to a throwaway Lotse
(SQLite in a temporary folder, the real flows and engine, an SMS channel on every
consent a municipality may ask for) and goes through every flow; each outbound row is
rendered with bot.messaging.render. The invitation and its reminder are queued by the
real invitation sender. What no conversation can reach in a tour (the apology after an
error, the refusals of expired codes or too many tries, the note after an interrupted
send) is listed in `LISTED`, the one place for them.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from adapters.twilio import TwilioSmsAdapter
from adapters.webchat import WebChatAdapter
from bot.advice import seed_demo
from bot.cli.sms_tour_advice import advice
from bot.cli.sms_tour_advice import listed as advice_listed
from bot.cli.sms_tour_holders import holders
from bot.cli.sms_tour_office import invite, remind, rows_for
from bot.cli.sms_tour_rights import rights
from bot.config import Settings, load_settings
from bot.db import migrate
from bot.db.models import Municipality
from bot.i18n import LANGUAGES, SmsCost, step_cost
from bot.invitations import (
    Refusal,
    display_code,
)
from bot.kernel.types import (
    Channel,
    InboundMessage,
    Keyword,
    OutboundMessage,
    RenderedChoice,
    t,
)
from bot.messaging import note_header, rendered_text
from bot.runtime import Services, build_services
from bot.transfer import load_key, public_text
from flows import build_router
from flows.invitation import refusal_text
from flows.my_data import access_line
from flows.relay import fixed as relay_fixed
from flows.router import APOLOGY
from flows.transfer import ASKED_AGAIN, FAILURES, NOTHING_WAITING, TransferFlow, agreed_there

#: Typical values: a municipality, an office, the public address people open.
OPERATOR = {
    "slug": "musterstadt",
    "name": "Stadt Musterstadt, Integrationsbüro",
    "contact": "integration@musterstadt.de, 0421 361-12345",
    "privacy_contact": "datenschutz@musterstadt.de",
}
PUBLIC_URL = "https://lotse.musterstadt.de"
#: Every channel a person may be asked about: the longest consent lists and receipts.
CHANNELS = "webchat,sms,whatsapp,telegram"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SmsStep:
    lang: str
    #: Where in the tour: what the person did, and which of the replies this is.
    where: str
    #: The message as it goes out by SMS, before any split.
    text: str


def step_costs(langs: tuple[str, ...] = LANGUAGES) -> list[SmsCost]:
    """What each SMS step costs, in each of `langs`."""
    return [step_cost(step.lang, step.where, step.text) for step in sms_steps(langs)]


def tour_settings(data_dir: Path) -> Settings:
    return load_settings(
        _env_file=None,
        data_dir=data_dir,
        secret_key="sms-tour-" + "x" * 40,
        public_url=PUBLIC_URL,
        contact_channels=CHANNELS,
        twilio_account_sid="AC" + "0" * 32,
        twilio_auth_token="0" * 32,
        twilio_from="+4942112345678",
        twilio_whatsapp_from="+4942112345679",
        telegram_token="1:tour",
        telegram_webhook_secret="tour-secret-0000",
        # Request letters posted: the wizard offers "Post it to me" (a kept address).
        request_post=True,
        request_post_from="Rathausplatz 1, 12345 Musterstadt",
        # Transfers on, with one peer that is not there: a code is issued, typed codes
        # are refused or fetched in vain.
        transfer_id="musterstadt",
        transfer_peers=_peers(data_dir),
    )


def _peers(folder: Path) -> Path:
    key = public_text(load_key(folder / "nord.key").public_key())
    peers = folder / "peers.toml"
    # Nothing listens on port 9 (discard) of this machine.
    peers.write_text(f'[[peer]]\nid = "nord"\nname = "{PEER}"\n'
                     f'url = "https://127.0.0.1:9"\npublic_key = "{key}"\n')  # fmt: skip
    return peers


def sms_steps(langs: tuple[str, ...] = LANGUAGES) -> list[SmsStep]:
    """Every SMS step in each of `langs` (see the module's docstring)."""
    with tempfile.TemporaryDirectory(prefix="lotse-sms-") as folder:
        settings = tour_settings(Path(folder))
        migrate.upgrade(settings.database_url, secret_key=settings.secret_key)
        return asyncio.run(_tour(settings, langs))


async def _tour(settings: Settings, langs: tuple[str, ...]) -> list[SmsStep]:
    from bot.db.session import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    async with make_sessionmaker(engine)() as session, session.begin():
        session.add(Municipality(**OPERATOR))
        await seed_demo(session, now=START, today=START.date())
    await engine.dispose()
    clock = _Clock()
    sms = TwilioSmsAdapter(settings)
    services = await build_services(
        settings,
        router_factory=build_router,
        adapters={Channel.WEBCHAT: WebChatAdapter(), Channel.SMS: sms},
        clock=clock,
    )
    try:
        steps: list[SmsStep] = []
        for number, lang in enumerate(langs, 1):
            person = _Person(services, sms, clock, lang, number)
            await person.conversation()
            await person.saying_no()
            await person.invited()
            steps.extend(person.steps)
            steps.extend(_listed(services, sms, lang))
            operator = services.operator
            found = advice_listed(services, sms, lang, operator)
            steps.extend(SmsStep(lang, where, text) for where, text in found)
        return steps
    finally:
        await services.close()


class _Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class _Person:
    """One person writing by SMS in `lang`, through every flow; what Lotse sent them."""

    def __init__(
        self, services: Services, sms: TwilioSmsAdapter, clock: _Clock, lang: str, n: int
    ) -> None:
        self.services, self.sms, self.clock, self.lang = services, sms, clock, lang
        self.n = n
        self.number = f"+49151{n:02d}000001"
        self.steps: list[SmsStep] = []
        self._seen = 0
        self._sent = 0
        self.offered: list[str] = []

    def word(self, name: str) -> str:
        return self.services.catalogs[self.lang].keywords(Keyword.named(name))[0]

    async def say(self, where: str, text: str = "", **extra: Any) -> None:
        self.clock.now += timedelta(seconds=20)
        self._sent += 1
        message = InboundMessage(
            channel=Channel.SMS,
            address=self.number,
            provider_id=f"SM{self.n:03d}{self._sent:05d}",
            text=text or None,
            **extra,
        )
        await self.services.engine.handle(message)
        await self.collect(where)

    async def choose(self, where: str, choice: str) -> None:
        """Answer with the number of the offered choice `choice` (its id or id prefix)."""
        number = next(i for i, c in enumerate(self.offered, 1) if c.startswith(choice))
        await self.say(where, str(number))

    async def collect(self, where: str) -> None:
        """The rows queued for this number since the last look, as steps."""
        rows = await rows_for(self.services, self.number, self._seen)
        if rows:
            self._seen = rows[-1][0]
        for i, (_, message) in enumerate(rows, 1):
            label = where if len(rows) == 1 else f"{where} ({i}/{len(rows)})"
            text = rendered_text(message, self.sms.capabilities, self.services.catalogs)
            self.steps.append(SmsStep(self.lang, label, text))
            if message.choices:
                self.offered = [c.id for c in message.choices]

    async def onboard(self, answer: str) -> None:
        """First contact to the main menu, answering `answer` to every consent question."""
        choose, lang = self.choose, f"lang:{self.lang}"
        await self.say("first contact: the language menu", "Hallo")
        await choose("language chosen: about Lotse (privacy)", lang)
        await choose("about read: consent question", "continue")
        while self.offered == ["yes", "no"]:
            await choose("consent answered: next question or receipt", answer)
        while self.offered and self.offered[0].startswith("rank:"):
            await choose("ranking", "rank:")

    async def conversation(self) -> None:
        """Onboarding with yes to every channel, then every flow and keyword."""
        choose, say, lang = self.choose, self.say, f"lang:{self.lang}"
        await self.onboard("yes")
        await choose("settings", "settings")
        await choose("settings: language list", "language")
        await choose("language chosen again", lang)
        await choose("settings", "settings")
        await choose("settings: consent per channel", "consent")
        await choose("consent withdrawn: receipt, channels", "toggle:sms")
        await choose("consent given again: receipt, channels", "toggle:sms")
        await choose("consent list done: settings", "done")
        await choose("settings: ranking", "ranking")
        while self.offered and self.offered[0].startswith("rank:"):
            await choose("ranking in settings", "rank:")
        await choose("back to the main menu", "back")
        await choose("my consents", "my_consents")
        await choose("help", "help")
        await say("keyword: menu", self.word("menu"))
        await say("keyword: language", self.word("language"))
        await choose("language chosen by keyword", lang)
        await say("keyword: help", self.word("help").lower())
        await say("not understood", "xyz?")
        await say("a photo", unsupported=True)
        self.clock.now += timedelta(minutes=self.services.settings.conversation_timeout_minutes)
        await say("after a long pause", "1")
        await say("keyword: stop", self.word("stop"))
        await say("keyword: start", self.word("start"))
        await choose("delete: the question", "delete")
        await choose("delete: kept", "keep")
        await choose("delete: the question", "delete")
        await choose("delete: done, goodbye", "confirm")

    async def correcting(self) -> None:
        """From the main menu: the address for letters corrected part by part, with the
        answers to wrong lines, then the person's own change in "who looked at my data"."""
        choose, say = self.choose, self.say
        await choose("my data", "my_data")
        await choose("my data: correct, to settings", "correct")
        await choose("address for letters: masked, parts", "address")
        await choose("address: the name asked", "name")
        await say("address: name saved, parts", "Amal Haddad-Nour")
        await choose("address: street asked", "street")
        await say("address: street without a number", "Hauptstraße")
        # Each language's person lives elsewhere: one address is one person's letters.
        await say("address: street saved", f"Hauptstraße {100 + self.n}")
        await choose("address: postcode and town asked", "place")
        await say("address: no postcode", "Musterstadt")
        await say("address: place saved", "12345 Musterstadt")
        await choose("address: extra line asked", "extra")
        await choose("address: extra line removed", "remove")
        await choose("address: done, settings", "done")
        await choose("settings: back to the main menu", "back")
        await choose("my data", "my_data")
        await choose("my data: one's own change in the history", "history")
        await choose("my data: back to the main menu", "back")

    async def saying_no(self) -> None:
        """Another person, who says no to every channel."""
        self.number, self._seen = f"+49151{self.n:02d}000002", 0
        await self.onboard("no")

    async def invited(self) -> None:
        """An invitation by SMS from an office, its reminder, then the person connects."""
        self.number, self._seen = f"+49151{self.n:02d}000003", 0
        code = await invite(
            self.services, self.lang, self.number, self.clock(), f"Hauptstraße {self.n + 1}"
        )
        await self.collect("invitation SMS")
        await remind(self.services, self.number, self.clock())
        await self.collect("invitation reminder SMS")
        await self.say("connect code sent: welcome, notice, question", display_code(code))
        await self.choose("connection confirmed: receipt, main menu", "confirm")
        await self.choose("my data: what Lotse keeps", "my_data")
        await self.choose("my data: who looked at it", "history")
        await self.choose("my data: back to the main menu", "back")
        await self.correcting()
        await holders(self)
        await advice(self)
        await rights(self)
        await self.choose("my data", "my_data")
        await self.choose("transfer: taking or bringing", "move")
        await self.choose("transfer: what to take", "transfer-out")
        await self.choose("transfer: the code and how to use it", "take-all")
        await self.choose("my data", "my_data")
        await self.choose("transfer: taking or bringing", "move")
        await self.choose("transfer: type the code", "transfer-in")
        await self.say("transfer: a code of this Lotse", "MUSTERSTADT-2345-6789-ABCD")
        await self.say("transfer: a code of an unknown Lotse", "dorf 2345 6789 abcd")
        await self.say("transfer: being fetched", "NORD-2345-6789-ABCD")
        await self.services.transfers.process_pending()  # the peer is not there
        await self.services.inbox.process_pending()
        await self.collect("transfer: the other Lotse not reached, the code asked again")
        await self.choose("transfer: back to the main menu", "back")
        await self.choose("my data again", "my_data")
        await self.choose("my data: export, the question", "export")
        await self.choose("my data: export, the short link", "yes")
        self.number, self._seen = f"+49151{self.n:02d}000004", 0
        await self.say("a code used before", display_code(code))
        await self.say("a wrong code", "K7QF-9M2X")
        await self.choose("language chosen", f"lang:{self.lang}")
        await self.choose("about read: consent question", "continue")
        await self.say("a wrong code in the middle of onboarding", "K7QF-9M2Y")


# -- what no tour reaches, listed in one place ------------------------------------------


def _listed(services: Services, sms: TwilioSmsAdapter, lang: str) -> Iterator[SmsStep]:
    translator = services.catalogs[lang]
    texts = {
        "the apology after an error": APOLOGY,
        "refusal: an expired code": refusal_text(Refusal.EXPIRED, Channel.SMS),
        "refusal: too many wrong codes": refusal_text(Refusal.TOO_MANY, Channel.SMS),
        "note after an interrupted send (the part follows alone)": note_header(1, 3),
    }
    texts.update({f"transfer refused: {why}": text for why, text in FAILURES.items()})
    texts["transfer: no result waiting"] = NOTHING_WAITING
    texts["transfer: received"] = t("{peer} sent the data you chose to bring along.", peer=PEER)
    # Who looked at my data: another Lotse, with the longest categories a transfer has.
    access = SimpleNamespace(role="peer", organisation=PEER, action="transfer.received", via=None,
                             at=START, categories=["language", "contact", "consent"])  # fmt: skip
    texts["my data: another Lotse in the access list"] = access_line(access, sms=True)
    # After a transfer, every channel agreed there (the question follows alone).
    data = {"peer": PEER, "channels": [c.value for c in Channel if c is not Channel.LETTER]}
    agreed = agreed_there(_SmsView(), data)  # type: ignore[arg-type]
    texts["transfer: consent asked again"] = ASKED_AGAIN
    texts["transfer: the channels agreed there"] = agreed
    texts.update({f"relay: {where}": text for where, text in relay_fixed(SERVICE).items()})
    for where, text in texts.items():
        message = OutboundMessage(0, Channel.SMS, "", translator.text(text), (), lang)
        yield SmsStep(lang, where, rendered_text(message, sms.capabilities, services.catalogs))
    rendered = translator.reply(TransferFlow().prompt(_SmsView(), "confirm", data))  # type: ignore[arg-type]
    choices = tuple(RenderedChoice(*choice) for choice in rendered.choices)
    message = OutboundMessage(0, Channel.SMS, "", rendered.text, choices, lang)
    where = "transfer: the question after the list"
    yield SmsStep(lang, where, rendered_text(message, sms.capabilities, services.catalogs))


#: A long name for another installation of Lotse.
PEER = "Lotse Stadt Musterstadt-Nord"
#: A long name of an advice service.
SERVICE = "Migrationsberatung für erwachsene Zugewanderte Musterstadt-Nord"


class _SmsView:
    """What the transfer flow's question reads of its Context: the channel."""

    channel = Channel.SMS
