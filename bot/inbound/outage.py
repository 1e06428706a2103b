"""Telling a database that is away from a statement that failed."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def database_away(error: BaseException) -> bool:
    """True for errors that say the database cannot be reached or used right now
    (connection refused or lost, server shutting down, SQLite locked past its timeout,
    a timeout); False for a statement's own error (a flow bug, a constraint)."""
    if isinstance(error, OperationalError | InterfaceError | OSError | TimeoutError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)
