"""Staff: accounts, passwords, login throttling, and sessions."""

from bot.staff.accounts import create_user, set_language
from bot.staff.login_throttle import unlock_login
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
    "LoginRefused",
    "StaffMember",
    "create_user",
    "log_in",
    "log_out",
    "set_language",
    "staff_member",
    "unlock_login",
]
