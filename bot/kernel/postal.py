"""A postal address: one type for keeping, indexing and printing addresses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PostalAddress:
    name: str
    street: str
    postcode: str
    city: str
    #: A second line after the name: "c/o …", a room in shared accommodation.
    extra: str | None = None

    def lines(self) -> tuple[str, ...]:
        middle = (self.extra,) if self.extra else ()
        return (self.name, *middle, self.street, f"{self.postcode} {self.city}")
