"""Telling a database that is away from a statement that failed."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

#: SQLSTATEs of a server that cannot serve now: connection exceptions (class 08),
#: shutting down or starting up (57P01–57P03), too many connections (53300).
_AWAY_STATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_away(error: BaseException) -> bool:
    """True for errors that say the database cannot be reached or used right now
    (connection refused or lost, server shutting down, SQLite locked past its timeout,
    a timeout); False for a statement's own error (a flow bug, a constraint)."""
    if isinstance(error, OperationalError | InterfaceError | OSError | TimeoutError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    state = getattr(error.orig, "sqlstate", None) or ""
    return bool(error.connection_invalidated) or state.startswith(_AWAY_STATES)
