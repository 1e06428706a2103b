"""The outbox without a provider: a channel that fails on demand, and rows queued for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.db.models import Contact, Message
from bot.kernel.types import Capabilities, Channel, OutboundMessage, RateLimit
from bot.messaging.body import encode_body
from bot.messaging.channel import SendResult
from bot.runtime.services import Services
from tests.support.clock import Clock


@dataclass
class FlakyChannel:
    """Fails with `failures` in order, then records the text of what it sends."""

    channel: Channel = Channel.SMS
    capabilities: Capabilities = field(
        default_factory=lambda: Capabilities(buttons=False, max_length=1600)
    )
    rate_limit: RateLimit | None = None
    failures: list[Exception] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    resend_is_harmless: bool = False

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def send(self, message: OutboundMessage) -> SendResult:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message.text)
        return SendResult(provider_id=f"p{message.id}")


async def queue(
    services: Services, clock: Clock, texts: list[str], address: str = "+4915112345678"
) -> list[int]:
    """Queue `texts` in order for one new SMS contact at `address`; their message ids."""
    vault = services.vault
    async with services.sessionmaker() as session, session.begin():
        contact = Contact(
            channel="sms",
            address_index=vault.index("t", address),
            address_enc=vault.encrypt(address),
            created_at=clock(),
        )
        session.add(contact)
        await session.flush()
        rows = [
            Message(
                contact_id=contact.id,
                direction="out",
                channel="sms",
                status="queued",
                body_enc=encode_body(vault, text),
                lang="en",
                next_attempt_at=clock(),
                created_at=clock(),
                attempts=0,
            )
            for text in texts
        ]
        session.add_all(rows)
    return [r.id for r in rows]
