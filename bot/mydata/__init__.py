"""My data: what Lotse holds about a person, by category, with why and until when."""

from bot.mydata.document import JSON_NAME, PDF_NAME, export_pdf, export_report
from bot.mydata.export import FORMAT, build_export
from bot.mydata.exports import (
    DOWNLOAD_ACTION,
    EXPORT_ACTION,
    REFERENCE,
    ExportGone,
    Issued,
    Opened,
    issue,
    open_by_token,
    open_in_chat,
    purge_expired,
)
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
from bot.mydata.port import MyDataReader, my_data_port

__all__ = [
    "DOWNLOAD_ACTION",
    "EXPORT_ACTION",
    "FORMAT",
    "JSON_NAME",
    "PDF_NAME",
    "REFERENCE",
    "ExportGone",
    "Issued",
    "Opened",
    "build_export",
    "export_pdf",
    "export_report",
    "issue",
    "open_by_token",
    "open_in_chat",
    "purge_expired",
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
