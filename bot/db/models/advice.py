"""The advice directory: the services the operator imported (`lotse services import`),
and every import. No person is named here; the records are public information."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, BigId


class AdviceImport(Base):
    """One change of the directory: a file imported (its name and sha256, and what it
    changed), or a service removed by hand. The newest row's id tells a running Lotse
    whether its copy of the directory is still current."""

    __tablename__ = "advice_imports"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    imported_at: Mapped[datetime]
    #: "import", "replace" (services not in the file removed) or "remove" (by hand).
    action: Mapped[str] = mapped_column(String(16))
    #: The file's name as given (no directory), or the removed service's slug.
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    added: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)


class AdviceService(Base):
    """One service: its record as JSON text (bot.advice.codec), with the columns a
    listing or a query needs beside it."""

    __tablename__ = "advice_services"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    programme: Mapped[str] = mapped_column(String(16))
    record: Mapped[str] = mapped_column(Text)
    verified_at: Mapped[date]
    #: When the record last changed, and the import that changed it.
    updated_at: Mapped[datetime]
    import_id: Mapped[int] = mapped_column(ForeignKey("advice_imports.id"), index=True)
