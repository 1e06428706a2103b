"""Names of channels and purposes as people read them."""

from __future__ import annotations

from bot.kernel.types import Channel, ConsentState, Text, t

#: Each channel named from anywhere else (a letter, another channel, the office).
CHANNEL_NAMES: dict[Channel, Text] = {
    Channel.WEBCHAT: t("the Lotse web chat"),
    Channel.TELEGRAM: t("Telegram"),
    Channel.SMS: t("SMS (text message)"),
    Channel.WHATSAPP: t("WhatsApp"),
    Channel.LETTER: t("letter by post"),
}

#: A channel named to a person who is reading on that very channel.
_HERE: dict[Channel, Text] = {
    Channel.WEBCHAT: t("this web chat"),
    Channel.SMS: t("SMS (like this message)"),
}


def channel_name(channel: Channel, current: Channel | None) -> Text:
    """The channel's name for a person reading on `current` (None: not on any channel).

    "This web chat" is wrong in an SMS, and "SMS" alone hides that the message being
    read is one."""
    if channel is current and channel in _HERE:
        return _HERE[channel]
    return CHANNEL_NAMES[channel]


def listed(items: list[Text]) -> Text:
    """Items as one list in the reader's language ("a, b, c"; "a، b، c" in Arabic script).

    Each item is translated on its own; the comma is the catalog's."""
    if len(items) == 1:
        return items[0]
    # TRANSLATORS: joins two items of a list (repeated for longer lists); use your
    # language's comma, e.g. "{a}، {b}" in Arabic script, "{a}፣ {b}" in Ge'ez.
    return t("{a}, {b}", a=items[0], b=listed(items[1:]))


STATE_NAMES: dict[ConsentState, Text] = {
    ConsentState.GIVEN: t("yes"),
    ConsentState.REFUSED: t("no"),
    ConsentState.WITHDRAWN: t("withdrawn"),
}

#: Purposes of processing by id (the consent book defines what each covers).
PURPOSE_NAMES: dict[str, Text] = {
    "contact": t("information and invitations"),
    "requests": t("letters to agencies about your data"),
    "handoff": t("sharing what you chose with an advice service"),
}
# TRANSLATORS: what a person may share with an advice service (bot.cases.Field
# values); short, they are buttons.
HANDOFF_FIELD_NAMES: dict[str, Text] = {
    "first-name": t("First name"),
    "language": t("Language"),
    "channel": t("Preferred channel"),
    "topic": t("Topic"),
    "description": t("Description in your own words"),
    "reference": t("Reference of the office's invitation"),
    "history": t("Earlier requests to advice services"),
}
#: What a request to a data holder asks for (bot.holders.RequestKind values).
REQUEST_KIND_NAMES: dict[str, Text] = {
    "access": t("access to your data"),
    "correction": t("correction of your data"),
    "erasure": t("erasure of your data"),
    "restriction": t("restriction of the use of your data"),
    "transfer-block": t("block on passing on your data"),
}
