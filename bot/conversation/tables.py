"""The tables the engine writes with Core statements: its hot path skips the ORM."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table

from bot.db.models import Contact, Conversation, Message, Person

MESSAGES = cast(Table, Message.__table__)
CONVERSATIONS = cast(Table, Conversation.__table__)
PERSONS = cast(Table, Person.__table__)
CONTACTS = cast(Table, Contact.__table__)
