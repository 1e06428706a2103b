"""Staff: accounts, passwords and login throttling."""

from bot.staff.accounts import create_user, verify_password
from bot.staff.login_throttle import login_allowed, login_failed, login_succeeded, unlock_login

__all__ = [
    "create_user",
    "login_allowed",
    "login_failed",
    "login_succeeded",
    "unlock_login",
    "verify_password",
]
