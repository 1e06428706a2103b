"""The office page's staff login, invitations to list, and CSV files to upload."""

from __future__ import annotations

from bot.db.models import Office
from bot.invitations.create import create_invitation
from bot.invitations.request import InvitationRequest, Personal
from bot.invitations.status import InvitationStatus, add_event
from bot.kernel.postal import PostalAddress
from bot.kernel.types import Channel
from bot.offices.registry import create_office
from bot.runtime.services import Services
from bot.staff.accounts import create_user

PASSWORD = "richtig-und-lang-genug"
EMAIL = "staff@amt-mitte.example"
LOGIN_FAILED = "Anmeldung nicht möglich: E-Mail-Adresse oder Passwort ist falsch."
#: The invited person's name and street: never shown on the office page.
NAME = "Amina Beispielname"
STREET = "Geheimgasse 17"


async def seed_office(
    services: Services, *, slug: str = "amt-mitte", email: str = EMAIL
) -> tuple[int, int]:
    """An office with one staff login: (office id, user id)."""
    async with services.sessionmaker() as session, session.begin():
        office = await create_office(session, slug=slug, name=f"Bürgeramt {slug}")
        user = await create_user(session, office, email, PASSWORD)
        return office.id, user.id


async def invite(
    services: Services,
    office_id: int,
    reference: str,
    *,
    channels: tuple[Channel, ...] = (Channel.LETTER,),
    status: InvitationStatus | None = None,
) -> str:
    """An invitation by letter (or by SMS, which is not configured here: it fails)."""
    now = services.clock()
    personal = Personal(
        phone="+4915112345678",
        postal_address=PostalAddress(NAME, STREET, "10115", "Berlin"),
        given_name="Amina",
        family_name="Beispielname",
    )
    request = InvitationRequest(
        reference=reference,
        language="ar",
        channels=channels,
        personal=personal,
        consent_recorded_at=now,
        notice_version="2026-11",
    )
    async with services.sessionmaker() as session, session.begin():
        office = await session.get(Office, office_id)
        assert office is not None
        invitation, _ = await create_invitation(
            session, office=office, request=request, sender=services.invitations, now=now
        )
        if status is not None:
            invitation.status = status.value
            invitation.sent_at = now
            add_event(session, invitation, status, now)
        return invitation.public_id


def as_csv(*rows: str) -> bytes:
    """A CSV file for the upload: the header, then `rows`."""
    header = (
        "reference;language;channels;consent_recorded_at;notice_version;"
        "address_name;street;postcode;city"
    )
    return ("\n".join((header, *rows)) + "\n").encode()


GOOD_ROW = f"CSV-1;ar;letter;23.11.2026 08:00;2026-11;{NAME};{STREET};10115;Berlin"
BAD_ROW = "CSV-2;xx;letter;23.11.2026 08:00;2026-11;Name;Weg 1;10115;Berlin"
