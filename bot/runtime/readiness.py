"""Whether this Lotse can serve: the database answers and its schema is current."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.migrate import schema_problem


async def readiness_problem(db: AsyncEngine) -> str | None:
    """None when ready, else one line saying why not (for /readyz)."""
    try:
        async with db.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return await schema_problem(db)
    except Exception as error:  # any database failure means "not ready"
        return f"database unreachable: {type(error).__name__}"
