"""Names of channels and purposes as people read them."""

from __future__ import annotations

from bot.kernel.types import Channel, ConsentState, Text, t

CHANNEL_NAMES: dict[Channel, Text] = {
    Channel.WEBCHAT: t("this web chat"),
    Channel.TELEGRAM: t("Telegram"),
    Channel.SMS: t("SMS (text message)"),
    Channel.WHATSAPP: t("WhatsApp"),
    Channel.LETTER: t("letter by post"),
}

STATE_NAMES: dict[ConsentState, Text] = {
    ConsentState.GIVEN: t("yes"),
    ConsentState.REFUSED: t("no"),
    ConsentState.WITHDRAWN: t("withdrawn"),
}

#: Purposes of processing by id (the consent book defines what each covers).
PURPOSE_NAMES: dict[str, Text] = {
    "contact": t("information and invitations"),
}
