"""SMS and WhatsApp through Twilio, end to end.

The real twilio client talks real HTTP to a fake Twilio on 127.0.0.1; the fake
calls the real app's webhooks with signed requests; the database is real
(SQLite and PostgreSQL); the outbox is driven by hand with `dispatch_once`.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from adapters.twilio import (
    EMPTY_TWIML,
    TwilioClient,
    TwilioSmsAdapter,
    TwilioWhatsAppAdapter,
    build_twilio_adapters,
)
from bot.config import load_settings
from bot.db.models import ConsentRecord, Message, Person
from bot.i18n.catalogs import native_name
from bot.kernel.clock import utcnow
from bot.kernel.types import Channel, OutboundMessage
from bot.messaging.body import decode_body, encode_body
from bot.messaging.channel import OptedOut, PermanentFailure, TemporaryFailure
from bot.messaging.render import SMS_REPLY_WITH_NUMBER
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.support.clock import Clock
from tests.support.settings import SECRET
from tests.support.twilio import (
    SMS_FROM,
    TEMPLATES,
    TIMEOUT,
    WHATSAPP_FROM,
    Lotse,
    Phone,
    twilio_fake,  # noqa: F401  (the fixture `fake`)
    twilio_lotse,  # noqa: F401  (the fixture `lotse`)
    twilio_settings,
)

GERMAN, SYRIAN, RUSSIAN = "+4915112345678", "+963944567890", "+79123456789"
REPLY_WITH_NUMBER = "Reply with a number."  # the hint by SMS, short
OUTSIDE_WINDOW = "outside WhatsApp's 24-hour window and no approved template"

Pair = tuple[TwilioSmsAdapter, TwilioWhatsAppAdapter]


# -- the adapters alone ------------------------------------------------------------


@pytest.fixture
async def adapters(tmp_path: Path, fake: FakeTwilio, clock: Clock) -> AsyncIterator[Pair]:
    settings = twilio_settings(tmp_path, fake, "https://lotse.example.org")
    client = TwilioClient(settings, timeout=TIMEOUT)
    yield TwilioSmsAdapter(settings, client), TwilioWhatsAppAdapter(settings, client, clock=clock)
    await client.close()


def outbound(text: str = "Hallo!", *, address: str = GERMAN, **extra: Any) -> OutboundMessage:
    values: dict[str, Any] = {"channel": Channel.SMS, "lang": "de", **extra}
    return OutboundMessage(id=1, address=address, text=text, choices=(), **values)


async def test_an_sms_goes_out_with_its_status_callback(adapters: Pair, fake: FakeTwilio) -> None:
    sms, _ = adapters
    result = await sms.send(outbound("Hallo! Wie geht es?"))
    [sent] = fake.messages
    assert result.provider_id == sent.sid and sent.sid.startswith("SM")
    assert (sent.to, sent.from_, sent.body) == (GERMAN, SMS_FROM, "Hallo! Wie geht es?")
    assert sent.messaging_service_sid is None
    assert sent.status_callback == "https://lotse.example.org/webhooks/twilio/status"
    assert sms.capabilities.max_sms_segments == 3 and not sms.capabilities.buttons
    assert sms.rate_limit is not None and sms.rate_limit.per_second == 1000


async def test_a_messaging_service_is_named_instead_of_a_number(
    tmp_path: Path, fake: FakeTwilio
) -> None:
    service = "MG" + "a" * 32
    settings = twilio_settings(tmp_path, fake, "https://lotse.example.org", twilio_from=service)
    sms = TwilioSmsAdapter(settings)
    await sms.send(outbound())
    await sms.close()
    [sent] = fake.messages
    assert (sent.messaging_service_sid, sent.from_) == (service, None)


def _in_two_minutes() -> str:
    return format_datetime(utcnow() + timedelta(minutes=2), usegmt=True)


SEND_ERRORS: list[tuple[str, Callable[[FakeTwilio], None], type[Exception], dict[str, Any]]] = [
    ("opted out", lambda f: f.error(21610), OptedOut, {"unreachable": False}),
    ("invalid number", lambda f: f.error(21211), PermanentFailure, {"unreachable": True}),
    ("not a mobile", lambda f: f.error(21614), PermanentFailure, {"unreachable": True}),
    ("region closed", lambda f: f.error(21408), PermanentFailure, {"unreachable": False}),
    ("429", lambda f: f.rate_limit("30"), TemporaryFailure, {"retry_after": 30.0}),
    ("429 no header", lambda f: f.rate_limit(None), TemporaryFailure, {"retry_after": None}),
    (
        "429 http date",
        lambda f: f.rate_limit(_in_two_minutes()),
        TemporaryFailure,
        {"retry_after": pytest.approx(120, abs=3)},
    ),
    ("500", lambda f: f.fail(500, code=20500), TemporaryFailure, {"retry_after": None}),
    ("503 not json", lambda f: f.fail(503), TemporaryFailure, {}),
    ("timeout", lambda f: f.slow(TIMEOUT + 0.5), TemporaryFailure, {}),
]


@pytest.mark.parametrize(
    ("inject", "kind", "attributes"),
    [case[1:] for case in SEND_ERRORS],
    ids=[case[0] for case in SEND_ERRORS],
)
async def test_send_errors_mean_retry_or_never(
    adapters: Pair,
    fake: FakeTwilio,
    inject: Callable[[FakeTwilio], None],
    kind: type[TemporaryFailure | PermanentFailure],
    attributes: dict[str, Any],
) -> None:
    sms, _ = adapters
    inject(fake)
    with pytest.raises(kind) as caught:
        await sms.send(outbound("Geheimer Text"))
    assert type(caught.value) is kind
    for name, value in attributes.items():
        assert getattr(caught.value, name) == value
    reason = caught.value.reason
    assert "Geheimer" not in reason and "1511234" not in reason  # no text, no number


async def test_an_error_for_one_number_spares_the_others(adapters: Pair, fake: FakeTwilio) -> None:
    sms, _ = adapters
    fake.error(21610, to=GERMAN)
    with pytest.raises(OptedOut):
        await sms.send(outbound())
    await sms.send(outbound(address=SYRIAN))
    assert [m.to for m in fake.messages] == [SYRIAN]


async def test_wrong_credentials_are_retried_not_dropped(tmp_path: Path, fake: FakeTwilio) -> None:
    settings = twilio_settings(tmp_path, fake, "https://x.example", twilio_auth_token="u" * 32)
    sms = TwilioSmsAdapter(settings)
    with pytest.raises(TemporaryFailure, match="credentials"):
        await sms.send(outbound())
    await sms.close()
    assert fake.messages == []


async def test_twilio_unreachable_is_temporary(tmp_path: Path, fake: FakeTwilio) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = twilio_settings(tmp_path, fake, "https://x.example")
    settings = settings.model_copy(update={"twilio_api_url": f"http://127.0.0.1:{port}"})
    sms = TwilioSmsAdapter(settings)
    with pytest.raises(TemporaryFailure, match="not reachable"):
        await sms.send(outbound())
    await sms.close()


async def test_whatsapp_window_and_templates(
    adapters: Pair, fake: FakeTwilio, clock: Clock
) -> None:
    _, whatsapp = adapters
    assert whatsapp.capabilities.max_length == 1600
    wrote = clock.now - timedelta(hours=23, minutes=59)
    message = outbound("Hallo!\nMehr Text", channel=Channel.WHATSAPP, last_inbound_at=wrote)
    await whatsapp.send(message)
    sent = fake.messages[-1]
    assert (sent.to, sent.from_, sent.body) == (
        f"whatsapp:{GERMAN}",
        f"whatsapp:{WHATSAPP_FROM}",
        "Hallo!\nMehr Text",
    )
    assert sent.content_sid is None

    clock.advance(minutes=2)  # now the window has closed
    with pytest.raises(PermanentFailure, match=OUTSIDE_WINDOW) as caught:
        await whatsapp.send(message)
    assert not caught.value.unreachable
    with pytest.raises(PermanentFailure, match=OUTSIDE_WINDOW):
        await whatsapp.send(outbound(channel=Channel.WHATSAPP, template="reminder"))  # unknown

    await whatsapp.send(
        outbound("Einladung\nzur Beratung", channel=Channel.WHATSAPP, template="invitation")
    )
    sent = fake.messages[-1]
    assert (sent.content_sid, sent.body) == (TEMPLATES["invitation"]["de"], None)
    assert sent.variables == {"1": "Einladung"}
    await whatsapp.send(
        outbound("دعوة", channel=Channel.WHATSAPP, lang="ar", template="invitation")
    )
    assert fake.messages[-1].content_sid == TEMPLATES["invitation"]["en"]  # no ar: English


def test_only_configured_channels_get_adapters(tmp_path: Path) -> None:
    settings = load_settings(
        _env_file=None,
        data_dir=tmp_path,
        secret_key=SECRET,
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        twilio_from=SMS_FROM,
    )
    built = build_twilio_adapters(settings)
    assert list(built) == [Channel.SMS]


# -- end to end: the app, the database, the outbox -----------------------------------


@pytest.mark.parametrize("signature", [None, "bm90IGEgc2lnbmF0dXJl", "other-url"])
async def test_a_bad_or_missing_signature_is_refused(lotse: Lotse, signature: str | None) -> None:
    fake = lotse.fake
    params = fake.inbound_params(GERMAN, "Hallo")
    if signature == "other-url":  # signed for the local address, not the public one
        signature = fake.signature("http://localhost:9/webhooks/twilio/sms", params)
    answer = await fake.post(f"{lotse.url}/webhooks/twilio/sms", params, signature=signature)
    assert answer.status == 403
    assert "X-Twilio-Signature" in answer.text and GERMAN not in answer.text
    status = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}
    answer = await fake.post(f"{lotse.url}/webhooks/twilio/status", status, signature=signature)
    assert answer.status == 403
    assert await lotse.count() == 0


async def test_a_signed_message_gets_empty_twiml_at_once(lotse: Lotse) -> None:
    answer = await Phone(lotse, GERMAN).send("Hallo")
    assert (answer.text, answer.content_type) == (EMPTY_TWIML, "text/xml")
    assert lotse.fake.messages == []  # replies leave through the outbox, later
    rows = await lotse.messages()
    assert [r.direction for r in rows][:2] == ["in", "out"]
    assert all(r.status == "queued" for r in rows if r.direction == "out")


async def test_a_repeated_message_sid_is_processed_once(lotse: Lotse) -> None:
    phone = Phone(lotse, GERMAN)
    await phone.send("Hallo", sid="SM" + "1" * 32)
    before = await lotse.count()
    answer = await phone.send("Hallo", sid="SM" + "1" * 32)
    assert answer.text == EMPTY_TWIML  # Twilio must not retry: answer as usual
    assert await lotse.count() == before
    assert len(await lotse.messages("in")) == 1


@pytest.mark.parametrize(
    ("drop", "sender", "detail"),
    [
        ("From", GERMAN, "From and MessageSid are required"),
        ("MessageSid", GERMAN, "From and MessageSid are required"),
        (None, "+49 151", "From: invalid phone number: it is too short"),
        (None, "Telekom", "From: invalid phone number: it is not a phone number"),
    ],
)
async def test_a_malformed_message_is_refused(
    lotse: Lotse, drop: str | None, sender: str, detail: str
) -> None:
    params = lotse.fake.inbound_params(sender, "Hallo")
    params.pop(drop or "", None)
    answer = await lotse.fake.post(f"{lotse.url}/webhooks/twilio/sms", params)
    assert answer.status == 400
    assert detail in answer.text
    assert await lotse.count() == 0


async def test_an_overlong_sms_is_cut_to_the_chat_limit_not_stored_whole(lotse: Lotse) -> None:
    answer = await Phone(lotse, GERMAN).send("Hallo " + "x" * 60_000)
    assert answer.text == EMPTY_TWIML  # taken, as a real person's message would be
    (stored,) = await lotse.messages("in")
    assert stored.body_enc is not None
    text = decode_body(lotse.services.vault, stored.body_enc)["text"]
    limit = lotse.services.settings.max_text_length
    assert len(text) == limit and text.startswith("Hallo x")


async def test_a_malformed_status_callback_is_refused(lotse: Lotse) -> None:
    url = f"{lotse.url}/webhooks/twilio/status"
    answer = await lotse.fake.post(url, {"MessageSid": "SM" + "2" * 32})
    assert answer.status == 400 and "MessageStatus" in answer.text
    answer = await lotse.fake.post(url, {"MessageSid": "SM" + "2" * 32, "MessageStatus": "sent"})
    assert answer.status == 204  # an unknown message: nothing to move, nothing to fail


async def test_a_photo_without_text_gets_a_polite_answer(lotse: Lotse) -> None:
    phone = Phone(lotse, SYRIAN)
    await phone.say("مرحبا")
    answer = await phone.say("", media=1)
    assert (
        lotse.text("ar", "Sorry, I can only read written text. Please write your answer.") in answer
    )


async def test_onboarding_by_sms_with_numbers_and_labels(lotse: Lotse) -> None:
    phone = Phone(lotse, GERMAN)
    menu = await phone.say("Hallo")  # a German number says nothing about the language
    assert "1. Deutsch" in menu and "2. English" in menu and "3. العربية" in menu
    assert "13. Français" in menu
    about = await phone.say("2")
    # By SMS the short notice: who runs Lotse and for what, how to withdraw, the link.
    assert "Lotse is a free service of Stadt Musterstadt" in about
    assert f"{lotse.url}/privacy?lang=en" in about
    assert "1. Continue\n2. Choose another language" in about and REPLY_WITH_NUMBER in about
    consent = await phone.say("1")
    # Named from an SMS: the web chat is not "this" one, the SMS is.
    assert "this web chat" not in consent
    assert "by the Lotse web chat" in consent and "1. Yes\n2. No" in consent
    assert "by SMS (like this message)?" in await phone.say(" yes! ")
    assert "by WhatsApp" in await phone.say("YES")
    rank = await phone.say("no.")
    assert "1. the Lotse web chat\n2. SMS (like this message)" in rank
    # The receipt in one line: each channel and the answer.
    assert ": the Lotse web chat: yes, SMS (like this message): yes, WhatsApp: no." in rank
    done = await phone.say("sms (like THIS message)")
    assert "in this order: SMS (like this message), the Lotse web chat" in done

    assert "Thank you! Your choices are saved." in done
    async with lotse.services.sessionmaker() as session:
        person = await session.scalar(select(Person))
        records = list(await session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)))
    assert person is not None and person.onboarded_at is not None
    assert (person.language, person.channel_ranking) == ("en", ["sms", "webchat"])
    assert [(r.channel, r.state) for r in records] == [
        ("webchat", "given"),
        ("sms", "given"),
        ("whatsapp", "refused"),
    ]
    assert all(m.from_ == SMS_FROM for m in lotse.fake.messages)


async def test_a_syrian_number_is_greeted_in_arabic(lotse: Lotse) -> None:
    phone = Phone(lotse, SYRIAN)
    welcome = await phone.say("مرحبا")
    assert native_name("ar") in welcome
    continue_ar = lotse.text("ar", "Continue")
    # Numbered choices in RTL text are isolated so the digits stay in place.
    assert f"\u20671. {continue_ar}\u2069" in welcome
    assert lotse.text("ar", SMS_REPLY_WITH_NUMBER.msgid) in welcome
    about = await phone.say("١")  # an Arabic-Indic digit from an Arabic keyboard
    assert lotse.text("ar", "Continue") in about and "Lotse" in about
    consent = await phone.say("1")
    assert lotse.text("ar", "Yes") in consent
    async with lotse.services.sessionmaker() as session:
        person = await session.scalar(select(Person))
    assert person is not None and person.language == "ar"


async def test_a_russian_number_onboards_in_russian_by_labels(lotse: Lotse) -> None:
    phone = Phone(lotse, RUSSIAN)
    welcome = await phone.say("Привет")
    continue_ru = lotse.text("ru", "Continue")
    assert native_name("ru") in welcome and f"1. {continue_ru}" in welcome
    about = await phone.say(f"  {continue_ru.upper()}!! ")
    assert lotse.text("ru", SMS_REPLY_WITH_NUMBER.msgid) in about
    await phone.say("1")
    second = await phone.say(lotse.text("ru", "Yes").lower() + ".")
    assert lotse.text("ru", "SMS (like this message)") in second


async def test_status_callbacks_move_rows_forward(lotse: Lotse) -> None:
    await Phone(lotse, GERMAN).say("Hallo")
    await Phone(lotse, RUSSIAN).say("Привет")
    rows = {r.provider_id: r for r in await lotse.messages("out")}
    first, *_ = lotse.fake.to(GERMAN)
    [russian] = [m for m in lotse.fake.to(RUSSIAN) if m.sid in rows]
    assert rows[first.sid].status == "sent"
    assert (await lotse.fake.status(first, "queued")).status == 204
    assert (await lotse.fake.status(first, "delivered")).status == 204
    assert (await lotse.fake.status(first, "sent")).status == 204  # late: never backwards
    answer = await lotse.fake.status(russian, "undelivered", error_code="30003")
    assert answer.status == 204
    rows = {r.provider_id: r for r in await lotse.messages("out")}
    assert rows[first.sid].status == "delivered" and rows[first.sid].delivered_at is not None
    assert rows[russian.sid].status == "failed"
    assert "30003" in (rows[russian.sid].error or "")


async def test_an_opted_out_number_is_marked_when_a_send_says_21610(lotse: Lotse) -> None:
    lotse.fake.error(21610, to=GERMAN)
    await Phone(lotse, GERMAN).say("Hallo")
    assert lotse.fake.messages == []
    contact = await lotse.contact()
    assert contact.opted_out_at is not None
    [first, *_] = await lotse.messages("out")
    assert first.status == "failed" and first.error is not None and "21610" in first.error


async def test_stop_mid_flow_confirms_once_and_start_resumes(lotse: Lotse) -> None:
    phone = Phone(lotse, GERMAN)
    await phone.say("Hallo")
    await phone.say("2")
    stopped = await phone.say("STOP")
    assert "You will get no more messages from us by SMS (text message)" in stopped
    assert (await lotse.contact()).opted_out_at is not None
    assert await phone.say("1") == ""  # nothing reaches an opted-out number
    assert await phone.say("stop") == ""  # confirmed once only
    resumed = await phone.say("START")
    assert "Welcome back! You will get our messages by SMS (text message) again." in resumed
    assert (await lotse.contact()).opted_out_at is None


async def _queue_whatsapp(lotse: Lotse, text: str, template: str | None) -> int:
    """An outbox row for the WhatsApp contact, as an invitation job would write it."""
    contact = await lotse.contact(Channel.WHATSAPP)
    vault, now = lotse.services.vault, lotse.clock()
    async with lotse.services.sessionmaker() as session, session.begin():
        row = Message(
            person_id=contact.person_id,
            contact_id=contact.id,
            direction="out",
            channel="whatsapp",
            status="queued",
            body_enc=encode_body(vault, text, template=template),
            lang="de",
            next_attempt_at=now,
            created_at=now,
            attempts=0,
        )
        session.add(row)
    return row.id


async def test_whatsapp_inside_and_outside_the_24_hour_window(lotse: Lotse) -> None:
    phone = Phone(lotse, GERMAN, whatsapp=True)
    menu = await phone.say("Hallo")
    assert "2. English" in menu
    assert all(m.body and m.content_sid is None for m in lotse.fake.messages)
    assert lotse.fake.messages[0].from_ == f"whatsapp:{WHATSAPP_FROM}"
    assert (await lotse.contact(Channel.WHATSAPP)).last_inbound_at == lotse.clock()

    lotse.clock.advance(hours=24, seconds=1)
    sent = len(lotse.fake.messages)
    plain = await _queue_whatsapp(lotse, "Neue Beratung", template=None)
    invitation = await _queue_whatsapp(lotse, "Einladung zur Beratung\nAm Montag", "invitation")
    await lotse.dispatch()
    rows = {r.id: r for r in await lotse.messages("out")}
    assert (rows[plain].status, rows[plain].error) == ("failed", OUTSIDE_WINDOW)
    assert rows[invitation].status == "sent"
    [template] = lotse.fake.messages[sent:]
    assert template.content_sid == TEMPLATES["invitation"]["de"] and template.body is None
    assert template.variables == {"1": "Einladung zur Beratung"}
    assert rows[invitation].provider_id == template.sid
    assert (await lotse.fake.status(template, "read")).status == 204
    [row] = [r for r in await lotse.messages("out") if r.id == invitation]
    assert row.status == "delivered"
    assert (await lotse.contact(Channel.WHATSAPP)).reachable  # a closed window kills nothing


async def test_429_with_retry_after_is_retried_after_that_time(lotse: Lotse) -> None:
    lotse.fake.rate_limit("30")
    phone = Phone(lotse, GERMAN)
    assert await phone.say("Hallo") == ""
    [first, *_] = await lotse.messages("out")
    assert first.status == "queued" and first.next_attempt_at == lotse.clock() + timedelta(
        seconds=30
    )
    lotse.clock.advance(seconds=29)
    await lotse.dispatch()
    assert lotse.fake.messages == []
    lotse.clock.advance(seconds=2)
    await lotse.dispatch()
    assert (lotse.fake.to(GERMAN)[0].body or "").startswith("🌐")
    assert all(r.status == "sent" for r in await lotse.messages("out"))


async def test_an_outage_then_recovery_sends_everything_once_in_order(lotse: Lotse) -> None:
    people = [Phone(lotse, GERMAN), Phone(lotse, RUSSIAN)]
    lotse.fake.fail(503, times=-1)
    for phone in people:
        await phone.send("Hallo")
    for _ in range(3):
        await lotse.dispatch()
        lotse.clock.advance(minutes=1)
    assert lotse.fake.messages == [] and len(lotse.fake.attempts) >= 6
    lotse.fake.recover()
    lotse.clock.advance(minutes=10)
    await lotse.dispatch()
    rows = await lotse.messages("out")
    assert rows and all(r.status == "sent" and r.attempts > 1 for r in rows)
    sids = [m.sid for m in lotse.fake.messages]
    assert len(set(sids)) == len(sids)
    for phone in people:
        received = lotse.fake.to(phone.number)
        bodies = [m.body for m in received]
        assert len(set(bodies)) == len(bodies)  # nothing twice
        # Rows went out in their order, each row's parts together.
        firsts = [r.provider_id for r in rows if r.provider_id in {m.sid for m in received}]
        assert firsts == [m.sid for m in received if m.sid in firsts]
    german = lotse.fake.to(GERMAN)
    # The language menu, whole in one SMS, its hint in numbers only.
    assert [m.body for m in german] == [german[0].body]
    assert (german[0].body or "").startswith("🌐 Lotse") and (german[0].body or "").endswith("1–13")


async def test_no_number_and_no_text_reach_the_log(
    lotse: Lotse, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    lotse.fake.rate_limit("1")
    lotse.fake.error(21211, to=SYRIAN)
    await Phone(lotse, GERMAN).say("Geheimnis")
    lotse.clock.advance(seconds=2)
    await lotse.dispatch()
    await Phone(lotse, SYRIAN).say("سر")
    await lotse.fake.post(f"{lotse.url}/webhooks/twilio/sms", {"From": GERMAN}, signature="x")
    assert lotse.fake.to(GERMAN)  # the exchange happened
    for secret in ("1511234", "944567", "Geheimnis", "سر", "Deutsch"):
        assert secret not in caplog.text
