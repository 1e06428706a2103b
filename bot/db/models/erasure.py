"""How erasing a person treats each row that names them: the registry `erase_person` walks.

Every column that references a person declares its rule where it is defined
(`mapped_column(..., info=on_erasure(OnErasure.DELETE))`), so the rule sits next to
the column and a new table cannot forget it: a test fails on any person column
without one. The rules are data here; `bot.people.erase_person` carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.db.models.base import Base

INFO_KEY = "on_erasure"
#: Where a TOMBSTONE row keeps the erasure tombstone instead of the person.
TOMBSTONE_COLUMN = "tombstone_id"


class OnErasure(StrEnum):
    #: The row is the person's: it goes with them.
    DELETE = "delete"
    #: The row is someone else's record (an office's invitation): it stays, without the person.
    DETACH = "detach"
    #: The row must outlive the person for a while (the access log, for complaints and
    #: breaches): it names the erasure tombstone instead, in its `tombstone_id` column,
    #: until its own retention ends.
    TOMBSTONE = "tombstone"


def on_erasure(rule: OnErasure) -> dict[str, object]:
    """The `info` of a column that references a person."""
    return {INFO_KEY: rule}


@dataclass(frozen=True, slots=True)
class PersonReference:
    model: type[Base]
    #: The mapped attribute that names the person.
    attribute: str
    rule: OnErasure


def person_references() -> list[PersonReference]:
    """Every declared person column, tables that depend on others first (messages before
    their contacts), so that no step trips a foreign key."""
    mappers = {mapper.local_table: mapper for mapper in Base.registry.mappers}
    found: list[PersonReference] = []
    for table in reversed(Base.metadata.sorted_tables):
        for column in table.columns:
            rule = column.info.get(INFO_KEY)
            if rule is None:
                continue
            if not isinstance(rule, OnErasure):
                raise TypeError(f"{table.name}.{column.name}: on_erasure needs an OnErasure")
            if rule is OnErasure.TOMBSTONE and TOMBSTONE_COLUMN not in table.columns:
                raise LookupError(f"{table.name} has no {TOMBSTONE_COLUMN} column to tombstone")
            mapper = mappers[table]
            attribute = mapper.get_property_by_column(column).key
            found.append(PersonReference(mapper.class_, attribute, rule))
    return found
