"""The outbox's one attachment loader: each feature's loader, chosen by the reference's
prefix ("mydata-export:12", "rights-letter:7")."""

from __future__ import annotations

from collections.abc import Mapping

from bot.kernel.types import Attachment
from bot.messaging import AttachmentLoader


def by_prefix(loaders: Mapping[str, AttachmentLoader]) -> AttachmentLoader:
    async def load(reference: str, contact_id: int) -> tuple[Attachment, ...]:
        for prefix, loader in loaders.items():
            if reference.startswith(prefix):
                return await loader(reference, contact_id)
        raise LookupError("no loader for this reference")  # the message fails, no retry

    return load
