"""My data: what Lotse holds about the person, why and until when; who looked at it.

Contact details arrive masked (bot.mydata): the last digits of a number, the street
without the house number. By SMS each item and each access is a message of its own, so
none goes over the SMS budget, and the access list stops at the last three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation import Context, Input, MyData, Step
from bot.i18n import STATE_NAMES, channel_name, listed, native_name
from bot.kernel.types import Channel, Choice, ConsentState, Reply, Text, t, tn
from flows.common import go

NAME = "my_data"
HISTORY = Choice("history", t("Who looked at my data"))
CORRECT = Choice("correct", t("Correct my data"))
MORE = Choice("more", t("More"))
#: Taking one's data along or bringing it: one choice here, both in the transfer flow.
MOVE = Choice("move", t("Moving to another town"))
BACK = Choice("back", t("Back to the main menu"))
#: Accesses per page: a screenful on a chat, the last few by SMS.
PAGE, SMS_PAGE = 10, 3

# Ids from bot.mydata.Basis, bot.audit.Role, bot.audit.Category and the log's actions:
# flows may not import those packages, so the ids are spelled here.
BASES: dict[str, Text] = {
    "service": t("needed to write to you"),
    "consent": t("your consent"),
    "office-invitation": t("the office invitation you accepted"),
    "letters-consent": t("your consent to letters"),
    "retention": t("needed for our conversation"),
    "accountability": t("the law requires a record of access"),
}
ROLES: dict[str, Text] = {
    "office-api": t("office system"),
    "office-staff": t("office staff"),
    "operator": t("operator"),
    "peer": t("another Lotse"),
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
}
ACTIONS: dict[str, Text] = {
    "invitation.create": t("created your invitation"),
    "invitation.repeat": t("sent your invitation again"),
    "invitation.read": t("looked at your invitation"),
    "invitation.list": t("saw your invitation in a list"),
    "bulk.upload": t("uploaded a list with your invitation"),
    "letters.export": t("printed your letter"),
    "letters.reprint": t("printed your letter again"),
    # The actor is the other Lotse (role "peer"; its name is the entry's organisation).
    "transfer.sent": t("received the data you chose to take along"),
    "transfer.received": t("sent the data you chose to bring along"),
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


def held(item: Text, basis: str, until: Any) -> Text:
    # TRANSLATORS: one item of "My data": {item} is what is held, {why} the reason
    # (e.g. "your consent"), {date} the last day it is kept.
    return t("{item} Why: {why}. Kept until {date} at the latest.", item=item,
             why=BASES.get(basis, OTHER_ACTION), date=until)  # fmt: skip


def items(ctx: Context, data: Any) -> list[Text]:
    """One line per thing held, from a bot.mydata.Inventory."""
    found: list[Text] = []

    def add(item: Text, thing: Any) -> None:
        found.append(held(item, str(thing.held.basis), thing.held.until))

    language = native_name(data.language.language or ctx.lang)
    add(t("Your language: {language}.", language=language), data.language)
    for channel in data.channels:
        state = ConsentState(channel.consent.state) if channel.consent else None
        name = channel_name(Channel(channel.channel), ctx.channel)
        if state is None:
            add(t("Contact by {channel}.", channel=name), channel)
        else:
            text = t("Contact by {channel}: {state}.", channel=name, state=STATE_NAMES[state])
            add(text, channel)
    for invitation in data.invitations:
        add(t("Invitation from {office}, agreed there on {date}.", office=invitation.office_name,
              date=invitation.consent_recorded_at.date()), invitation)  # fmt: skip
    if data.postal_address is not None:
        a = data.postal_address
        add(t("Address for letters: {street}, {postcode} {city}.", street=a.street_name,
              postcode=a.postcode, city=a.city), a)  # fmt: skip
    for phone in data.phones:
        add(t("Phone number ending in {ending}.", ending=phone.ending), phone)
    messages = data.messages
    if messages.received + messages.sent:
        n = messages.received + messages.sent
        add(tn("{n} message with Lotse.", "{n} messages with Lotse.", n), messages)
    if data.access_log.entries:
        n = data.access_log.entries
        text = tn("{n} entry in the access log.", "{n} entries in the access log.", n)
        add(text, data.access_log)
    return found


def access_line(line: Any, sms: bool = False) -> Text:
    """One line of a bot.audit.AccessPage: when, who, in which role, what, which data.
    By SMS the day only: the time of day would cost a segment in some languages."""
    role = str(line.role)
    what = listed([CATEGORIES[str(c)] for c in line.categories if str(c) in CATEGORIES])
    if role == "person":
        known = line.via in Channel._value2member_map_
        # The channel's plain name: "this web chat" could be another session of it.
        via = channel_name(Channel(line.via), None) if known else t("another way")
        sentence = OWN_ACTIONS.get(line.action, OWN_OTHER)
        when = line.at.date() if sms else line.at
        return Text(sentence.msgid, {"when": when, "channel": via, "data": what})
    who = "Lotse" if role == "operator" or not line.organisation else line.organisation
    # TRANSLATORS: who looked at the person's data: {when} date and time, {who} an
    # office's name or "Lotse", {role} e.g. "office staff", {action} e.g. "printed your
    # letter", {data} the kinds of data, e.g. "name, postal address".
    when = line.at.date() if sms else line.at
    role_name, action = ROLES.get(role, ROLES["operator"]), ACTIONS.get(line.action, OTHER_ACTION)
    return t("{when}: {who} ({role}) {action}. Data: {data}.", when=when, who=who,
             role=role_name, action=action, data=what)  # fmt: skip


class MyDataFlow:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        held_now = await ctx.port(MyData).inventory()
        header = t("This is what Lotse keeps about you, why, and until when:")
        lines = items(ctx, held_now)
        if ctx.channel is Channel.SMS:
            # The choices travel alone: an item with them could pass three segments.
            replies = [Reply((header,)), *(Reply((line,)) for line in lines)]
            replies.append(Reply((t("My data"),), (HISTORY, CORRECT, MOVE, BACK)))
        else:
            replies = [Reply((header, *lines), (HISTORY, CORRECT, MOVE, BACK))]
        return Step(tuple(replies), NAME, "overview", {})

    async def history(self, ctx: Context, before: int | None) -> Step:
        sms = ctx.channel is Channel.SMS
        port = ctx.port(MyData)
        page = await port.history(before, SMS_PAGE if sms else PAGE)
        if page is None:  # a cursor that is not this person's: start again from the top
            page = await port.history(None, SMS_PAGE if sms else PAGE)
        lines = [access_line(line, sms) for line in page.lines]
        if not lines:
            lines = [t("No one has looked at your data yet.")]
        since = t("The list is complete since {date}.", date=page.complete_since)
        more = page.next_before is not None and not sms
        choices = (MORE, BACK) if more else (BACK,)
        if sms:
            replies = [*(Reply((line,)) for line in lines), Reply((since,), choices)]
        else:
            replies = [Reply((*lines, since), choices)]
        return Step(tuple(replies), NAME, "history", {"before": page.next_before})

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if step == "history" and data.get("before") is not None and ctx.channel is not Channel.SMS:
            return Reply((t("Who looked at my data"),), (MORE, BACK))
        if step == "history":
            return Reply((t("Who looked at my data"),), (BACK,))
        return Reply((t("My data"),), (HISTORY, CORRECT, MOVE, BACK))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == BACK.id:
            return go("menu")
        if step == "overview" and given.choice == CORRECT.id:
            return go("settings")
        if step == "overview" and given.choice == MOVE.id:
            return go("transfer", data={"mode": "move"})
        if step == "overview" and given.choice == HISTORY.id:
            return await self.history(ctx, None)
        if step == "history" and given.choice == MORE.id and data.get("before") is not None:
            return await self.history(ctx, int(data["before"]))
        return None
