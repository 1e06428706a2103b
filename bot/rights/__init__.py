"""Requests to data holders: access, correction, erasure, restriction and the AZR
transfer block, written as a German letter with a translation the person can read."""

from bot.rights.delivery import LetterPdfs, Render, letter_loader, letter_renderer, reference
from bot.rights.identity import (
    DETAIL_MAX,
    IDENTITY_PARTS,
    Details,
    Identity,
    Part,
    Problem,
    apply_detail,
    apply_identity,
    parse_birth_date,
)
from bot.rights.letter import (
    LetterRequest,
    letter_filename,
    render_request_letter,
    request_letter,
)
from bot.rights.letters import (
    LINK_PATH,
    LetterGone,
    OpenedLetter,
    issue_letter,
    open_by_token,
    open_in_chat,
)
from bot.rights.port import HolderCatalog, PersonRequests, requests_port
from bot.rights.post import can_post, request_post
from bot.rights.post_print import (
    MAX_RUN_LETTERS,
    PrintRun,
    UnknownPrintRun,
    print_waiting,
    reprint,
    write_run,
)
from bot.rights.records import DETAIL_PARTS, parts_held, view_of
from bot.rights.store import (
    delete_request,
    mine,
    purge_expired,
    request_jobs,
    set_part,
    start,
    use_letter_address,
    view,
)
from bot.rights.views import (
    LETTER_REFERENCE,
    IssuedLetter,
    PostedLetter,
    RequestStatus,
    RequestView,
)

__all__ = [
    "DETAIL_MAX",
    "DETAIL_PARTS",
    "IDENTITY_PARTS",
    "LETTER_REFERENCE",
    "LINK_PATH",
    "MAX_RUN_LETTERS",
    "Details",
    "HolderCatalog",
    "Identity",
    "IssuedLetter",
    "LetterGone",
    "LetterPdfs",
    "LetterRequest",
    "OpenedLetter",
    "Part",
    "PersonRequests",
    "PostedLetter",
    "PrintRun",
    "Problem",
    "Render",
    "RequestStatus",
    "RequestView",
    "UnknownPrintRun",
    "apply_detail",
    "apply_identity",
    "can_post",
    "delete_request",
    "issue_letter",
    "letter_filename",
    "letter_loader",
    "letter_renderer",
    "mine",
    "open_by_token",
    "open_in_chat",
    "parse_birth_date",
    "parts_held",
    "print_waiting",
    "purge_expired",
    "reference",
    "render_request_letter",
    "reprint",
    "request_jobs",
    "request_letter",
    "request_post",
    "requests_port",
    "set_part",
    "start",
    "use_letter_address",
    "view",
    "view_of",
    "write_run",
]
