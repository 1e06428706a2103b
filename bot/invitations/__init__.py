"""Invitations from registration offices: codes, creation (API and CSV), routing to a
channel, follow-up and reminders, connecting a person, print batches and the letter."""

from bot.invitations.bulk import BulkResult, RowOutcome, import_csv
from bot.invitations.bulk_csv import BulkFileError
from bot.invitations.codes import code_of, display_code, find_code, is_token
from bot.invitations.connect import PHONE_CHANNELS, Attempt, Refusal, connect_invitation
from bot.invitations.connect_review import FindingKind, review
from bot.invitations.create import ReferenceConflict, create_invitation
from bot.invitations.input import FieldError, InvitationIn, parse_request
from bot.invitations.jobs import invitation_jobs
from bot.invitations.links import sms_number
from bot.invitations.print_batch import (
    MAX_BATCH_LETTERS,
    Batch,
    export_for_office,
    export_pending,
    reprint,
    reprint_for_office,
    write_batch,
)
from bot.invitations.print_queue import BatchSummary, NothingToPrint, UnknownBatch, recent_batches
from bot.invitations.sending import InvitationSender
from bot.invitations.status import InvitationStatus, LetterStatus
from bot.invitations.views import counts_by_status, invitation_view, office_invitation, timeline

__all__ = [
    "MAX_BATCH_LETTERS",
    "PHONE_CHANNELS",
    "Attempt",
    "Batch",
    "BatchSummary",
    "BulkFileError",
    "BulkResult",
    "FieldError",
    "FindingKind",
    "InvitationIn",
    "InvitationSender",
    "InvitationStatus",
    "LetterStatus",
    "NothingToPrint",
    "ReferenceConflict",
    "Refusal",
    "RowOutcome",
    "UnknownBatch",
    "code_of",
    "connect_invitation",
    "counts_by_status",
    "create_invitation",
    "display_code",
    "export_for_office",
    "export_pending",
    "find_code",
    "import_csv",
    "invitation_jobs",
    "invitation_view",
    "is_token",
    "office_invitation",
    "parse_request",
    "recent_batches",
    "reprint",
    "reprint_for_office",
    "review",
    "sms_number",
    "timeline",
    "write_batch",
]
