"""What a person sending a request through Lotse has, and has not, proven to Lotse:
the office's staff decide by their own procedure whether that is enough.

Everything in a request is typed by the person and checked by no one: Lotse sees no
identity document and the request carries no handwritten signature. What the channel
shows is little: an SMS or WhatsApp chat, that the person uses that mobile number
(it received Lotse's messages and answered); Telegram, only that they use that
account (Lotse never sees its number); a web chat, nothing. A person who connected with
the code of an office's invitation received that invitation (by letter: at the postal
address that office had).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.holders import Holder, IdentityProof


class ChannelProof(StrEnum):
    #: SMS: the person uses a mobile number that received Lotse's texts and answered.
    PHONE = "phone"
    #: WhatsApp: the same for the WhatsApp account of a mobile number.
    WHATSAPP = "whatsapp"
    #: Telegram: the person uses a Telegram account; its phone number is not known.
    TELEGRAM = "telegram"
    #: Web chat (or a channel not known): nothing about the person.
    NOTHING = "nothing"


_BY_CHANNEL = {
    "sms": ChannelProof.PHONE,
    "whatsapp": ChannelProof.WHATSAPP,
    "telegram": ChannelProof.TELEGRAM,
}


@dataclass(frozen=True, slots=True)
class Proof:
    #: The channel the request was made on (bot.kernel.types.Channel value).
    channel: str
    proves: ChannelProof
    #: What the holder's own rule asks to be sure a request is the person's (the
    #: catalog); None when the catalog no longer has the holder.
    holder_needs: IdentityProof | None
    needs_id_document: bool
    #: The office whose invitation code the person connected with, and how it went.
    invited_by: str | None = None
    invited_via: str | None = None


def proof_of(
    channel: str, holder: Holder | None, *, invited_by: str | None, invited_via: str | None
) -> Proof:
    return Proof(
        channel=channel, proves=_BY_CHANNEL.get(channel, ChannelProof.NOTHING),
        holder_needs=None if holder is None else holder.identity_proof,
        needs_id_document=False if holder is None else holder.needs_id_document,
        invited_by=invited_by, invited_via=invited_via,
    )  # fmt: skip
