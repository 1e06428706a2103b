"""My data: what Lotse holds about a person, by category, with why and until when."""

from bot.kernel.postal import street_name
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
from bot.mydata.masking import masked_postal, phone_ending
from bot.mydata.port import MyDataReader, my_data_port

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
    "MyDataReader",
    "PhoneItem",
    "PostalItem",
    "UnknownPerson",
    "inventory",
    "masked_postal",
    "my_data_port",
    "phone_ending",
    "street_name",
]
