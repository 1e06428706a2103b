"""People: contacts and their keyed indexes, postal addresses, erasure, retention."""

from bot.people.contacts import Joined, address_index, attach, contact_for, join, letter_index
from bot.people.erasure import ErasureReason, erase_person
from bot.people.jobs import people_jobs
from bot.people.postal import forget_postal_address, keep_postal_address, postal_address

__all__ = [
    "ErasureReason",
    "Joined",
    "address_index",
    "attach",
    "contact_for",
    "erase_person",
    "forget_postal_address",
    "join",
    "keep_postal_address",
    "letter_index",
    "people_jobs",
    "postal_address",
]
