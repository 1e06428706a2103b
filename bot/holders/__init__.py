"""The data-holder catalog: which agencies hold data about a person, why, who receives
it by law, how to ask them, and who supervises them. Shipped as data (bot/holders/data),
merged with the operator's local bodies, validated."""

from bot.holders.record import (
    Answer,
    Citation,
    Held,
    Holder,
    HolderKind,
    IdentityProof,
    OfficialForm,
    Online,
    Quality,
    Recipient,
    RequestKind,
    Rule,
    Situation,
    Supervisor,
    Transport,
)

__all__ = [
    "Answer",
    "Citation",
    "Held",
    "Holder",
    "HolderKind",
    "IdentityProof",
    "OfficialForm",
    "Online",
    "Quality",
    "Recipient",
    "RequestKind",
    "Rule",
    "Situation",
    "Supervisor",
    "Transport",
]
