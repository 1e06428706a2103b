"""The export as a document to read, in the person's language (bot.documents.Report).

It is made from the JSON export itself, so the two always say the same. The access
log is worded as "My data" words it in the chat (bot.i18n.access_sentence).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.documents import Entry, Report, Section, render_report
from bot.i18n import (
    HANDOFF_FIELD_NAMES,
    REQUEST_KIND_NAMES,
    Translator,
    access_sentence,
    channel_name,
    listed,
    native_name,
)
from bot.kernel.bidi import isolated
from bot.kernel.types import Channel, Text, t, tn, verbatim

JSON_NAME, PDF_NAME = "lotse-my-data.json", "lotse-my-data.pdf"


def export_pdf(document: dict[str, Any], translator: Translator) -> bytes:
    """The PDF of an export (bot.mydata.export), in the translator's language."""
    return render_report(export_report(document, translator))


def export_report(document: dict[str, Any], translator: Translator) -> Report:
    say = translator.text
    made = datetime.fromisoformat(document["made_at"])
    operator = document["installation"]["operator"]
    sections = [
        Section(say(t("Language")), (Entry((say(_language(document)),)),)),
        Section(say(t("Contact channels")), _channels(document, say)),
        Section(say(t("Consents")), _consents(document)),
        Section(say(t("Office invitations")), _invitations(document, say)),
        Section(say(t("Postal address")), _postal(document, say)),
        Section(say(t("Messages")), _messages(document, say)),
        Section(say(t("Access log")), _access(document, say)),
    ]
    if document.get("requests"):
        sections.append(Section(say(t("Requests to agencies")), _requests(document, say)))
    if document.get("cases"):
        sections.append(Section(say(t("Requests to advice services")), _cases(document, say)))
    return Report(
        lang=translator.lang,
        title=say(t("Your data at {operator}", operator=operator)),
        intro=(
            say(t("Made on {date}. It lists everything Lotse holds about you.", date=made)),
            say(
                t("The file {name} has the same data for other services.", name=isolated(JSON_NAME))
            ),
        ),
        sections=tuple(sections),
    )


def _language(document: dict[str, Any]) -> Text:
    return t("Your language: {language}.", language=native_name(document["language"]["used"]))


def _nothing(say: Any) -> tuple[Entry, ...]:
    return (Entry((say(t("Nothing is kept.")),)),)


def _channels(document: dict[str, Any], say: Any) -> tuple[Entry, ...]:
    channels = document["channels"]
    entries = []
    for contact in channels["contacts"]:
        name = say(channel_name(Channel(contact["channel"]), None))
        value = (
            isolated(contact["address"])
            if contact["address"]
            else say(t("Phone number ending in {ending}.", ending=contact["ending"]))
            if contact.get("ending")
            else say(t("your Telegram chat"))
            if contact["address_kind"] == "telegram-chat"
            else "—"
        )
        entries.append(Entry((value,), label=name))
    sessions = channels["web_chat_sessions"]
    if sessions:
        entries.append(
            Entry(
                (say(tn("{n} web chat session.", "{n} web chat sessions.", sessions)),),
                label=say(channel_name(Channel.WEBCHAT, None)),
            )
        )
    return tuple(entries) or _nothing(say)


def _consents(document: dict[str, Any]) -> tuple[Entry, ...]:
    consents = document["consents"]
    entries = [Entry((consents["retention"], consents["withdrawal_method"]))]
    for record in consents["records"]:
        when = datetime.fromisoformat(record["timestamp"])
        entries.append(Entry((record["summary"],), label=f"{when:%Y-%m-%d %H:%M} UTC"))
    return tuple(entries)


def _invitations(document: dict[str, Any], say: Any) -> tuple[Entry, ...]:
    entries = []
    for invitation in document["invitations"]:
        agreed = datetime.fromisoformat(invitation["consent_recorded_at"]).date()
        lines = [say(t("Invitation from {office}, agreed there on {date}.",
                       office=invitation["office"], date=agreed))]  # fmt: skip
        recorded = invitation["recorded"] or {}
        names = [recorded.get("given_name"), recorded.get("family_name")]
        if any(names):
            lines.append(" ".join(n for n in names if n))
        if recorded.get("phone"):
            lines.append(isolated(recorded["phone"]))
        if recorded.get("postal_address"):
            lines.extend(_address_lines(recorded["postal_address"], say))
        entries.append(Entry(tuple(lines), label=invitation["reference"]))
    return tuple(entries) or _nothing(say)


def _address_lines(address: dict[str, Any], say: Any) -> list[str]:
    if address.get("shortened"):
        # As on screen: no name, house number or extra line (bot.mydata.export).
        return [say(t("Letters go to: {street} …, {postcode} {city}.", street=address["street"],
                      postcode=address["postcode"], city=address["city"]))]  # fmt: skip
    extra = [address["extra"]] if address.get("extra") else []
    return [address["name"], *extra, address["street"], f"{address['postcode']} {address['city']}"]


def _postal(document: dict[str, Any], say: Any) -> tuple[Entry, ...]:
    address = document["postal_address"]
    return _nothing(say) if address is None else (Entry(tuple(_address_lines(address, say))),)


def _messages(document: dict[str, Any], say: Any) -> tuple[Entry, ...]:
    messages = document["messages"]
    n = messages["retention_days"]
    entries = [
        Entry(
            (
                say(
                    tn(
                        "A text is deleted {n} day after it was sent.",
                        "A text is deleted {n} days after it was sent.",
                        n,
                    )
                ),
            )
        )
    ]
    for message in messages["texts"]:
        at = datetime.fromisoformat(message["at"])
        who = t("From you") if message["direction"] == "from-you" else t("From Lotse")
        label = f"{at:%Y-%m-%d %H:%M} UTC · {say(who)}"
        entries.append(Entry((message["text"],), label=label, foreign=True))
    if not messages["texts"]:
        entries.append(Entry((say(t("No message texts are kept.")),)))
    return tuple(entries)


def _access(document: dict[str, Any], say: Any) -> tuple[Entry, ...]:
    log = document["access_log"]
    since = date.fromisoformat(log["complete_since"])
    entries = [Entry((say(t("The list is complete since {date}.", date=since)),))]
    for line in log["entries"]:
        entries.append(Entry((say(access_text(line)),)))
    if not log["entries"]:
        entries.append(Entry((say(t("No one has looked at your data yet.")),)))
    return tuple(entries)


def _requests(document: dict[str, Any], say: Any) -> tuple[Entry, ...]:
    return tuple(
        Entry((say(t(
            "A request to {holder} ({kind}): started on {date}, erased on {until} at the latest.",
            kind=REQUEST_KIND_NAMES[r["kind"]], holder=r["holder_name"],
            date=datetime.fromisoformat(r["created_at"]).date(),
            until=date.fromisoformat(r["erased_on"]),
        )), *_posted(r, say), *_sent(r, say)))
        for r in document["requests"]
    )  # fmt: skip


def _cases(document: dict[str, Any], say: Any) -> tuple[Entry, ...]:
    """Each hand-off: to whom, which fields (names), since when, until when it is kept."""
    entries = []
    for case in document["cases"]:
        fields = [HANDOFF_FIELD_NAMES[f] for f in case["fields"] if f in HANDOFF_FIELD_NAMES]
        # TRANSLATORS: "My data" export: {service} an advice service, {fields} what the
        # person chose to share, {date} and {until} dates.
        line = t(
            "To {service}, sharing {fields}: since {date}, erased on {until} at the latest.",
            service=case["service"], fields=listed(fields) if fields else verbatim("–"),
            date=datetime.fromisoformat(case["created_at"]).date(),
            until=date.fromisoformat(case["erased_on"]),
        )  # fmt: skip
        withdrawn = case.get("withdrawn_at")
        more = (
            (say(t("Consent withdrawn on {date}.", date=datetime.fromisoformat(withdrawn).date())),)
            if withdrawn
            else ()
        )
        entries.append(Entry((say(line), *more)))
    return tuple(entries)


def _sent(request: dict[str, Any], say: Any) -> tuple[str, ...]:
    """When its letter went, and the deadline for the answer (bot.rights.clock)."""
    if not (request.get("sent_on") and request.get("answer_due_on")):
        return ()
    # TRANSLATORS: "My data" export, under a request to an agency: {sent} and {due} are dates.
    return (say(t("Its letter went on {sent}; deadline for the answer: {due}.",
                  sent=date.fromisoformat(request["sent_on"]),
                  due=date.fromisoformat(request["answer_due_on"]))),)  # fmt: skip


def _posted(request: dict[str, Any], say: Any) -> tuple[str, ...]:
    """Whether the letter was asked for by post, and printed (LOTSE_REQUEST_POST)."""
    if request.get("posted_at"):
        # TRANSLATORS: "My data" export, under a request to an agency.
        return (say(t("Its letter was printed and posted to you on {date}.",
                      date=datetime.fromisoformat(request["posted_at"]).date())),)  # fmt: skip
    if asked := request.get("post_requested_at"):
        # TRANSLATORS: "My data" export, under a request to an agency.
        return (say(t("You asked for its letter by post on {date}; it is not printed yet.",
                      date=datetime.fromisoformat(asked).date())),)  # fmt: skip
    return ()


def access_text(line: dict[str, Any]) -> Text:
    """One access as "My data" words it in the chat (bot.i18n.access_sentence)."""
    return access_sentence(
        at=datetime.fromisoformat(line["at"]), role=line["role"],
        organisation=line["organisation"], action=line["action"],
        categories=line["categories"], via=line.get("via"),
    )  # fmt: skip
