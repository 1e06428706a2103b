"""Requests to data holders: access, correction, erasure, restriction and the AZR
transfer block, written as a German letter with a translation the person can read."""

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
from bot.rights.views import LETTER_REFERENCE, IssuedLetter, RequestStatus, RequestView

__all__ = [
    "DETAIL_MAX",
    "IDENTITY_PARTS",
    "LETTER_REFERENCE",
    "Details",
    "Identity",
    "IssuedLetter",
    "LetterRequest",
    "Part",
    "Problem",
    "RequestStatus",
    "RequestView",
    "apply_detail",
    "apply_identity",
    "letter_filename",
    "parse_birth_date",
    "render_request_letter",
    "request_letter",
]
