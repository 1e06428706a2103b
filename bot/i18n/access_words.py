"""How "Who looked at my data" words one access-log line, in the chat and in the
exported document alike: the role, data-category and action ids of bot.audit, spelled
here because flows may not import bot.audit (the ids are plain strings)."""

from __future__ import annotations

from datetime import datetime

from bot.i18n.labels import channel_name, listed
from bot.kernel.types import Channel, Text, t

ROLES: dict[str, Text] = {
    "office-api": t("office system"),
    "office-staff": t("office staff"),
    "operator": t("operator"),
    "peer": t("another Lotse"),
    "advisor": t("advisor"),
    "service-admin": t("advice service admin"),
}
CATEGORIES: dict[str, Text] = {
    "invitation": t("invitation"),
    "code": t("connect code"),
    "phone": t("phone number"),
    "postal-address": t("postal address"),
    "name": t("name"),
    "language": t("language"),
    "consent": t("consent"),
    "contact": t("contact channels"),
    "identity": t("date and place of birth, nationality"),
    "request": t("what your request to an agency says"),
    "case": t("what you shared with an advice service"),
}
ACTIONS: dict[str, Text] = {
    "invitation.create": t("created your invitation"),
    "invitation.repeat": t("sent your invitation again"),
    "invitation.read": t("looked at your invitation"),
    "invitation.list": t("saw your invitation in a list"),
    "bulk.upload": t("uploaded a list with your invitation"),
    "letters.export": t("printed your letter"),
    "letters.reprint": t("printed your letter again"),
    # A request letter printed for the post (bot.rights.post_print).
    "rights.print": t("printed your letter"),
    "rights.reprint": t("printed your letter again"),
    # A request sent through Lotse to an office on this installation, at its staff page.
    "rights.office-list": t("saw your request in a list"),
    "rights.office-read": t("looked at your request"),
    "rights.office-extend": t("recorded that your request needs more time"),
    "rights.office-answer": t("recorded the answer to your request"),
    "rights.office-letter": t("downloaded your request letter for its files"),
    # The actor is the other Lotse (role "peer"; its name is the entry's organisation).
    "transfer.sent": t("received the data you chose to take along"),
    "transfer.received": t("sent the data you chose to bring along"),
    # An advice service's advisors (roles "advisor", "service-admin"; bot.cases).
    "case.list": t("saw your request for advice in a list"),
    "case.read": t("looked at your request for advice"),
    "case.assign": t("assigned your request for advice to an advisor"),
    "case.status": t("changed the status of your request for advice"),
    "case.note": t("wrote an internal note on your request for advice"),
    "case.reply": t("wrote to you about your request for advice"),
    # The person's own actions (role "person"): whole clauses, said to the person.
    "mydata.export": t("You made an export of your data"),
    "mydata.download": t("You received the export of your data"),
    # Requests to agencies (bot.rights), the person's own.
    "rights.start": t("You started a request to an agency"),
    "rights.change": t("You changed a request to an agency"),
    "rights.letter": t("You had a request letter made"),
    "rights.download": t("You received a request letter"),
    "rights.letter.reminder": t("You had a reminder letter made"),
    "rights.download.reminder": t("You received a reminder letter"),
    "rights.letter.complaint": t("You had a complaint letter made"),
    "rights.download.complaint": t("You received a complaint letter"),
    "rights.delete": t("You deleted a request to an agency"),
    "rights.post-request": t("You asked for a request letter to be posted to you"),
    # The deadline clock of a request (bot.rights.tracking).
    "rights.sent": t("You noted when a letter about your request was sent"),
    "rights.answered": t("You noted the agency's answer to your request"),
    "rights.extended": t("You noted that the agency needs more time for your request"),
    "rights.no-answer": t("You said that no answer to your request came yet"),
    "rights.close": t("You closed a request to an agency"),
    "rights.office": t("You sent a request to an office through Lotse"),
    "case.handoff": t("You asked an advice service to contact you"),
    "case.withdraw": t("You withdrew what you shared with an advice service"),
}
OTHER_ACTION = t("processed your data")
#: The person's own actions (role "person"), each a whole sentence: {when}, {channel}
#: (where they did it) and {data}.
OWN_ACTIONS: dict[str, Text] = {
    # TRANSLATORS: in "Who looked at my data": the person changed their own data, e.g.
    # "2026-11-30 10:15: you changed your data yourself, by SMS. Data: language."
    "person.change": t("{when}: you changed your data yourself, by {channel}. Data: {data}."),
}
OWN_OTHER = t("{when}: you did this yourself, by {channel}. Data: {data}.")


def access_sentence(
    *,
    at: datetime,
    role: str,
    organisation: str | None,
    action: str,
    categories: tuple[str, ...] | list[str],
    via: str | None = None,
    day_only: bool = False,
) -> Text:
    """One access: when, who, in which role, what, which data; the person's own actions
    as sentences said to them, with the channel they used. `day_only` for SMS: the time
    of day would cost a segment in some languages."""
    what = listed([CATEGORIES[str(c)] for c in categories if str(c) in CATEGORIES])
    when = at.date() if day_only else at
    if role == "person" and action in ACTIONS:
        # TRANSLATORS: the person's own action in their access log: {action} is a whole
        # clause, e.g. "You made an export of your data".
        return t("{when}: {action}. Data: {data}.", when=when,
                 action=ACTIONS[action], data=what)  # fmt: skip
    if role == "person":
        # The channel's plain name: "this web chat" could be another session of it.
        known = via is not None and via in Channel._value2member_map_
        shown = channel_name(Channel(via), None) if via is not None and known else t("another way")
        sentence = OWN_ACTIONS.get(action, OWN_OTHER)
        return Text(sentence.msgid, {"when": when, "channel": shown, "data": what})
    who = "Lotse" if role == "operator" or not organisation else organisation
    role_name, done = ROLES.get(role, ROLES["operator"]), ACTIONS.get(action, OTHER_ACTION)
    # TRANSLATORS: who looked at the person's data: {when} date and time, {who} an
    # office's name or "Lotse", {role} e.g. "office staff", {action} e.g. "printed your
    # letter", {data} the kinds of data, e.g. "name, postal address".
    return t("{when}: {who} ({role}) {action}. Data: {data}.", when=when, who=who,
             role=role_name, action=done, data=what)  # fmt: skip
