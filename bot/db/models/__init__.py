"""The database schema, one module per feature. Personal fields are encrypted (`*_enc`)
or keyed hashes (`*_index`). Importing this package registers every table.
"""

from bot.db.models.advice import AdviceImport, AdviceService
from bot.db.models.audit import AccessEntry
from bot.db.models.base import Base, BigId, UTCDateTime
from bot.db.models.cases import Case, CaseMessage, CaseNote, ServiceLevel
from bot.db.models.consent import ConsentRecord
from bot.db.models.erasure import (
    TOMBSTONE_COLUMN,
    OnErasure,
    PersonReference,
    on_erasure,
    person_references,
)
from bot.db.models.invitations import Invitation, InvitationEvent, Letter
from bot.db.models.messaging import Message
from bot.db.models.mydata import MyDataExport
from bot.db.models.offices import Office, OfficeApiKey
from bot.db.models.people import Contact, Conversation, ErasureTombstone, Municipality, Person
from bot.db.models.pipeline import InboxEntry, JobRun
from bot.db.models.rights import RightsRequest
from bot.db.models.staff import StaffServiceMember, StaffSession, StaffUser
from bot.db.models.throttle import ThrottleEvent
from bot.db.models.transfer import TransferCode, TransferFetch, TransferReceived

__all__ = [
    "TOMBSTONE_COLUMN",
    "AccessEntry",
    "AdviceImport",
    "AdviceService",
    "Base",
    "BigId",
    "Case",
    "CaseMessage",
    "CaseNote",
    "ConsentRecord",
    "Contact",
    "Conversation",
    "ErasureTombstone",
    "InboxEntry",
    "Invitation",
    "InvitationEvent",
    "JobRun",
    "Letter",
    "Message",
    "Municipality",
    "MyDataExport",
    "Office",
    "OfficeApiKey",
    "OnErasure",
    "Person",
    "PersonReference",
    "RightsRequest",
    "ServiceLevel",
    "StaffServiceMember",
    "StaffSession",
    "StaffUser",
    "ThrottleEvent",
    "TransferCode",
    "TransferFetch",
    "TransferReceived",
    "UTCDateTime",
    "on_erasure",
    "person_references",
]
