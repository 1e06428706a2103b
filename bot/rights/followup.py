"""The follow-up letters of a request: the reminder to the holder once its deadline
passed, and the complaint to the holder's supervisory authority (Art. 77 GDPR) once the
reminder's passed too or an answer fell short. Like the request letter: the binding
German letter first, then the guide in the person's language and, unless they read
German, a working translation marked as not binding (bot.rights.letter).

The reminder's new deadline is a date: two weeks after the letter, dated today and sent
by post, has arrived (bot.rights.deadlines.reminder_due, with the holder's Land).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from bot.documents import (
    AddressLines,
    BlankBox,
    Block,
    Closing,
    DataBlock,
    DinLetter,
    Heading,
    LetterPart,
    Paragraph,
    SignatureLine,
    Steps,
    render_letters,
)
from bot.holders import Holder, RequestKind, Supervisor
from bot.i18n import Translator
from bot.kernel.bidi import isolated
from bot.kernel.types import Text, t
from bot.rights import followup_text as follow
from bot.rights import letter_text as say
from bot.rights.deadlines import SentBy, reminder_due
from bot.rights.followup_guide import complaint_guide, reminder_guide
from bot.rights.identity import Identity
from bot.rights.letter import BINDING_LANGUAGE, FILE_WORDS, binding_blocks, recipient, sender
from bot.rights.views import Clock, LetterKind

_FILE_KINDS = {LetterKind.REMINDER: "erinnerung", LetterKind.COMPLAINT: "beschwerde"}


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A reminder or complaint about one request, as its letter is made from it."""

    letter: LetterKind  # REMINDER or COMPLAINT
    holder: Holder
    supervisor: Supervisor | None
    kind: RequestKind
    identity: Identity
    #: The person's language: the guide and the working translation are in it.
    lang: str
    #: The letter's date (the day it is made).
    dated: date
    #: The request's reference ("Mein Zeichen").
    reference: str
    clock: Clock

    @property
    def new_due(self) -> date:
        """The reminder's deadline: two weeks after it arrives, sent by post today."""
        return reminder_due(self.dated, SentBy.POST, self.holder.land)


def followup_letter(request: FollowUp, translator: Translator) -> DinLetter:
    """The letter: German first, then the guide and the translation in the person's
    language (the guide only, for a German reader). Raises ValueError for a request
    letter, or a holder that takes no request of this kind."""
    tr, translated = translator, request.lang != BINDING_LANGUAGE
    match request.letter:
        case LetterKind.REMINDER:
            (subject_de, subject_en), pieces = _reminder(request)
            to = recipient(request.holder)
            guide = reminder_guide(request, tr, translated=translated)
        case LetterKind.COMPLAINT:
            (subject_de, subject_en), pieces = _complaint(request)
            to = _authority(request.supervisor)
            guide = complaint_guide(request, tr, translated=translated)
        case _:
            raise ValueError(f"not a follow-up letter: {request.letter}")
    name = request.identity.full_name
    parts = [
        LetterPart(BINDING_LANGUAGE, subject_de, _binding(pieces, name)),
        LetterPart(tr.lang, tr.text(t("How to send this letter")), guide),
    ]
    if translated:
        parts.append(LetterPart(tr.lang, tr.text(_isolating(subject_en)),
                                _translated(pieces, name, tr)))  # fmt: skip
    return DinLetter(to, sender(request.identity, request.dated, request.reference), tuple(parts))


def render_followup_letter(request: FollowUp, translator: Translator) -> bytes:
    """The letter as one PDF. Raises LetterFontsMissing when a letter font is missing."""
    pdf, _ = render_letters([followup_letter(request, translator)])
    return pdf


def followup_filename(request: FollowUp) -> str:
    """An ASCII file name saying what the letter is: "erinnerung-azr-auskunft.pdf"."""
    slug = re.sub(r"[^a-z0-9]+", "-", request.holder.slug.lower()).strip("-") or "stelle"
    return f"{_FILE_KINDS[request.letter]}-{slug}-{FILE_WORDS[request.kind]}.pdf"


def _reminder(request: FollowUp) -> tuple[tuple[str, Text], list[follow.Piece]]:
    holder, kind, clock = request.holder, request.kind, request.clock
    pieces = follow.reminder(
        holder, kind, clock, request.identity, ref=request.reference,
        supervisor=request.supervisor, new_due=request.new_due,
    )  # fmt: skip
    return follow.reminder_subject(holder, kind, clock), pieces


def _complaint(request: FollowUp) -> tuple[tuple[str, Text], list[follow.Piece]]:
    pieces = follow.complaint(
        request.holder, request.kind, request.clock, request.identity, ref=request.reference
    )
    return follow.complaint_subject(request.holder), pieces


def _authority(supervisor: Supervisor | None) -> AddressLines:
    """The supervisory authority's address; blank lines to write on where the catalog has
    none (the guide says where to find it)."""
    if supervisor is None or supervisor.address is None:
        return AddressLines(("", "", "", ""))
    return AddressLines(tuple(line for line in supervisor.address.lines() if line.strip()))


def _closing(regards: str, name: str) -> list[Block]:
    return [Closing((regards,)), SignatureLine(name)]


def _binding(pieces: list[follow.Piece], name: str) -> tuple[Block, ...]:
    return (*binding_blocks(pieces), *_closing(say.REGARDS[0], name))


def _translated(pieces: list[follow.Piece], name: str, tr: Translator) -> tuple[Block, ...]:
    blocks: list[Block] = [Heading(tr.text(t("Translation — not binding. Send only the "
                                             "German pages.")))]  # fmt: skip
    for piece in pieces:
        match piece:
            case say.Say(_, en, cite):
                text = tr.text(_isolating(en))
                # One unbroken run: a citation wrapped inside a right-to-left line reads
                # in the wrong order.
                kept = cite.replace(" ", "\u00a0")
                blocks.append(Paragraph(f"{text} ({isolated(kept)})" if cite else text))
            case say.Head(_, en):
                blocks.append(Heading(tr.text(en)))
            case say.Items(items):
                blocks.append(Steps(tuple(tr.text(_isolating(i.en)) for i in items)))
            case say.Rows(rows):
                # The values stay German: they are what the authority reads.
                blocks.append(DataBlock(tuple(
                    (tr.text(r.en) if r.en else r.de, isolated(r.value) if r.value else "")
                    for r in rows)))  # fmt: skip
            case follow.Box(_, en):
                blocks.append(BlankBox(tr.text(en), height=20.0))
    return (*blocks, *_closing(tr.text(say.REGARDS[1]), name))


def _isolating(text: Text) -> Text:
    """Names, references and citations stay left to right in any sentence; dates are
    written in the reader's language (and nested texts translated)."""
    return replace(text, params={k: _param(v) for k, v in text.params.items()})


def _param(value: object) -> object:
    if isinstance(value, Text):
        return _isolating(value)
    return value if isinstance(value, date) else isolated(str(value))
