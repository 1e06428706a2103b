"""Cases: a hand-off to an advice service that shares only what the person chose, and
the casework of the service's advisors on it. Who may see a case is decided in one
place (bot.cases.access); flows reach this package only through a port."""

from bot.cases.access import CaseNotFound, Member, may_see, member
from bot.cases.canned import CannedError, CannedReplies, CannedReply, MissingValue, load_canned
from bot.cases.handoff import (
    MAX_VALUE,
    HandoffRefused,
    Refusal,
    Request,
    hand_off,
    mine,
    withdraw,
)
from bot.cases.port import HANDOFF_DAYS, Offer, PersonCases, cases_port
from bot.cases.retention import case_jobs, purge_cases
from bot.cases.store import PAGE, add_note, assign, colleagues, list_cases, open_case, set_status
from bot.cases.views import (
    CaseDetail,
    CaseRow,
    CaseStatus,
    Direction,
    Field,
    Handoff,
    MessageState,
    Note,
    Rendering,
    ThreadMessage,
    View,
)

__all__ = [
    "HANDOFF_DAYS",
    "MAX_VALUE",
    "PAGE",
    "CannedError",
    "CannedReplies",
    "CannedReply",
    "CaseDetail",
    "CaseNotFound",
    "CaseRow",
    "CaseStatus",
    "Direction",
    "Field",
    "Handoff",
    "HandoffRefused",
    "Member",
    "MessageState",
    "MissingValue",
    "Note",
    "Offer",
    "PersonCases",
    "Refusal",
    "Rendering",
    "Request",
    "ThreadMessage",
    "View",
    "add_note",
    "assign",
    "case_jobs",
    "cases_port",
    "colleagues",
    "hand_off",
    "list_cases",
    "load_canned",
    "may_see",
    "member",
    "mine",
    "open_case",
    "purge_cases",
    "set_status",
    "withdraw",
]
