"""One advice service as the operator's directory describes it.

Everything a person reads is structured (programme, topics, languages, opening hours,
reply time), so Lotse shows it in the person's language; names and addresses are shown
as written. A service is eligible for a person when their age fits its limits and their
residence situation is one it takes, or when their situation is one it takes at any age
(MBE: every holder of an Aufenthaltsgestattung, whatever their age)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.advice.taxonomy import Programme, Reach, Topic
from bot.holders import Situation


@dataclass(frozen=True, slots=True)
class Hours:
    """Open on `day` (0 Monday … 6 Sunday) from `opens` to `closes`."""

    day: int
    opens: time
    closes: time


@dataclass(frozen=True, slots=True)
class Place:
    street: str
    postcode: str
    city: str
    hours: tuple[Hours, ...] = ()
    #: Only by appointment (then `hours` may be empty).
    appointment: bool = False


@dataclass(frozen=True, slots=True)
class Service:
    slug: str
    name: str
    programme: Programme
    #: Who runs it (a welfare association, an NGO), as written.
    provider: str
    #: What it advises on; empty: general counselling on every topic.
    topics: frozenset[Topic]
    #: Languages its counsellors speak (Lotse's codes: ku Kurmanji, ckb Sorani; any other
    #: ISO 639 code is kept for the record).
    languages: frozenset[str]
    verified_at: date
    #: Where the record comes from (the provider's page, a phone call), as written.
    source: str
    min_age: int | None = None
    max_age: int | None = None
    #: Residence situations it takes; empty: everyone.
    situations: frozenset[Situation] = frozenset()
    #: Situations it takes whatever the person's age.
    any_age: frozenset[Situation] = frozenset()
    place: Place | None = None
    phone: str | None = None  # E.164
    phone_hours: tuple[Hours, ...] = ()
    email: str | None = None
    online: str | None = None  # https URL of its online counselling
    #: Takes requests through Lotse (the hand-off).
    lotse: bool = False
    #: Postcodes it serves: a five-digit postcode, or a prefix ending in "*"; empty: all.
    areas: tuple[str, ...] = ()
    #: The first reply it promises to written requests, in hours.
    reply_hours: int | None = None
    #: A person may ask for a counsellor of a given gender.
    gender_choice: bool = False

    @property
    def reach(self) -> tuple[Reach, ...]:
        """The ways to reach it, in the order a person is shown them."""
        ways = (
            (Reach.IN_PERSON, self.place is not None),
            (Reach.PHONE, self.phone is not None),
            (Reach.EMAIL, self.email is not None),
            (Reach.ONLINE, self.online is not None),
            (Reach.LOTSE, self.lotse),
        )
        return tuple(way for way, offered in ways if offered)

    @property
    def remote(self) -> bool:
        """Reachable without going there (any way of `reach` but in person)."""
        return bool(self.phone or self.email or self.online or self.lotse)

    def serves(self, postcode: str) -> bool:
        """Whether `postcode` lies in the area it serves (every postcode when none given)."""
        if not self.areas:
            return True
        return any(
            postcode.startswith(area[:-1]) if area.endswith("*") else postcode == area
            for area in self.areas
        )
