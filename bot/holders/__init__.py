"""The data-holder catalog: which agencies hold data about a person, why, who receives
it by law, how to ask them, and who supervises them. Shipped as data (bot/holders/data),
merged with the operator's local bodies, validated."""

from bot.holders.catalog import Catalog, CatalogError, catalog, check_catalog, load_catalog
from bot.holders.local import LOCAL_SLUGS, LocalError, local_path, write_local
from bot.holders.record import (
    Answer,
    Citation,
    Element,
    Held,
    Holder,
    HolderKind,
    IdentityProof,
    OfficialForm,
    Online,
    Quality,
    Recipient,
    RequestKind,
    Rule,
    Situation,
    Supervisor,
    Transport,
)

__all__ = [
    "LOCAL_SLUGS",
    "Answer",
    "Catalog",
    "CatalogError",
    "Citation",
    "Element",
    "Held",
    "Holder",
    "HolderKind",
    "IdentityProof",
    "LocalError",
    "OfficialForm",
    "Online",
    "Quality",
    "Recipient",
    "RequestKind",
    "Rule",
    "Situation",
    "Supervisor",
    "Transport",
    "catalog",
    "check_catalog",
    "load_catalog",
    "local_path",
    "write_local",
]
