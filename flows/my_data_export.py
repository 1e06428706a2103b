"""Export my data (GDPR Art. 15 and 20): everything Lotse holds, delivered where the
person can open it, after asking. Contact details are shortened as on the screen (see
bot/mydata/export.py): the number in full only in a link sent to that very number, the
address never in full.

- web chat: links under the message (the page shows them) that work only in this chat;
- Telegram: the PDF and the JSON file sent into the chat;
- SMS and WhatsApp: a short link that works for a short time.

The export comes from the `MyData` port; asked twice at once (a double click, two
messages) it is made once, and the second answer points to the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.conversation import Context, Input, MyData, Step
from bot.kernel.types import Channel, Reply, Text, t
from flows.common import YES, go
from flows.my_data import BACK

NAME = "my_data_export"
#: Channels that get a short link rather than the files.
LINKED = (Channel.SMS, Channel.WHATSAPP)
DELIVERED = t(
    "Here is everything Lotse holds about you: a PDF to read and a JSON file for other services."
)
WHAT = t(
    "We make a document with everything Lotse holds about you: a PDF to read and a JSON "
    "file for other services. Your address and phone number are shortened in it, as here."
)


def question(ctx: Context) -> Text:
    settings = ctx.settings
    if ctx.channel in LINKED:
        # TRANSLATORS: by SMS, kept short (SMS cost per segment).
        return t("We text you a link to all your data. It shows your number in full, your "
                 "address shortened. It works for {minutes} minutes. Send it?",
                 minutes=settings.mydata_link_minutes)  # fmt: skip
    # TRANSLATORS: {what} is the sentence about the document (its own entry).
    if ctx.channel is Channel.TELEGRAM:
        return t("{what} Send the document here?", what=WHAT)
    # TRANSLATORS: {what} is the sentence about the document (its own entry).
    return t("{what} The links work only in this chat, for {hours} hours. Make it now?",
             what=WHAT, hours=settings.mydata_export_hours)  # fmt: skip


class MyDataExportFlow:
    name = NAME

    async def enter(self, ctx: Context, data: Mapping[str, Any]) -> Step:
        return Step((self.prompt(ctx, "confirm", data),), NAME, "confirm", {})

    def prompt(self, ctx: Context, step: str, data: Mapping[str, Any]) -> Reply:
        return Reply((question(ctx),), (YES, BACK))

    async def handle(
        self, ctx: Context, step: str, data: Mapping[str, Any], given: Input
    ) -> Step | None:
        if given.choice == BACK.id:
            return go("menu")
        if given.choice != YES.id:
            return None
        issued = await ctx.port(MyData).export()
        return go("menu", delivered(ctx, issued))


def delivered(ctx: Context, issued: Any) -> Reply:
    """The answer that carries the export (a bot.mydata.Issued) on this channel."""
    until = issued.expires_at
    if not issued.fresh:
        again = t("Your document was made a moment ago. Please use that one.")
        # The same export again (not a second one): the chat shows its links once more.
        return Reply(
            (again,), attachment=issued.reference if ctx.channel is Channel.WEBCHAT else None
        )
    if ctx.channel is Channel.TELEGRAM:
        return Reply((DELIVERED,), attachment=issued.reference)
    if ctx.channel not in LINKED:  # the web chat
        # TRANSLATORS: {time} is a date and time; the links are shown under the message.
        ready = t("Your document is ready. Open it with the links below. They work only "
                  "in this chat, until {time}.", time=until)  # fmt: skip
        return Reply((ready,), attachment=issued.reference)
    # TRANSLATORS: by SMS, kept short; {link} is a web address, {time} date and time.
    return Reply((t("Your data: {link} The link works until {time}. Please do not pass it on.",
                    link=issued.link, time=until),))  # fmt: skip
