"""Invitations from registration offices: codes, creation (API and CSV), routing to a
channel, follow-up and reminders, connecting a person, print batches and the letter."""

from bot.invitations.bulk import BulkResult, RowOutcome, import_csv
from bot.invitations.bulk_csv import BulkFileError
from bot.invitations.codes import code_of, display_code, find_code, is_token
from bot.invitations.connect import PHONE_CHANNELS, Attempt, Refusal, connect_invitation
from bot.invitations.connect_review import FindingKind, review
from bot.invitations.connector import Connection, Connector
from bot.invitations.create import ReferenceConflict, create_invitation
from bot.invitations.input import FieldError, InvitationIn, parse_request
from bot.invitations.jobs import invitation_jobs
from bot.invitations.links import sms_number
from bot.invitations.office import (
    BadCursor,
    Listing,
    create_for_office,
    list_for_office,
    read_for_office,
)
from bot.invitations.print_batch import (
    MAX_BATCH_LETTERS,
    Batch,
    export_for_office,
    export_pending,
    reprint,
    reprint_for_office,
    write_batch,
)
from bot.invitations.print_queue import (
    BatchSummary,
    NothingToPrint,
    PrintOverview,
    UnknownBatch,
    print_overview,
    recent_batches,
)
from bot.invitations.request import InvitationRequest, Personal
from bot.invitations.sending import InvitationSender
from bot.invitations.status import InvitationStatus, LetterStatus
from bot.invitations.views import Event, OfficeInvitation, status_counts

__all__ = [
    "MAX_BATCH_LETTERS",
    "PHONE_CHANNELS",
    "Attempt",
    "BadCursor",
    "Batch",
    "BatchSummary",
    "BulkFileError",
    "BulkResult",
    "Connection",
    "Connector",
    "Event",
    "FieldError",
    "FindingKind",
    "InvitationIn",
    "InvitationRequest",
    "InvitationSender",
    "InvitationStatus",
    "LetterStatus",
    "Listing",
    "NothingToPrint",
    "OfficeInvitation",
    "Personal",
    "PrintOverview",
    "ReferenceConflict",
    "Refusal",
    "RowOutcome",
    "UnknownBatch",
    "code_of",
    "connect_invitation",
    "create_for_office",
    "create_invitation",
    "display_code",
    "export_for_office",
    "export_pending",
    "find_code",
    "import_csv",
    "invitation_jobs",
    "is_token",
    "list_for_office",
    "parse_request",
    "print_overview",
    "read_for_office",
    "recent_batches",
    "reprint",
    "reprint_for_office",
    "review",
    "sms_number",
    "status_counts",
    "write_batch",
]
