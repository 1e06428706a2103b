"""Erasure walks one registry: every column that names a person declares what erasing
the person does to its rows (delete, detach, tombstone), and nothing that names the
person is left afterwards, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.audit import Actor, Concerned, record
from bot.db.models import (
    TOMBSTONE_COLUMN,
    AccessEntry,
    Base,
    Case,
    ConsentRecord,
    Contact,
    Conversation,
    ErasureTombstone,
    Invitation,
    Message,
    MyDataExport,
    OnErasure,
    Person,
    RightsRequest,
    TransferCode,
    TransferFetch,
    person_references,
)
from bot.db.models.erasure import INFO_KEY
from bot.db.session import make_engine, make_sessionmaker
from bot.offices import create_office
from bot.people import ErasureReason, erase_person
from tests.support.clock import Clock


def names_a_person(column: Column[object]) -> bool:
    """Found independently of the registry: a foreign key to persons.id, or the name."""
    return column.name == "person_id" or any(
        fk.target_fullname == "persons.id" for fk in column.foreign_keys
    )


def undeclared(metadata: MetaData) -> list[str]:
    return [
        f"{table.name}.{column.name}"
        for table in metadata.sorted_tables
        for column in table.columns
        if names_a_person(column) and INFO_KEY not in column.info
    ]


def test_every_column_that_names_a_person_declares_its_erasure() -> None:
    assert undeclared(Base.metadata) == []


def test_the_check_finds_an_undeclared_person_column() -> None:
    """The check above is not vacuous: a new table that forgets the rule is caught, by a
    foreign key to persons as well as by the column's name."""
    metadata = MetaData()
    Table("persons", metadata, Column("id", Integer, primary_key=True))
    Table("notes", metadata, Column("owner", ForeignKey("persons.id")))
    Table("loose", metadata, Column("person_id", Integer))
    assert sorted(undeclared(metadata)) == ["loose.person_id", "notes.owner"]


def test_the_registry_lists_exactly_the_person_columns_and_their_rules_can_hold() -> None:
    references = person_references()
    listed = {(inspect(r.model).local_table.name, r.attribute): r.rule for r in references}
    assert set(listed) == {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if names_a_person(column)
    }
    assert listed[("invitations", "person_id")] is OnErasure.DETACH
    assert listed[("access_log", "person_id")] is OnErasure.TOMBSTONE
    for reference in references:
        table = inspect(reference.model).local_table
        column = table.columns[reference.attribute]
        if reference.rule is not OnErasure.DELETE:  # the row stays: the column can be empty
            assert column.nullable and not column.primary_key, table.name
        if reference.rule is OnErasure.TOMBSTONE:
            [fk] = table.columns[TOMBSTONE_COLUMN].foreign_keys
            assert fk.target_fullname == "erasure_tombstones.id"
    # Messages go before the contacts they belong to.
    order = [inspect(r.model).local_table.name for r in references]
    assert order.index("messages") < order.index("contacts")


@pytest.fixture
async def sessionmaker(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def someone_everywhere(session: AsyncSession, office_id: int, now: datetime) -> int:
    """A person named by a row of every table that can name one."""
    person = Person(language="ar", channel_ranking=["webchat"])
    session.add(person)
    await session.flush()
    tag = str(person.id)
    contact = Contact(person_id=person.id, channel="webchat", address_index=f"a{tag}")
    session.add(contact)
    await session.flush()
    session.add_all([
        Message(person_id=person.id, contact_id=contact.id, direction="in", channel="webchat",
                status="received", body_enc="x"),
        ConsentRecord(record_id=f"r{tag}", person_id=person.id, purpose="contact",
                      channel="webchat", notice_id="n", notice_version="1",
                      notice_language="ar", method="chat", state="given", recorded_at=now),
        Conversation(person_id=person.id, flow="menu", step="start"),
        Invitation(public_id=f"inv{tag}", office_id=office_id, reference=f"AZ-{tag}",
                   request_hash="h", language="ar", channels=["sms"], consent_recorded_at=now,
                   notice_version="1", code_index=f"c{tag}", code_enc="e", token_index=f"t{tag}",
                   token_enc="e", expires_at=now + timedelta(days=30), status="connected",
                   person_id=person.id),
        TransferCode(person_id=person.id, code_index=f"x{tag}", items=["language"],
                     created_at=now, expires_at=now + timedelta(hours=72)),
        MyDataExport(person_id=person.id, contact_id=contact.id, channel="webchat", lang="ar",
                     document_enc="x", created_at=now, expires_at=now + timedelta(hours=1)),
        TransferFetch(person_id=person.id, status="pending", code_enc="e", channel="webchat",
                      address_enc="e", created_at=now),
        RightsRequest(person_id=person.id, holder="azr", kind="access", status="drafted",
                      lang="ar", contact_id=contact.id, channel="webchat", identity_enc="e",
                      created_at=now, updated_at=now, erase_at=now + timedelta(days=180),
                      consent_record_id=f"r{tag}"),
        Case(service_slug="svc", service_name="Beratung", person_id=person.id, status="new",
             language="ar", channel="webchat", fields=["first-name"], shared_enc="e",
             special_consent=False, consent_record_id=f"r{tag}", created_at=now,
             expires_at=now + timedelta(days=30), paused_minutes=0),
    ])  # fmt: skip
    await record(session, Actor.api_key(office_id, "abc"), "invitation.read", now,
                 concerns=[Concerned(person.id), Concerned(person.id)])  # fmt: skip
    return person.id


async def naming(session: AsyncSession, person_id: int) -> dict[str, list[object]]:
    """Per registered column, the primary keys of the rows that name the person."""
    found: dict[str, list[object]] = {}
    for reference in person_references():
        column = getattr(reference.model, reference.attribute)
        keys = inspect(reference.model).primary_key
        rows = await session.execute(select(*keys).where(column == person_id))
        found[f"{reference.model.__name__}.{reference.attribute}"] = sorted(
            tuple(row) for row in rows
        )
    return found


async def test_erasure_leaves_no_row_that_names_the_person(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    async with sessionmaker() as session, session.begin():
        office = await create_office(session, slug="mitte", name="Bürgeramt Mitte")
        erased = await someone_everywhere(session, office.id, clock())
        kept = await someone_everywhere(session, office.id, clock())
    async with sessionmaker() as session:
        before = await naming(session, erased)
        kept_before = await naming(session, kept)
    # Every registered table has a row naming the person: a new table needs a row above.
    assert all(before.values()), [name for name, keys in before.items() if not keys]

    async with sessionmaker() as session, session.begin():
        await erase_person(session, erased, now=clock(), reason=ErasureReason.REQUEST)

    async with sessionmaker() as session:
        left = await naming(session, erased)
        assert not any(left.values()), left
        assert await naming(session, kept) == kept_before  # the other person is untouched
        assert await session.get(Person, erased) is None
        tombstone = await session.scalar(select(ErasureTombstone))
        assert tombstone is not None and tombstone.reason == "request"
        for reference in person_references():
            name = f"{reference.model.__name__}.{reference.attribute}"
            for key in before[name]:
                row = await session.get(reference.model, key)
                if reference.rule is OnErasure.DELETE:
                    assert row is None, name
                    continue
                assert row is not None, name  # detached or tombstoned rows stay
                assert getattr(row, reference.attribute) is None, name
                if reference.rule is OnErasure.TOMBSTONE:
                    assert getattr(row, TOMBSTONE_COLUMN) == tombstone.id, name
        entries = list(await session.scalars(select(AccessEntry)))
    assert Counter((e.person_id, e.tombstone_id) for e in entries) == {
        (None, tombstone.id): 2,
        (kept, None): 2,
    }
