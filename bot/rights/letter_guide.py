"""The page after the German letter: how to send it, what happens next and where to
complain, in the person's language and plain words (before the working translation,
where there is one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.documents import Block, Closing, Heading, Paragraph, Steps
from bot.holders import IdentityProof, RequestKind, Transport
from bot.i18n import Translator
from bot.kernel.bidi import isolated
from bot.kernel.types import Text, t

if TYPE_CHECKING:
    from bot.rights.letter import LetterRequest


def guide(
    request: LetterRequest, tr: Translator, *, blanks: bool, translated: bool = True
) -> tuple[Block, ...]:
    """The guide's blocks; `translated`: a working translation follows this page."""
    holder = request.holder
    plain = tr.gettext(holder.plain_name)
    blocks: list[Block] = []
    if translated:
        blocks.append(Paragraph(tr.text(t(
            "The German pages are the letter itself. The translation after this page is "
            "only for you to read: do not send it."))))  # fmt: skip
    blocks += [
        Paragraph(tr.text(t("The letter goes to: {holder}.",
                            holder=isolated(holder.name) if holder.address else plain))),
        Steps(tuple(tr.text(step) for step in _steps(request, plain, blanks=blanks))),
    ]  # fmt: skip
    if request.kind is RequestKind.TRANSFER_BLOCK:
        blocks.append(Paragraph(tr.text(t(
            "You can also hand in this request at the asylum unit of the BAMF or at your "
            "foreigners authority (Ausländerbehörde)."))))  # fmt: skip
    if holder.online is not None:
        blocks.append(Paragraph(tr.text(t(
            "Online instead: {way}: {web}", way=tr.gettext(holder.online.plain),
            web=isolated(holder.online.web)))))  # fmt: skip
    blocks.append(Heading(tr.text(t("What happens next"))))
    if request.kind is RequestKind.TRANSFER_BLOCK:
        blocks.append(Paragraph(tr.text(t(
            "The law sets no fixed deadline for this request. If you have no answer after a "
            "month, write again or ask an advice service for help."))))  # fmt: skip
    else:
        blocks.append(Paragraph(tr.text(t(
            "The office must answer within one month. It may extend this by two more months "
            "if the request is complex, but must tell you so, with reasons, within the first "
            "month."))))  # fmt: skip
    if request.kind in (RequestKind.CORRECTION, RequestKind.ERASURE, RequestKind.RESTRICTION,
                        RequestKind.TRANSFER_BLOCK):  # fmt: skip
        blocks.append(Paragraph(tr.text(t(
            "Your own words are in the letter as you wrote them. If the office asks for a "
            "German translation, you need to send one; an advice service can help."))))  # fmt: skip
    blocks.append(Heading(tr.text(t("If you get no answer, or you disagree"))))
    supervisor = request.supervisor
    if supervisor is None:
        blocks.append(Paragraph(tr.text(t(
            "You can complain to the data protection supervisory authority of your federal "
            "state, free of charge."))))  # fmt: skip
    else:
        blocks.append(Paragraph(tr.text(t(
            "You can complain, free of charge, to the data protection supervisory "
            "authority:"))))  # fmt: skip
        lines = [supervisor.name]
        if supervisor.address is not None:
            # The address repeats the name on its first line: print the name once.
            lines += [
                line for line in supervisor.address.lines() if line.strip() and line not in lines
            ]
        lines += [v for v in (supervisor.email, supervisor.web) if v]
        blocks.append(Closing(tuple(isolated(line) for line in lines)))
    return tuple(blocks)


def _steps(request: LetterRequest, plain: str, *, blanks: bool) -> list[Text]:
    holder = request.holder
    steps = [t("Print the German pages.")]
    if blanks:
        steps.append(t("Fill in by hand the empty lines in your details where you know the "
                       "answer (for example an earlier name)."))  # fmt: skip
    if holder.address is None:
        steps.append(t("Write the name and postal address of your {holder} in the empty "
                       "address field at the top of the first page.", holder=plain))  # fmt: skip
    if holder.identity_proof is IdentityProof.CERTIFIED_SIGNATURE:
        steps += [
            t("Have your signature certified at a citizens' office (Bürgeramt) or by a "
              "notary: sign the letter there, in front of the official. This may cost a "
              "fee."),
            t("Or, instead, make an appointment with the office and prove who you are in "
              "person."),
        ]  # fmt: skip
    else:
        steps.append(t("Sign the letter on the signature line."))
    if holder.needs_id_document:
        steps.append(t("Add a copy of your passport or identity card."))
    if holder.suggested_transport_medium is Transport.FAX and holder.fax:
        steps.append(t("Send it by fax to {fax}.", fax=isolated(holder.fax)))
    elif holder.suggested_transport_medium is Transport.IN_PERSON:
        steps.append(t("Hand it in yourself and ask for a stamped copy as proof."))
    else:
        steps.append(t("Send it by post. A registered letter (Einschreiben) proves that it "
                       "arrived."))  # fmt: skip
    steps.append(t("Keep a copy of everything you send, and note the date."))
    return steps
