"""The words of "Who holds my data": the list of holders and how to ask one of them.

The catalog's texts for people (`plain_*`) are English catalog ids: they are wrapped in
`Text` here and translated when the reply is written, like every message. German names
and addresses are shown as they are (they go on the envelope as written).

By SMS every holder is a message of its own, and a holder's details are split into
short messages, so none goes over the SMS budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.holders import Holder, HolderKind, IdentityProof, Quality
from bot.kernel.types import Choice, Reply, Text, t, tn

#: By SMS: recipients are shown while their English texts stay this short together
#: (at least one), then "and N more"; a holder's name and why share a message up to
#: this English length (AZR's does not). Translations run up to a fifth longer, and
#: three UCS-2 segments take 201 characters.
SMS_RECIPIENTS_CHARS = 80
SMS_LINE_CHARS = 150
#: The holders' usual short German names: on envelopes, on the papers people get, and
#: as choice labels by SMS, where the explained names would not fit.
SHORT = {
    "azr": "AZR",
    "bamf": "BAMF",
    "auslaenderbehoerde": "Ausländerbehörde",
    "meldebehoerde": "Meldebehörde",
    "bundesagentur": "Arbeitsagentur",
    "jobcenter": "Jobcenter",
    "sozialamt": "Sozialamt",
    "familienkasse": "Familienkasse",
    "krankenkasse": "Krankenkasse",
    "lotse": "Lotse",
}

LIST_HEADER = t("These agencies probably hold data about you:")
MAY = t("{name} (may hold data about you, as you were not sure)")
UNSEEN = t(
    "Lotse cannot see what these agencies have stored: their registers are their own. "
    "Only they can tell you, and that is why you can ask them."
)
COCKPIT_SMS = t(
    "With the online function (eID) of your ID card or residence card, the "
    "Datenschutzcockpit shows which registers exchanged your data: {web}"
)
CHOOSE = t("Choose an agency to see how to ask it.")
NOT_FOUND = t("That agency was not found.")

WHERE = t("Where to write: {address}")
WHERE_INSURER = t(
    "Where to write: your own health insurer, at the address on its letters or on your health card."
)
WHERE_MISSING = t(
    "Where to write: this office has not been entered here yet. Please ask your town hall "
    "for its address."
)
PROOF: dict[IdentityProof, Text] = {
    IdentityProof.CERTIFIED_SIGNATURE: t(
        "Proof of identity: your signature must be certified (for example at the town "
        "hall), or you make an appointment and go there in person."
    ),
    IdentityProof.SIGNATURE: t(
        "Proof of identity: sign the letter. They may ask for a copy of your ID document."
    ),
    IdentityProof.FILE_REFERENCE: t(
        "Proof of identity: give your file or customer number, so they can find your file."
    ),
}
# TRANSLATORS: {form} is the form's German name, {web} its web address.
FORM = t("It has its own form, and the letter Lotse writes follows it: {form} {web}")
FREE = t("Asking is free. They must answer within one month.")
RECIPIENTS = t("Who may receive data from it by law:")
# TRANSLATORS: {name} is the German name of a data protection authority, {web} its site.
SUPERVISOR = t(
    "If they do not answer, you can complain to the authority that supervises them: {name} {web}"
)
SUPERVISOR_UNKNOWN = t(
    "If they do not answer, you can complain to the data protection authority named in "
    "their privacy notice."
)
NEXT = t("What would you like to do next?")
LOTSE_OWN = t(
    "What Lotse keeps about you is in “My data”: what, why, and until when. You can "
    "download or delete it there, no letter needed."
)

WRITE = Choice("write", t("Write a request"))
TO_LIST = Choice("list", t("Back to the list"))
MY_DATA = Choice("my_data", t("My data"))
REQUESTS = Choice("requests", t("My requests"))
HOLDER_CHOICE = "holder:"


def name(holder: Holder) -> Text:
    return Text(holder.plain_name, {})


def holder_choice(holder: Holder, sms: bool) -> Choice:
    label: Text | str = SHORT.get(holder.slug, holder.name) if sms else name(holder)
    return Choice(HOLDER_CHOICE + holder.slug, label)


def holder_line(holder: Holder, may: bool) -> Text:
    """One holder of the list: its name (marked when it only may hold data), what it
    holds and why."""
    params = {"name": _marked(holder, may), "what": Text(holder.plain_what, {}),
              "why": Text(holder.plain_why, {})}  # fmt: skip
    return Text("{name}\n{what} {why}", params)


def _marked(holder: Holder, may: bool) -> Text:
    return t(MAY.msgid, name=name(holder)) if may else name(holder)


def holder_sms(holder: Holder, may: bool, number: int) -> list[Reply]:
    """One holder by SMS: the number it has among the choices ("3)", unlike a choice's
    "3."), its name and why it holds data; a long why goes in a message of its own."""
    shown, why = _marked(holder, may), Text(holder.plain_why, {})
    marker = len(MAY.msgid) if may else 0
    if len(holder.plain_name) + marker + len(holder.plain_why) <= SMS_LINE_CHARS:
        return [Reply((Text(f"{number}) {{name}}: {{why}}", {"name": shown, "why": why}),))]
    return [Reply((Text(f"{number}) {{name}}", {"name": shown}),)), Reply((why,))]


def cockpit_line(cockpit: Any, sms: bool) -> Text:
    """The Datenschutzcockpit pointer (a bot.holders.Online): its sentence and address;
    by SMS a shorter sentence (the catalog's does not fit three segments with the link)."""
    if sms:
        return t(COCKPIT_SMS.msgid, web=cockpit.web)
    return Text("{way} {web}", {"way": Text(cockpit.plain, {}), "web": cockpit.web})


def where(holder: Holder) -> Text:
    if holder.address is not None:
        return t(WHERE.msgid, address=", ".join(holder.address.lines()))
    if holder.kind is HolderKind.INSURER:
        return WHERE_INSURER
    return WHERE_MISSING


def recipients(holder: Holder, sms: bool) -> list[Text]:
    names = [Text(r.plain, {}) for r in holder.recipients]
    if not names:
        return []
    shown = _fitting([len(r.plain) for r in holder.recipients]) if sms else len(names)
    if shown < len(names) - 1:
        # TRANSLATORS: after the first few recipients by SMS: "and 5 more".
        more = tn("and {n} more", "and {n} more", len(names) - shown)
        names = [*names[:shown], more]
    params = {f"r{i}": n for i, n in enumerate(names)}
    # The list is glued from separately translated texts; each one stays whole.
    joined = Text("\n".join(f"– {{r{i}}}" for i in range(len(names))), params)
    return [RECIPIENTS, joined]


def _fitting(lengths: Sequence[int]) -> int:
    """How many of the first recipients fit SMS_RECIPIENTS_CHARS (at least one)."""
    total, count = 0, 0
    for length in lengths:
        total += length
        if count and total > SMS_RECIPIENTS_CHARS:
            break
        count += 1
    return count


def supervisor(found: Any, sms: bool) -> Text:
    """Who supervises the holder (a bot.holders.Supervisor, or None when it depends).
    By SMS without the web address: an authority's German name is long enough."""
    if found is None or found.quality is Quality.MISSING:
        return SUPERVISOR_UNKNOWN
    return t(SUPERVISOR.msgid, name=found.name, web="" if sms else found.web)


def how_to_ask(holder: Holder, sms: bool) -> list[Text]:
    """Where to write, the identity proof, the online route and the form, free, one month.
    By SMS the form without its web address (the letter follows it anyway)."""
    texts = [where(holder), PROOF[holder.identity_proof]]
    if holder.online is not None:
        # The catalog's sentence names the route itself ("Online through the federal portal…").
        way = Text(holder.online.plain, {})
        texts.append(Text("{way} {web}", {"way": way, "web": holder.online.web}))
    if holder.form is not None:
        web = "" if sms else holder.form.web
        texts.append(t(FORM.msgid, form=holder.form.name_de, web=web))
    texts.append(FREE)
    return texts


def details(holder: Holder, found: Any, sms: bool, choices: Sequence[Choice]) -> list[Reply]:
    """A holder's details: one message, or by SMS a few short ones, choices with the last."""
    if holder.kind is HolderKind.OPERATOR and sms:
        return [Reply((name(holder), LOTSE_OWN)), Reply((NEXT,), tuple(choices))]
    if holder.kind is HolderKind.OPERATOR:
        return [Reply((name(holder), LOTSE_OWN), tuple(choices))]
    asking = how_to_ask(holder, sms)
    by_law = recipients(holder, sms)
    watch = supervisor(found, sms)
    if not sms:
        return [Reply((name(holder), *asking, *by_law, watch), tuple(choices))]
    # By SMS each paragraph alone: an address, a form's name or an authority's German
    # name can be long, and Arabic, Cyrillic or Ethiopic script fits 67 to a segment.
    first, *rest = asking
    return [
        Reply((name(holder), first)),
        *(Reply((text,)) for text in rest),
        *([Reply(tuple(by_law))] if by_law else []),
        Reply((watch,)),
        Reply((NEXT,), tuple(choices)),
    ]
