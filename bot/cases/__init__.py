"""Cases: a hand-off to an advice service that shares only what the person chose, and
the casework of the service's advisors on it. Who may see a case is decided in one
place (bot.cases.access); flows reach this package only through a port."""

from bot.cases.access import CaseNotFound, Member, may_see, member
from bot.cases.canned import CannedError, CannedReplies, CannedReply, MissingValue, load_canned
from bot.cases.charts.page import overview_sections
from bot.cases.digest import digest_jobs, send_digests, staff_catalogs
from bot.cases.digest_store import CaseDigestSource
from bot.cases.handoff import (
    MAX_VALUE,
    HandoffRefused,
    Refusal,
    Request,
    hand_off,
    mine,
    withdraw,
)
from bot.cases.levels import Level, LevelError, describe_hours, get_level, parse_hours, set_level
from bot.cases.overview import (
    Figures,
    ServiceChoice,
    admin_services,
    service_overview,
    within_share,
)
from bot.cases.person_relay import Relayed, Shown, relay_port
from bot.cases.port import HANDOFF_DAYS, Offer, PersonCases, cases_port
from bot.cases.relay import MAX_TEXT, Event, person_wrote, reply
from bot.cases.relay_job import REPLY_PAYLOAD, relay_jobs, reply_id, translate_stored
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
    "MAX_TEXT",
    "MAX_VALUE",
    "PAGE",
    "REPLY_PAYLOAD",
    "CannedError",
    "CannedReplies",
    "CannedReply",
    "CaseDetail",
    "CaseDigestSource",
    "CaseNotFound",
    "CaseRow",
    "CaseStatus",
    "Direction",
    "Event",
    "Field",
    "Figures",
    "Handoff",
    "HandoffRefused",
    "Level",
    "LevelError",
    "Member",
    "MessageState",
    "MissingValue",
    "Note",
    "Offer",
    "PersonCases",
    "Refusal",
    "Relayed",
    "Rendering",
    "Request",
    "ServiceChoice",
    "Shown",
    "ThreadMessage",
    "View",
    "add_note",
    "admin_services",
    "assign",
    "case_jobs",
    "cases_port",
    "colleagues",
    "describe_hours",
    "digest_jobs",
    "get_level",
    "hand_off",
    "list_cases",
    "load_canned",
    "may_see",
    "member",
    "mine",
    "open_case",
    "overview_sections",
    "parse_hours",
    "person_wrote",
    "purge_cases",
    "relay_jobs",
    "relay_port",
    "reply",
    "reply_id",
    "send_digests",
    "service_overview",
    "set_level",
    "set_status",
    "staff_catalogs",
    "translate_stored",
    "withdraw",
    "within_share",
]
