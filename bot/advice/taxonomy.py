"""The words of the advice directory: programmes, topics a person understands, age
groups, and the ways to reach a service. Values are the directory file's words."""

from __future__ import annotations

from enum import StrEnum


class Programme(StrEnum):
    MBE = "mbe"  # Migrationsberatung für erwachsene Zugewanderte (27+, Gestattung any age)
    JMD = "jmd"  # Jugendmigrationsdienste (12-26)
    ASYLUM = "asylum"  # independent asylum procedure counselling (§ 12a AsylG)
    LEGAL = "legal"  # legal advice
    OTHER = "other"


class Topic(StrEnum):
    """What a person asks about, in a taxonomy small enough to choose from on a phone."""

    ASYLUM = "asylum"  # the asylum procedure
    RESIDENCE = "residence"  # residence and papers
    WORK = "work"
    GERMAN = "german"  # German courses
    HOUSING = "housing"
    HEALTH = "health"
    FAMILY = "family"  # family reunification
    SCHOOL = "school"  # school and children
    MONEY = "money"  # money and benefits
    VIOLENCE = "violence"  # violence and protection


class AgeGroup(StrEnum):
    """The age question's answers; a service's own limits are years (min_age, max_age)."""

    UNDER_18 = "under-18"
    YOUNG = "18-26"
    ADULT = "27+"

    @property
    def years(self) -> tuple[int, int]:
        """The ages the group spans, both ends included (12: the youngest who use Lotse
        themselves; 120: no upper end)."""
        return _YEARS[self.value]


_YEARS = {"under-18": (12, 17), "18-26": (18, 26), "27+": (27, 120)}


class Reach(StrEnum):
    """How a person reaches a service."""

    IN_PERSON = "in-person"
    PHONE = "phone"
    EMAIL = "email"
    ONLINE = "online"
    LOTSE = "lotse"  # a hand-off through Lotse (the service receives requests here)
