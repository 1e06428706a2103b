"""The request letter to a data holder: the binding German letter (DIN 5008, the person
as sender, the holder as recipient), then, for a person who reads another language, a
page on how to send it and a working translation of the whole letter, marked as not
binding.

The German text is written in code (`letter_text`), not read from the catalogs: what
an authority receives must not change with a translation. The person's own words go in
as written, in the German letter and in the translation alike.
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
    Letterhead,
    LetterPart,
    OwnWords,
    Paragraph,
    SignatureLine,
    Steps,
    render_letters,
)
from bot.holders import Holder, IdentityProof, RequestKind, Supervisor
from bot.i18n import Translator
from bot.kernel.bidi import isolated
from bot.kernel.types import Text, t
from bot.rights import letter_text as say
from bot.rights.identity import Details, Identity
from bot.rights.letter_guide import guide

BINDING_LANGUAGE = "de"
FILE_WORDS = {
    RequestKind.ACCESS: "auskunft",
    RequestKind.CORRECTION: "berichtigung",
    RequestKind.ERASURE: "loeschung",
    RequestKind.RESTRICTION: "einschraenkung",
    RequestKind.TRANSFER_BLOCK: "uebermittlungssperre",
}
#: Any letter outside Latin script (and digits, punctuation, spaces).
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f\u20ac]")


@dataclass(frozen=True, slots=True)
class LetterRequest:
    holder: Holder
    supervisor: Supervisor | None
    kind: RequestKind
    identity: Identity
    details: Details
    #: The person's language: the guide and the working translation are in it.
    lang: str
    dated: date
    #: The request's reference ("Mein Zeichen"), quoted in the holder's answer.
    reference: str


def request_letter(request: LetterRequest, translator: Translator) -> DinLetter:
    """The letter: German first (the pages to send), then the guide and the translation
    in the person's language unless that is German. Raises ValueError when the holder
    takes no request of this kind."""
    holder, kind = request.holder, request.kind
    cites = say.cited(say.citations_of(holder, kind))
    subject_de, subject_en = say.subject(holder, kind, cites)
    pieces = _pieces(request, cites)
    parts = [LetterPart(BINDING_LANGUAGE, subject_de, _binding(pieces, request))]
    tr = translator
    translated = request.lang != BINDING_LANGUAGE
    # The guide in every language (a German reader needs to know how to send it too);
    # the working translation only where the letter is not in the reader's language.
    parts.append(LetterPart(tr.lang, tr.text(t("How to send this letter")),
                            guide(request, tr, blanks=_has_blanks(request),
                                  translated=translated)))  # fmt: skip
    if translated:
        parts.append(LetterPart(tr.lang, tr.text(_isolating(subject_en)),
                                _translated(pieces, request, tr)))  # fmt: skip
    return DinLetter(recipient(holder), sender(request.identity, request.dated, request.reference),
                     tuple(parts))  # fmt: skip


def render_request_letter(request: LetterRequest, translator: Translator) -> bytes:
    """The letter as one PDF. Raises LetterFontsMissing when a letter font is missing."""
    pdf, _ = render_letters([request_letter(request, translator)])
    return pdf


def letter_filename(request: LetterRequest) -> str:
    """An ASCII file name saying what the letter is: "antrag-azr-auskunft.pdf"."""
    slug = re.sub(r"[^a-z0-9]+", "-", request.holder.slug.lower()).strip("-") or "stelle"
    return f"antrag-{slug}-{FILE_WORDS[request.kind]}.pdf"


# ---------------------------------------------------------------- the letter's content


def _pieces(request: LetterRequest, cites: str) -> list[say.Piece]:
    holder, kind = request.holder, request.kind
    pieces: list[say.Piece] = [say.SALUTATION, *say.body(holder, kind, request.details, cites)]
    if _foreign_words(request):
        pieces.append(say.FOREIGN_WORDS)
    pieces.append(say.Head("Angaben zu meiner Person", t("About me")))
    # The form's fields serve every kind (the register finds a person by them), but the
    # form is an access form: only an access request says it follows it.
    if holder.form is not None and request.kind is RequestKind.ACCESS:
        pieces.append(
            say.Say(f"Die Angaben folgen den Feldern Ihres Vordrucks „{holder.form.name_de}“.",
                    t("The details follow the fields of your form “{form}”.",
                      form=holder.form.name_de))
        )  # fmt: skip
    pieces.append(say.Rows(say.identity_rows(holder, request.identity)))
    pieces += say.proof(holder)
    pieces += say.deadline(holder, kind)
    pieces.append(say.reference(request.reference))
    return pieces


def _words(request: LetterRequest) -> tuple[str, ...]:
    d = request.details
    match request.kind:
        case RequestKind.CORRECTION:
            return (d.wrong, d.right)
        case RequestKind.ERASURE | RequestKind.RESTRICTION | RequestKind.TRANSFER_BLOCK:
            return (d.reasons,)
    return ()


def _foreign_words(request: LetterRequest) -> bool:
    """The person's words hold letters outside Latin script: not German, and an
    authority reading them needs a translation."""
    return any(_NOT_LATIN.search(text) for text in _words(request))


def _has_blanks(request: LetterRequest) -> bool:
    return any(not row.value for row in say.identity_rows(request.holder, request.identity))


def recipient(holder: Holder) -> AddressLines:
    if holder.address is None:  # the person writes it in by hand (their health insurer)
        return AddressLines(("", "", "", ""))
    return AddressLines(tuple(line for line in holder.address.lines() if line.strip()))


def sender(i: Identity, dated: date, reference: str) -> Letterhead:
    """The person as the sender, with the letter's date and its reference."""
    return Letterhead(
        office_name=i.full_name, street=i.street, postcode=i.postcode, city=i.city,
        contact=f"Datum: {say.dated(dated)}", more=(f"Mein Zeichen: {reference}",),
    )  # fmt: skip


def _closing(request: LetterRequest, regards: str) -> list[Block]:
    blocks: list[Block] = [Closing((regards,)), SignatureLine(request.identity.full_name)]
    return blocks


def binding_blocks(pieces: list[say.Piece]) -> list[Block]:
    """The binding German of a letter's pieces (the request and its follow-ups)."""
    blocks: list[Block] = []
    for piece in pieces:
        match piece:
            case say.Say(de, _, cite):
                blocks.append(Paragraph(_with_cite(de, cite)))
            case say.Head(de, _):
                blocks.append(Heading(de))
            case say.Items(items):
                blocks.append(Steps(tuple(_with_cite(i.de, i.cite) for i in items)))
            case say.Words(text):
                blocks.append(OwnWords(text, say.OWN_WORDS_DE))
            case say.Rows(rows):
                blocks.append(DataBlock(tuple((r.de, r.value) for r in rows)))
            case say.Box(de, _):
                blocks.append(BlankBox(de, height=45.0))
    return blocks


def _binding(pieces: list[say.Piece], request: LetterRequest) -> tuple[Block, ...]:
    blocks = binding_blocks(pieces) + _closing(request, say.REGARDS[0])
    if request.holder.identity_proof is IdentityProof.CERTIFIED_SIGNATURE:
        blocks.append(BlankBox(say.CERTIFICATION[0]))
    return tuple(blocks)


def _translated(
    pieces: list[say.Piece], request: LetterRequest, tr: Translator
) -> tuple[Block, ...]:
    # TRANSLATORS: Request letter: the first line of the working translation.
    blocks: list[Block] = [Heading(tr.text(t("Translation — not binding. Send only the "
                                             "German pages.")))]  # fmt: skip
    for piece in pieces:
        match piece:
            case say.Say(_, en, cite):
                blocks.append(Paragraph(_translated_cite(tr.text(_isolating(en)), cite)))
            case say.Head(_, en):
                blocks.append(Heading(tr.text(en)))
            case say.Items(items):
                blocks.append(Steps(tuple(_translated_cite(tr.text(_isolating(i.en)), i.cite)
                                          for i in items)))  # fmt: skip
            case say.Words(text):
                blocks.append(OwnWords(text, tr.text(say.OWN_WORDS)))
            case say.Rows(rows):
                blocks.append(DataBlock(tuple(
                    (tr.text(r.en) if r.en else r.de, r.value) for r in rows)))  # fmt: skip
    blocks += _closing(request, tr.text(say.REGARDS[1]))
    if request.holder.identity_proof is IdentityProof.CERTIFIED_SIGNATURE:
        blocks.append(BlankBox(tr.text(say.CERTIFICATION[1])))
    return tuple(blocks)


def _with_cite(de: str, cite: str) -> str:
    if not cite:
        return de
    end = de[-1] if de[-1] in ".:;" else ""
    return f"{de.removesuffix(end)} ({cite}){end}"


def _translated_cite(text: str, cite: str) -> str:
    return f"{text} ({isolated(cite)})" if cite else text


def _isolating(text: Text) -> Text:
    """Citations, names and references stay left to right inside any sentence."""
    return replace(text, params={k: isolated(str(v)) for k, v in text.params.items()})
