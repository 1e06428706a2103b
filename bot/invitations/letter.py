"""The postal invitation letter: what it says, in the person's language and in German.

The person's language comes first, German second, so that anyone who helps the person
can read the letter too. The page itself (DIN 5008 form B, right to left where the
language is, the PDF) is `bot.documents`'s: this module only words the letter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.db.models import Invitation, Office
from bot.documents import (
    Block,
    Closing,
    DinLetter,
    Heading,
    Letterhead,
    LetterPart,
    Paragraph,
    QrBox,
    Steps,
    render_letters,
)
from bot.i18n import Catalogs, Translator
from bot.invitations.codes import code_of, display_code
from bot.invitations.links import entry_link, sms_number
from bot.invitations.request import personal_of
from bot.kernel.bidi import isolated
from bot.kernel.crypto import Vault
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Text, t

SECOND_LANGUAGE = "de"


@dataclass(frozen=True, slots=True)
class LetterContent:
    """What one invitation letter says, before it is worded in any language."""

    language: str
    recipient: PostalAddress
    sender: Letterhead
    code: str
    #: What the QR code carries: the Telegram deep link, or the web chat link with the code.
    qr_url: str
    chat_url: str
    #: Lotse's SMS number people text the code to; None leaves the SMS step out.
    sms_number: str | None
    expires_on: date
    #: The one reminder (same code, same ways in) rather than the first invitation.
    reminder: bool = False


class LetterContext(Protocol):
    """What wording an invitation's letter needs; `bot.runtime.services.Services` has it."""

    @property
    def settings(self) -> Settings: ...
    @property
    def vault(self) -> Vault: ...


def letter_content(
    services: LetterContext, invitation: Invitation, office: Office, *, reminder: bool = False
) -> LetterContent | None:
    """What the invitation's letter says; None without a postal address."""
    settings = services.settings
    personal = personal_of(services.vault, invitation)
    address = personal.postal_address if personal else None
    if address is None:
        return None
    return LetterContent(
        language=invitation.language,
        recipient=address,
        sender=Letterhead(
            office_name=office.name, street=office.street, postcode=office.postcode,
            city=office.city, contact=office.contact,
        ),
        code=display_code(code_of(services.vault, invitation)),
        qr_url=entry_link(settings, services.vault, invitation)[0],
        chat_url=f"{settings.public_url}/chat",
        sms_number=sms_number(settings),
        expires_on=invitation.expires_at.astimezone(ZoneInfo(settings.timezone)).date(),
        reminder=reminder,
    )  # fmt: skip


def render_letter(content: LetterContent, catalogs: Catalogs) -> bytes:
    """One letter as a PDF."""
    pdf, _ = render_batch([content], catalogs)
    return pdf


def render_batch(
    contents: Sequence[LetterContent], catalogs: Catalogs, *, duplex: bool = False
) -> tuple[bytes, list[int]]:
    """A print batch as one PDF, and each letter's page count in order: 1 for a German
    letter, 2 for others (their German part is on the second page), more if a
    translation runs long. `duplex`: see `bot.documents.render_letters`."""
    return render_letters([worded(c, catalogs) for c in contents], duplex=duplex)


def worded(c: LetterContent, catalogs: Catalogs) -> DinLetter:
    """The letter with its parts: the person's language, then German (unless it is
    German). The QR code sits in the first part, below the steps that point to it; the
    German part refers to the same code."""
    parts = [_part(catalogs[c.language], c, qr_here=True)]
    if c.language != SECOND_LANGUAGE:
        parts.append(_part(catalogs[SECOND_LANGUAGE], c, qr_here=False))
    return DinLetter(c.recipient, c.sender, tuple(parts))


def _part(tr: Translator, c: LetterContent, *, qr_here: bool) -> LetterPart:
    """One language's part; the QR box is in the first part only."""
    subject = tr.text(
        # TRANSLATORS: Postal reminder letter: its subject line.
        t("Reminder: invitation to free advice in your language")
        if c.reminder
        # TRANSLATORS: Postal invitation letter: its subject line.
        else t("Invitation to free advice in your language")
    )
    access: list[Block] = [QrBox(c.qr_url, c.code, c.chat_url)] if qr_here else []
    blocks: list[Block] = [
        *(Paragraph(tr.text(text)) for text in _body_texts(c)),
        Heading(tr.text(t("How to start"))),
        Steps(tuple(tr.text(way) for way in _way_texts(c, qr_here=qr_here))),
        *access,
        *(Paragraph(tr.text(text)) for text in _closing_texts(c)),
        Closing((tr.text(t("Kind regards")), c.sender.office_name)),
    ]
    return LetterPart(tr.lang, subject, tuple(blocks))


# ---------------------------------------------------------------- the texts


def _body_texts(c: LetterContent) -> list[Text]:
    office = c.sender.office_name
    return [
        # TRANSLATORS: Postal invitation letter, greeting; {name} is the recipient's full name.
        t("Hello {name},", name=isolated(c.recipient.name)),
        *_reminder_texts(c),
        # TRANSLATORS: Postal invitation letter; {city} is where the person now lives.
        t("Welcome to {city}! You are invited to free advice in your language: about "
          "living, work, school, health and papers in Germany.", city=c.recipient.city),
        # TRANSLATORS: Postal invitation letter; {office} is e.g. "Bürgeramt Mitte".
        t("Lotse is a service of {office}. With Lotse, advice services can reach you "
          "in your language, by chat, SMS or letter. Taking part is voluntary, and you "
          "can stop at any time.", office=office),
    ]  # fmt: skip


def _reminder_texts(c: LetterContent) -> list[Text]:
    if not c.reminder:
        return []
    # TRANSLATORS: Postal reminder letter, after the greeting; the first invitation may
    # have come by letter or by SMS.
    return [t("We sent you this invitation recently. In case it got lost, here it is "
              "again.")]  # fmt: skip


def _way_texts(c: LetterContent, *, qr_here: bool) -> list[Text]:
    ways = [
        # TRANSLATORS: Postal invitation letter: the QR code printed below the steps.
        t("Scan the code with your phone's camera.")
        if qr_here
        # TRANSLATORS: Postal invitation letter, German part: the QR code is printed only
        # once, in the part in the person's language that comes first.
        else t("Scan the QR code in the first part of this letter with your phone's camera."),
        t("Or open {url} and enter the code {code}.",
          url=isolated(c.chat_url), code=isolated(c.code)),
    ]  # fmt: skip
    if c.sms_number:
        # TRANSLATORS: Postal invitation letter: people text the code itself, e.g.
        # "K7QF-9M2X", to Lotse's number {number}.
        ways.append(t("Or send the code {code} by SMS to {number}.",
                      code=isolated(c.code), number=isolated(c.sms_number)))  # fmt: skip
    return ways


def _closing_texts(c: LetterContent) -> list[Text]:
    return [
        t("The code is valid until {date}.", date=c.expires_on),
        t("Questions? {office} is happy to help: {contact}",
          office=c.sender.office_name, contact=isolated(c.sender.contact)),
    ]  # fmt: skip
