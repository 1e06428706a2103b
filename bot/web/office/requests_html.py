"""The HTML of the office's requests pages (bot.web.office.requests): the list, one
request with what the person has proven, and the forms for an extension and the answer.
Every value is escaped where it is put in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from bot.rights import (
    ChannelProof,
    OfficeListing,
    OfficeRequest,
    OfficeRequestDetail,
    Outcome,
    Proof,
    RequestStatus,
)
from bot.staff import StaffMember
from bot.web.office.auth import csrf_field
from bot.web.office.frame import e
from bot.web.office.words import N_, NOTHING, Words

_CURRENT: Final = ' aria-current="true"'
NOTE_MAX: Final = 1000  # bot.rights.office.NOTE_MAX
KIND: Final[dict[str, str]] = {
    "access": N_("Access (Art. 15 GDPR)"),
    "correction": N_("Correction (Art. 16 GDPR)"),
    "erasure": N_("Erasure (Art. 17 GDPR)"),
    "restriction": N_("Restriction of processing (Art. 18 GDPR)"),
    "transfer-block": N_("Transfer block (§ 4 AZRG)"),
}
STATUS: Final[dict[str, str]] = {
    "sent": N_("Open"),
    "extended": N_("Extended"),
    "answered": N_("Answered"),
    "overdue": N_("Overdue"),
    "reminded": N_("Overdue, reminder sent"),
    "complaint": N_("Overdue, complaint filed"),
    "closed": N_("Closed"),
}
OUTCOME: Final[dict[str, str]] = {
    "done": N_("Answered in full"),
    "partly": N_("Answered in part"),
    "refused": N_("Refused"),
}
NEEDS: Final[dict[str, str]] = {
    "certified-signature": N_(
        "Your procedure for this request: a certified signature or an appointment in person."
    ),
    "signature": N_("Your procedure for this request: a signed letter."),
    "file-reference": N_(
        "Your procedure for this request: compare the details with your own file."
    ),
}
CHANNEL_PROVES: Final[dict[ChannelProof, str]] = {
    ChannelProof.PHONE: N_(
        "Sent by SMS: the person uses a mobile number that received messages from Lotse "
        "and answered them. The number is not shown here."
    ),
    ChannelProof.WHATSAPP: N_(
        "Sent by WhatsApp: the person uses the WhatsApp account of a mobile number that "
        "received messages from Lotse. The number is not shown here."
    ),
    ChannelProof.TELEGRAM: N_(
        "Sent by Telegram: this shows only that the person uses a Telegram account. "
        "Lotse does not know its phone number."
    ),
    ChannelProof.NOTHING: N_("Sent by web chat: this proves nothing about the person."),
}


def kind(_: Words, value: str) -> str:
    return _(KIND[value]) if value in KIND else value


def status(_: Words, value: str) -> str:
    label = _(STATUS[value]) if value in STATUS else value
    return f'<span class="status s-{e(value)}">{e(label)}</span>'


def days_left(_: Words, request: OfficeRequest) -> str:
    n = request.days_left
    if n is None:
        if request.outcome is None:
            return NOTHING
        return e(_(OUTCOME[request.outcome.value]))
    if n == 0:
        today = _("Due today")
        return f'<strong class="due">{e(today)}</strong>'
    if n < 0:
        text = _.ngettext("{count} day overdue", "{count} days overdue", -n)
        return f'<strong class="overdue">{e(text.format(count=_.number(-n)))}</strong>'
    return e(_.ngettext("{count} day left", "{count} days left", n).format(count=_.number(n)))


# ---------------------------------------------------------------- the list


def tabs(_: Words, listing: OfficeListing, show: str) -> str:
    items = (("open", _("Open")), ("done", _("Answered")))
    links = "".join(
        f'<li><a href="/office/requests?show={key}" data-show="{key}"'
        f"{_CURRENT if key == show else ''}>{e(label)} "
        f'<span class="count">{_.number(listing.counts.get(key, 0))}</span></a></li>'
        for key, label in items
    )
    label = _("Requests by state")
    return f'<nav class="counts" aria-label="{e(label)}"><ul>{links}</ul></nav>'


def table(_: Words, rows: Sequence[OfficeRequest]) -> str:
    if not rows:
        none = _("No requests here.")
        return f'<p class="note" id="empty">{e(none)}</p>'
    heads = (_("Reference"), _("Data holder"), _("Request"), _("Received"), _("Deadline"),
             _("Time left"), _("Status"))  # fmt: skip
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    body = "".join(
        f'<tr data-status="{e(r.status)}">'
        f'<th scope="row"><a href="/office/requests/{r.request_id}">{e(r.reference)}</a></th>'
        f"<td>{e(r.holder_name)}</td><td>{e(kind(_, r.kind))}</td>"
        f"<td>{_.day(r.received_on)}</td><td>{_.day(r.due_on)}</td>"
        f"<td>{days_left(_, r)}</td><td>{status(_, r.status)}</td></tr>"
        for r in rows
    )
    caption = _("Requests people sent to your office through Lotse")
    return (
        f'<div class="scroll"><table id="requests"><caption>{e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def pager(_: Words, show: str, number: int, pages: int) -> str:
    if pages <= 1:
        return ""
    text = _("Page {page} of {pages}").format(page=_.number(number), pages=_.number(pages))
    previous, following, label = _("Previous"), _("Next"), _("Pages")
    links = ""
    if number > 1:
        links += f'<a rel="prev" href="/office/requests?show={show}&amp;page={number - 1}">'
        links += f"{e(previous)}</a>"
    if number < pages:
        links += f'<a rel="next" href="/office/requests?show={show}&amp;page={number + 1}">'
        links += f"{e(following)}</a>"
    return f'<nav class="pager" aria-label="{e(label)}"><p>{e(text)}</p>{links}</nav>'


# ---------------------------------------------------------------- one request


def _facts(items: Sequence[tuple[str, str]], id_: str) -> str:
    rows = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in items)
    return f'<dl class="facts" id="{id_}">{rows}</dl>'


def deadline(_: Words, found: OfficeRequestDetail) -> str:
    r = found.request
    due = f"{_.day(r.due_on)} ({days_left(_, r)})" if r.days_left is not None else _.day(r.due_on)
    items = [
        (_("Status"), status(_, r.status)),
        (_("Data holder"), e(r.holder_name)),
        (_("Request"), e(kind(_, r.kind))),
        (_("Reference"), e(r.reference)),
        (_("Received through Lotse"), _.day(r.received_on)),
        (_("Deadline"), due),
    ]
    if r.extended_on is not None:
        items.append((_("Extension told on"), _.day(r.extended_on)))
    if r.answered_on is not None:
        items.append((_("Answered on"), _.day(r.answered_on)))
    if r.outcome is not None:
        items.append((_("Answer"), e(_(OUTCOME[r.outcome.value]))))
    if found.recipients_named is not None:
        named = _("Yes") if found.recipients_named else _("No")
        items.append((_("Recipients named (Art. 19 GDPR)"), e(named)))
    if found.note:
        items.append((_("Your note (the person reads it)"), e(found.note)))
    heading = _("Deadline")
    return f"<h2>{e(heading)}</h2>" + _facts(items, "clock")


def content(_: Words, found: OfficeRequestDetail) -> str:
    i, d = found.identity, found.details
    place = f"{i.postcode} {i.city}".strip()
    items = [
        (_("Family name"), e(i.family_name or NOTHING)),
        (_("Given names"), e(i.given_names or NOTHING)),
        (_("Date of birth"), _.day(i.birth_date)),
        (_("Place of birth"), e(i.birth_place or NOTHING)),
        (_("Nationality"), e(i.nationality or NOTHING)),
        (_("Address"), e(", ".join(p for p in (i.street, place) if p) or NOTHING)),
        (_("Language of the person"), e(_.language(found.lang))),
    ]
    words = ((_("What is wrong"), d.wrong), (_("What is right"), d.right),
             (_("Reasons"), d.reasons))  # fmt: skip
    items += [(label, f'<span class="own-words">{e(text)}</span>') for label, text in words if text]
    heading = _("The request")
    return f"<h2>{e(heading)}</h2>" + _facts(items, "request")


def proven(_: Words, proof: Proof) -> str:
    lines = [
        _("Everything above was typed by the person in Lotse. No one has checked it."),
        _(
            "No identity document was shown or checked, and the request has no handwritten "
            "signature."
        ),
        _(CHANNEL_PROVES[proof.proves]),
    ]
    if proof.invited_by is not None:
        via = _.channel(proof.invited_via) if proof.invited_via else NOTHING
        lines.append(
            _(
                "The person connected to Lotse with the code of an invitation from {office}, "
                "sent by {channel}."
            ).format(office=proof.invited_by, channel=via)
        )
    if proof.holder_needs is not None:
        lines.append(_(NEEDS[proof.holder_needs.value]))
    if proof.needs_id_document:
        lines.append(_("You may ask for a copy of an identity document."))
    items = "".join(f"<li>{e(line)}</li>" for line in lines)
    heading, own = _("What the person has proven"), _("Checking the identity stays your own "
                                                       "procedure.")  # fmt: skip
    return f'<h2>{e(heading)}</h2><ul class="proof" id="proof">{items}</ul><p>{e(own)}</p>'


def letter_form(_: Words, staff: StaffMember, request_id: int) -> str:
    heading, button = _("The letter for your file"), _("Download the German letter (PDF)")
    return (
        f"<h2>{e(heading)}</h2>"
        f'<form method="post" action="/office/requests/{request_id}/letter">{csrf_field(staff)}'
        f'<button type="submit">{e(button)}</button></form>'
    )


@dataclass(frozen=True, slots=True)
class Typed:
    """What staff typed into a form, shown again with its problem."""

    form: str = ""  # "extension" or "answer"
    error: str = ""
    on: str = ""
    text: str = ""
    outcome: str = ""
    named: str = ""


def _error(typed: Typed, form: str) -> tuple[str, str]:
    """The alert and the attributes of the field with the problem."""
    if typed.form != form or not typed.error:
        return "", ""
    alert = f'<p class="note error" role="alert" id="{form}-error">{e(typed.error)}</p>'
    return alert, f' aria-invalid="true" aria-describedby="{form}-error"'


def _date_field(form: str, label: str, value: str, today: date, bad: str) -> str:
    return (
        f'<label for="{form}-on">{e(label)}</label>'
        f'<input id="{form}-on" name="on" type="date" required value="{e(value)}" '
        f'max="{today.isoformat()}"{bad}>'
    )


def extension_form(
    _: Words, staff: StaffMember, found: OfficeRequestDetail, today: date, typed: Typed
) -> str:
    alert, bad = _error(typed, "extension")
    on = typed.on if typed.form == "extension" else today.isoformat()
    reasons = typed.text if typed.form == "extension" else ""
    help_text = _(
        "Possible once, within the first month after receipt, with reasons (Art. 12(3) "
        "GDPR): the deadline becomes three months after receipt. Lotse tells the person "
        "in their language, with your reasons."
    )
    heading, label, button = _("Record an extension"), _("Reasons"), _("Record the extension")
    told = _("The person was told on")
    return (
        f'<h2 id="extension-heading">{e(heading)}</h2><p>{e(help_text)}</p>{alert}'
        f'<form method="post" action="/office/requests/{found.request.request_id}/extension"'
        f' class="record" aria-labelledby="extension-heading">{csrf_field(staff)}'
        + _date_field("extension", told, on, today, bad)
        + f'<label for="extension-reasons">{e(label)}</label>'
        f'<textarea id="extension-reasons" name="reasons" rows="4" maxlength="{NOTE_MAX}" '
        f"required{bad}>{e(reasons)}</textarea>"
        f'<button type="submit">{e(button)}</button></form>'
    )


def answer_form(
    _: Words, staff: StaffMember, found: OfficeRequestDetail, today: date, typed: Typed
) -> str:
    alert, bad = _error(typed, "answer")
    mine = typed.form == "answer"
    on = typed.on if mine else today.isoformat()
    chosen = typed.outcome if mine else ""
    radios = _radios("outcome", [(key, _(label)) for key, label in OUTCOME.items()], chosen)
    named = ""
    if found.request.kind == "correction":
        choice = typed.named if mine else ""
        question = _(
            "Did the answer name the recipients who were told of the correction (Art. 19 GDPR)?"
        )
        answers = _radios("named", [("yes", _("Yes")), ("no", _("No"))], choice)
        named = f"<fieldset><legend>{e(question)}</legend>{answers}</fieldset>"
    note = typed.text if mine else ""
    help_text = _(
        "Send your answer to the person as usual. Record it here too: Lotse tells the "
        "person in their language, and the deadline stops."
    )
    heading, answered, gave = _("Record the answer"), _("Answered on"), _("What the answer gave")
    label = _("Note for the person (for a partial answer or a refusal: the reasons)")
    return (
        f'<h2 id="answer-heading">{e(heading)}</h2><p>{e(help_text)}</p>{alert}'
        f'<form method="post" action="/office/requests/{found.request.request_id}/answer"'
        f' class="record" aria-labelledby="answer-heading">{csrf_field(staff)}'
        + _date_field("answer", answered, on, today, bad)
        + f"<fieldset><legend>{e(gave)}</legend>{radios}</fieldset>"
        + named
        + f'<label for="answer-note">{e(label)}</label>'
        f'<textarea id="answer-note" name="note" rows="4" maxlength="{NOTE_MAX}"{bad}>'
        f'{e(note)}</textarea><button type="submit">{e(heading)}</button></form>'
    )


def _radios(name: str, options: list[tuple[str, str]], chosen: str) -> str:
    """Required radio buttons, each with its label; `chosen` checked."""
    return "".join(
        f'<div><input type="radio" id="{name}-{key}" name="{name}" value="{key}" required'
        f"{' checked' if key == chosen else ''}>"
        f'<label for="{name}-{key}">{e(label)}</label></div>'
        for key, label in options
    )


def answerable(found: OfficeRequestDetail) -> bool:
    return found.request.status is not RequestStatus.CLOSED


def outcome_of(value: str) -> Outcome | None:
    return Outcome(value) if value in Outcome._value2member_map_ else None
