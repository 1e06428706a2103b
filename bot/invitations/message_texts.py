"""The words of an invitation's message and its reminder (SMS, WhatsApp; Telegram links too)."""

from __future__ import annotations

from bot.db.models import Office
from bot.invitations.codes import display_code
from bot.kernel.types import Text, t


def invitation_texts(
    office: Office,
    code: str,
    link: str,
    telegram: bool,
    *,
    reminder: bool = False,
    with_link: bool = True,
) -> list[Text]:
    """The message. Its first line stands alone (WhatsApp templates carry only it).
    Without the link (an SMS that would cost more than three segments with it), the
    person answers with the code."""
    shown = display_code(code)
    first = (
        # TRANSLATORS: Reminder message (SMS/WhatsApp); keep it short: SMS costs per segment.
        t("Reminder: {office} invites you to free advice in your language. Your code: {code}",
          office=office.name, code=shown)
        if reminder
        # TRANSLATORS: Invitation message (SMS/WhatsApp); keep it short: SMS costs per segment.
        else t("{office} invites you to free advice in your language. Your code: {code}",
               office=office.name, code=shown)
    )  # fmt: skip
    how = (
        t("Open {link} to start in Telegram.", link=link)
        if telegram
        else t("Reply with the code to start, or open {link}", link=link)
        if with_link
        # TRANSLATORS: the end of an invitation by SMS when the link would not fit.
        else t("Reply with the code to start.")
    )
    return [first, how]
