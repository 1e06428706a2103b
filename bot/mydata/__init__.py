"""My data: what Lotse holds about a person, by category, with why and until when."""

from bot.kernel.postal import street_name
from bot.mydata.document import JSON_NAME, PDF_NAME, export_pdf, export_report
from bot.mydata.export import FORMAT, Reveal, build_export
from bot.mydata.exports import (
    DOWNLOAD_ACTION,
    EXPORT_ACTION,
    REFERENCE,
    ExportGone,
    Issued,
    Opened,
    export_jobs,
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
    RequestItem,
    RequestKind,
)
from bot.mydata.masking import masked_postal, phone_ending
from bot.mydata.pdfs import ExportPdfs, attachment_loader
from bot.mydata.port import MyDataReader, my_data_port

__all__ = [
    "DOWNLOAD_ACTION",
    "EXPORT_ACTION",
    "FORMAT",
    "JSON_NAME",
    "PDF_NAME",
    "REFERENCE",
    "AccessLogItem",
    "Basis",
    "CategoryId",
    "ChannelItem",
    "ConsentDecision",
    "ExportGone",
    "ExportPdfs",
    "Held",
    "Inventory",
    "InvitationItem",
    "Issued",
    "LanguageItem",
    "MessagesItem",
    "MyDataReader",
    "Opened",
    "PhoneItem",
    "PostalItem",
    "RequestItem",
    "RequestKind",
    "Reveal",
    "UnknownPerson",
    "attachment_loader",
    "build_export",
    "export_jobs",
    "export_pdf",
    "export_report",
    "inventory",
    "issue",
    "masked_postal",
    "my_data_port",
    "open_by_token",
    "open_in_chat",
    "phone_ending",
    "purge_expired",
    "street_name",
]
