"""The words of the hand-off to an advice service and of its place in "My consents".

Fields are keyed by `bot.cases.Field` values, which flows may not import."""

from __future__ import annotations

from bot.i18n import HANDOFF_FIELD_NAMES
from bot.kernel.types import Choice, Text, t

#: Longest description the chat asks for (the case takes more; shorter is kinder to read).
DESCRIPTION_MAX = 500

# TRANSLATORS: the button under a shown advice service that takes requests through
# Lotse; {service} is its name.
ASK = t("Ask {service} to contact me")
ASK_CHOICE = "handoff:"

#: What a person may share (bot.cases.Field values), named as "My data" names them.
FIELDS: dict[str, Text] = HANDOFF_FIELD_NAMES
# TRANSLATORS: the same by SMS, where they are numbered lines of one short message.
SMS_FIELDS: dict[str, Text] = {
    **FIELDS,
    "first-name": t("Name"),
    "channel": t("Channel"),
    "description": t("Description"),
    "reference": t("Reference"),
    "history": t("Earlier requests"),
}
FIELD_CHOICE = "field:"

CHOOSE = t(
    "What may {service} know about you? Choose each thing you want to share. Nothing is "
    "shared unless you choose it."
)
# TRANSLATORS: by SMS, the same in fewer words; the choices are numbered below it.
SMS_CHOOSE = t("What may the service know? Choose one by one; nothing is shared unless chosen.")
NOTHING = t("You have not chosen anything yet. Choose at least one thing to share, or cancel.")

DESCRIBE = t(
    "Write in a few words what you need advice on, in your own words (at most {max} characters)."
)
TOO_LONG = t("That is {n} characters; at most {max} fit. Please write it shorter.")
SPECIAL = t(
    "Your description may tell about your health, religion, beliefs or other very "
    "personal things. Do you agree that {service} receives it?"
)
# TRANSLATORS: the same by SMS, in fewer words.
SMS_SPECIAL = t(
    "Your description may tell about your health, religion or other private things. May "
    "the service receive it?"
)
AGREE = Choice("agree", t("Yes, I agree"))
WITHOUT = Choice("without", t("Send without it"))

# TRANSLATORS: the summary before a hand-off is sent; {items} lists what goes.
SUMMARY = t("{service} will receive: {items}")
KEPT = t(
    "It is kept while your request is open and {days} days after it is closed. If you "
    "withdraw your consent, it is erased at once."
)
UNTIL = t("Your consent runs until {date}. You can withdraw it at any time under “My consents”.")
SEND = Choice("send", t("Send"))
CANCEL = Choice("cancel", t("Cancel"))
CANCELLED = t("Nothing was sent.")
SENT = t("Sent. {service} will contact you. Your request number is {case}.")
RELAY = Choice("relay", t("Write to them now"))
UNAVAILABLE = t("This service cannot be asked through Lotse. Nothing was sent.")

# -- "My consents" ---------------------------------------------------------------------

HANDOFFS = t("Your requests to advice services:")
# TRANSLATORS: one request in "My consents"; {fields} lists what was shared.
HANDOFF_LINE = t("{service}: {fields}. Since {since}, until {until}: {state}.")
ACTIVE = t("active")
WITHDRAWN = t("withdrawn")
ENDED = t("ended")
# TRANSLATORS: a button in "My consents"; {service} is the advice service's name.
WITHDRAW = t("Withdraw: {service}")
WITHDRAW_CHOICE = "withdraw:"
# TRANSLATORS: a button in "My consents": write to the advice service again.
WRITE = t("Write to: {service}")
WRITE_CHOICE = "write:"
CONFIRM_WITHDRAW = t(
    "Withdraw your consent for {service}? They can then no longer see your request, and "
    "what you shared is erased at once."
)
DONE_WITHDRAW = t("Withdrawn. {service} can no longer see your request.")
