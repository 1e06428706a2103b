"""My data: what Lotse holds about the person, why and until when; who looked at it.

Contact details arrive masked (bot.mydata): the last digits of a number, the street
without the house number. By SMS each item and each access is a message of its own, so
none goes over the SMS budget, and the access list stops at the last three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation import Context, Input, MyData, Step
from bot.i18n import (
    HANDOFF_FIELD_NAMES,
    REQUEST_KIND_NAMES,
    STATE_NAMES,
    access_sentence,
    channel_name,
    direction,
    listed,
    native_name,
)
from bot.kernel.bidi import isolated
from bot.kernel.types import Channel, Choice, ConsentState, Reply, Text, t, tn, verbatim
from flows.common import go

NAME = "my_data"
HISTORY = Choice("history", t("Who looked at my data"))
#: Which agencies hold data about the person, and how to ask them (flows/holders.py).
HOLDERS = Choice("holders", t("Who holds my data"))
CORRECT = Choice("correct", t("Correct my data"))
EXPORT = Choice("export", t("Export my data"))
MORE = Choice("more", t("More"))
#: Taking one's data along or bringing it: one choice here, both in the transfer flow.
MOVE = Choice("move", t("Moving to another town"))
BACK = Choice("back", t("Back to the main menu"))
#: Accesses per page: a screenful on a chat, the last few by SMS.
PAGE, SMS_PAGE = 10, 3

# Ids from bot.mydata.Basis: flows may not import bot.mydata, so they are spelled here
# (the access log's roles, categories and actions: bot.i18n.access_sentence).
BASES: dict[str, Text] = {
    "service": t("needed to write to you"),
    "consent": t("your consent"),
    "office-invitation": t("the office invitation you accepted"),
    "letters-consent": t("your consent to letters"),
    "retention": t("needed for our conversation"),
    "accountability": t("the law requires a record of access"),
    "request": t("you asked for it"),
}
# Ids from bot.mydata.RequestKind ("holder-request" is worded by `holder_request`).
REQUESTS: dict[str, Text] = {
    "export": t("An export of your data, ready to download."),
    "transfer-code": t("A transfer code for another Lotse."),
}


def holder_request(item: Any) -> Text:
    """A request to a data holder: the holder's plain name is a catalog id."""
    # TRANSLATORS: one item of "My data": {holder} is an agency, e.g. "Central Register
    # of Foreign Nationals (AZR)", {kind} what the request asks, e.g. "access to your data".
    return t("Your request to {holder} ({kind}), kept encrypted.",
             holder=Text(item.holder_name),
             kind=REQUEST_KIND_NAMES[item.request_kind])  # fmt: skip


def held(item: Text, basis: str, until: Any) -> Text:
    # TRANSLATORS: one item of "My data": {item} is what is held, {why} the reason
    # (e.g. "your consent"), {date} the last day it is kept.
    return t("{item} Why: {why}. Kept until {date} at the latest.", item=item,
             why=BASES[basis], date=until)  # fmt: skip


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
    for request in data.requests:
        kind = str(request.kind)
        add(holder_request(request) if kind == "holder-request" else REQUESTS[kind], request)
    for case in getattr(data, "cases", ()):
        fields = [HANDOFF_FIELD_NAMES[f] for f in case.fields if f in HANDOFF_FIELD_NAMES]
        # TRANSLATORS: one item of "My data": {service} is an advice service's name,
        # {fields} what the person chose to share with it (names, never the values).
        service = _data(ctx, case.service_name)
        shared = listed(fields) if fields else verbatim("–")
        add(
            t("Your request to {service}, sharing: {fields}.", service=service, fields=shared), case
        )
    return found


def _data(ctx: Context, value: str) -> str:
    """A name kept in place in right-to-left text."""
    return isolated(value) if direction(ctx.lang) == "rtl" else value


def access_line(line: Any, sms: bool = False) -> Text:
    """One line of a bot.audit.AccessPage, worded as the exported document words it."""
    return access_sentence(
        at=line.at, role=str(line.role), organisation=line.organisation, action=line.action,
        categories=tuple(str(c) for c in line.categories), via=line.via, day_only=sms,
    )  # fmt: skip


class MyDataFlow:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        held_now = await ctx.port(MyData).inventory()
        header = t("This is what Lotse keeps about you, why, and until when:")
        lines = items(ctx, held_now)
        if ctx.channel is Channel.SMS:
            # The choices travel alone: an item with them could pass three segments.
            replies = [Reply((header,)), *(Reply((line,)) for line in lines)]
            replies.append(Reply((t("My data"),), (HISTORY, HOLDERS, CORRECT, EXPORT, MOVE, BACK)))
        else:
            replies = [Reply((header, *lines), (HISTORY, HOLDERS, CORRECT, EXPORT, MOVE, BACK))]
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
            # The last few only: the rest is in the export, behind a short link.
            rest = t("Every entry is in the export of your data.")
            last = Reply((since, rest), (EXPORT, BACK))
            replies = [*(Reply((line,)) for line in lines), last]
        else:
            replies = [Reply((*lines, since), choices)]
        return Step(tuple(replies), NAME, "history", {"before": page.next_before})

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        if step == "history" and data.get("before") is not None and ctx.channel is not Channel.SMS:
            return Reply((t("Who looked at my data"),), (MORE, BACK))
        if step == "history" and ctx.channel is Channel.SMS:
            return Reply((t("Who looked at my data"),), (EXPORT, BACK))
        if step == "history":
            return Reply((t("Who looked at my data"),), (BACK,))
        return Reply((t("My data"),), (HISTORY, HOLDERS, CORRECT, EXPORT, MOVE, BACK))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == BACK.id:
            return go("menu")
        if step == "overview" and given.choice == HOLDERS.id:
            return go("holders")
        if step == "overview" and given.choice == CORRECT.id:
            return go("settings")
        if step == "overview" and given.choice == MOVE.id:
            return go("transfer", data={"mode": "move"})
        if step in ("overview", "history") and given.choice == EXPORT.id:
            return go("my_data_export")
        if step == "overview" and given.choice == HISTORY.id:
            return await self.history(ctx, None)
        if step == "history" and given.choice == MORE.id and data.get("before") is not None:
            return await self.history(ctx, int(data["before"]))
        return None
