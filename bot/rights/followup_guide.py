"""The page after a follow-up letter's German pages: how to send it and what happens
next, in the person's language and plain words (bot.rights.letter_guide for the request)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.documents import Block, Heading, Paragraph, Steps
from bot.holders import IdentityProof, Transport
from bot.i18n import Translator
from bot.kernel.bidi import isolated
from bot.kernel.types import Text, t
from bot.rights.views import Outcome

if TYPE_CHECKING:
    from bot.rights.followup import FollowUp

NOT_TO_SEND = t(
    "The German pages are the letter itself. The translation after this page is only for "
    "you to read: do not send it."
)
KEEP_COPY = t("Keep a copy of everything you send, and note the date.")
SIGN = t("Sign the letter on the signature line.")


def _opening(translated: bool, tr: Translator) -> list[Block]:
    return [Paragraph(tr.text(NOT_TO_SEND))] if translated else []


def reminder_guide(request: FollowUp, tr: Translator, *, translated: bool) -> tuple[Block, ...]:
    holder = request.holder
    plain = tr.gettext(holder.plain_name)
    steps: list[Text] = [t("Print the German pages.")]
    if holder.address is None:
        steps.append(t("Write the name and postal address of your {holder} in the empty "
                       "address field at the top of the first page.", holder=plain))  # fmt: skip
    steps += [SIGN, t("Add a copy of your request letter of {date}.",
                      date=request.clock.sent_on)]  # fmt: skip
    if holder.suggested_transport_medium is Transport.FAX and holder.fax:
        steps.append(t("Send it by fax to {fax}.", fax=isolated(holder.fax)))
    elif holder.suggested_transport_medium is Transport.IN_PERSON:
        steps.append(t("Hand it in yourself and ask for a stamped copy as proof."))
    else:
        steps.append(t("Send it by post. A registered letter (Einschreiben) proves that it "
                       "arrived."))  # fmt: skip
    steps.append(KEEP_COPY)
    blocks = _opening(translated, tr)
    blocks += [
        Paragraph(tr.text(t("The letter goes to: {holder}.",
                            holder=isolated(holder.name) if holder.address else plain))),
        Steps(tuple(tr.text(step) for step in steps)),
        Heading(tr.text(t("What happens next"))),
        # TRANSLATORS: Reminder letter guide; {date} the new deadline the reminder sets.
        Paragraph(tr.text(t("The letter gives the office until {date} to answer.",
                            date=request.new_due))),
        Paragraph(tr.text(t(
            "Tell Lotse when you sent the letter. If no answer comes by then, Lotse asks you "
            "and can prepare a complaint to the data protection supervisory authority. A "
            "complaint costs nothing."))),
    ]  # fmt: skip
    if holder.identity_proof is IdentityProof.CERTIFIED_SIGNATURE:
        blocks.append(Paragraph(tr.text(t(
            "This letter needs no certified signature: it refers to your request."))))  # fmt: skip
    return tuple(blocks)


def complaint_guide(request: FollowUp, tr: Translator, *, translated: bool) -> tuple[Block, ...]:
    holder, supervisor = request.holder, request.supervisor
    plain = tr.gettext(holder.plain_name)
    blocks = _opening(translated, tr)
    if supervisor is None:
        blocks.append(Paragraph(tr.text(t(
            "The letter goes to the data protection supervisory authority responsible for "
            "your {holder}.", holder=plain))))  # fmt: skip
    else:
        blocks.append(Paragraph(tr.text(t("The letter goes to: {holder}.",
                                          holder=isolated(supervisor.name)))))  # fmt: skip
    steps: list[Text] = [t("Print the German pages.")]
    if supervisor is None:
        steps.append(t("Find out which data protection supervisory authority is responsible "
                       "for your {holder} (an advice service can help). Write its name and "
                       "postal address in the empty address field at the top of the first "
                       "page.", holder=plain))  # fmt: skip
    elif supervisor.address is None:
        steps.append(t("Write the postal address of the supervisory authority in the empty "
                       "address field at the top of the first page. You find it on its "
                       "website: {web}", web=isolated(supervisor.web)))  # fmt: skip
    if holder.address is None:
        steps.append(t("Write the name and postal address of your {holder} on the empty line "
                       "under “Stelle, gegen die sich die Beschwerde richtet”.",
                       holder=plain))  # fmt: skip
    match request.clock.outcome:
        case Outcome.PARTLY:
            steps.append(t("In the empty box, write briefly what is missing from the answer. "
                           "Write in German if you can; an advice service can help."))  # fmt: skip
        case Outcome.REFUSED:
            steps.append(t("In the empty box, write briefly why you think the refusal is "
                           "wrong. Write in German if you can; an advice service can "
                           "help."))  # fmt: skip
    steps += [SIGN, t("Add copies of the letters listed at the end under “Anlagen” "
                      "(enclosures).")]  # fmt: skip
    steps.append(t("Send it by post. A registered letter (Einschreiben) proves that it "
                   "arrived."))  # fmt: skip
    if supervisor is not None and supervisor.email:
        steps.append(t("Or scan the signed letter and the copies, and send them by e-mail to "
                       "{email}.", email=isolated(supervisor.email)))  # fmt: skip
    steps.append(KEEP_COPY)
    blocks += [
        Steps(tuple(tr.text(step) for step in steps)),
        Heading(tr.text(t("What happens next"))),
        Paragraph(tr.text(t(
            "The supervisory authority looks into your complaint free of charge. It must tell "
            "you how your complaint is going and what came of it; this can take some "
            "months."))),
        Paragraph(tr.text(t("Tell Lotse when you sent the complaint."))),
        Paragraph(tr.text(t(
            "If the authority does not deal with your complaint, or you disagree with its "
            "decision, you can go to court (Art. 78 GDPR). An advice service can help."))),
    ]  # fmt: skip
    return tuple(blocks)
