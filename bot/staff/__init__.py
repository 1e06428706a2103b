"""Staff: accounts (office staff, advisors, service admins), passwords, login throttling,
and sessions."""

from bot.staff.accounts import create_advisor, create_user, set_language
from bot.staff.login_throttle import unlock_login
from bot.staff.roles import (
    AdvisorListing,
    StaffRole,
    advisor_by_email,
    advisors,
    disable,
    parse_languages,
    services_of,
    set_services,
)
from bot.staff.sessions import (
    ABSOLUTE,
    LoginRefused,
    StaffMember,
    log_in,
    log_out,
    staff_member,
)

__all__ = [
    "ABSOLUTE",
    "AdvisorListing",
    "LoginRefused",
    "StaffMember",
    "StaffRole",
    "advisor_by_email",
    "advisors",
    "create_advisor",
    "create_user",
    "disable",
    "log_in",
    "log_out",
    "parse_languages",
    "services_of",
    "set_language",
    "set_services",
    "staff_member",
    "unlock_login",
]
