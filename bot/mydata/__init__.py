"""My data: what Lotse holds about a person, by category, with why and until when."""

from bot.mydata.inventory import UnknownPerson, inventory
from bot.mydata.items import (
    AccessLogItem,
    Basis,
    CategoryId,
    ChannelItem,
    ConsentDecision,
    Held,
    Inventory,
    InvitationItem,
    LanguageItem,
    MessagesItem,
    PhoneItem,
    PostalItem,
)
from bot.mydata.masking import masked_postal, phone_ending, street_name

__all__ = [
    "AccessLogItem",
    "Basis",
    "CategoryId",
    "ChannelItem",
    "ConsentDecision",
    "Held",
    "Inventory",
    "InvitationItem",
    "LanguageItem",
    "MessagesItem",
    "PhoneItem",
    "PostalItem",
    "UnknownPerson",
    "inventory",
    "masked_postal",
    "phone_ending",
    "street_name",
]
