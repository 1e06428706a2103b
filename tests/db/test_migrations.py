"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db import migrate
from bot.db.models import Base
from bot.db.session import make_engine
from bot.invitations.codes import code_index, is_token, token_index
from bot.invitations.request import Personal
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.people.contacts import address_index
from tests.support.settings import SECRET


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
        return
    base: str = request.getfixturevalue("pg_database")
    name = f"lotse_mig_{uuid.uuid4().hex[:8]}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_admin(admin_url, f'DROP DATABASE "{name}" WITH (FORCE)'))


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


async def _run(url: str, *statements: tuple[str, dict[str, Any]]) -> list[Any]:
    engine = make_engine(url)
    rows: list[Any] = []
    async with engine.begin() as connection:
        for statement, params in statements:
            result = await connection.execute(text(statement), params)
            if result.returns_rows:
                rows.extend(result.all())
    await engine.dispose()
    return rows


def test_0005_encrypts_the_codes_of_existing_invitations(empty_database: str) -> None:
    """Invitations made before 0005 keep their codes (letters in the post carry them),
    now encrypted and indexed, each with a new link token."""
    url, vault = empty_database, Vault(SECRET)
    migrate.upgrade(url, "0004")
    now = datetime(2026, 11, 20, 10, 0)
    personal = Personal(phone="+4915112345678").encode()
    common = {"h": "x" * 64, "now": now, "later": now + timedelta(days=30)}
    insert = (
        "INSERT INTO invitations (public_id, office_id, reference, request_hash, language, "
        "channels, personal_enc, consent_recorded_at, notice_version, code, expires_at, "
        "status, created_at) VALUES (:pid, 1, :ref, :h, 'ar', '[\"sms\"]', :personal, :now, "
        "'v1', :code, :later, :status, :now)"
    )
    asyncio.run(_run(
        url,
        ("INSERT INTO offices (id, slug, name, street, postcode, city, contact, created_at) "
         "VALUES (1, 'mitte', 'Mitte', '', '', '', '', :now)", {"now": now}),
        (insert, {**common, "pid": "inv_open", "ref": "A", "code": "K7QF9M2X",
                  "personal": vault.encrypt(personal), "status": "sent"}),
        (insert, {**common, "pid": "inv_done", "ref": "B", "code": "ABCD2345",
                  "personal": None, "status": "connected"}),
    ))  # fmt: skip

    with pytest.raises(RuntimeError, match="LOTSE_SECRET_KEY is needed"):
        migrate.upgrade(url)
    migrate.upgrade(url, secret_key=SECRET)

    rows = asyncio.run(_run(url, (
        "SELECT public_id, code_index, code_enc, token_index, token_enc, phone_index "
        "FROM invitations ORDER BY public_id", {},
    )))  # fmt: skip
    found = {row[0]: row[1:] for row in rows}
    for public_id, code in (("inv_open", "K7QF9M2X"), ("inv_done", "ABCD2345")):
        code_index_, code_enc, token_index_, token_enc, _ = found[public_id]
        assert code_index_ == code_index(vault, code) and vault.decrypt(code_enc) == code
        token = vault.decrypt(token_enc)
        assert is_token(token) and token_index_ == token_index(vault, token)
    assert found["inv_open"][4] == address_index(vault, Channel.SMS, "+4915112345678")
    assert found["inv_done"][4] is None


def test_0006_gives_old_entries_their_person_role_and_categories(empty_database: str) -> None:
    """Entries of the staff access log move to the access log: the person where the
    entry names an invitation someone connected to, the role from the actor, the data
    categories from the action; new entries then get ids after the copied ones."""
    url = empty_database
    migrate.upgrade(url, "0005")
    now = datetime(2026, 11, 20, 10, 0)
    invitation = (
        "INSERT INTO invitations (id, public_id, office_id, reference, request_hash, language, "
        "channels, consent_recorded_at, notice_version, code_index, code_enc, token_index, "
        "token_enc, expires_at, status, person_id, created_at) VALUES (:id, :pid, 1, :pid, "
        "'h', 'ar', '[\"sms\"]', :now, 'v1', :pid, 'e', :token, 'e', :now, :status, :person, :now)"
    )
    entry = (
        "INSERT INTO staff_access_log (id, at, office_id, actor, action, invitation_id, detail) "
        "VALUES (:id, :now, :office, :actor, :action, :invitation, :detail)"
    )
    none = {"office": None, "invitation": None, "detail": None, "now": now}
    asyncio.run(_run(
        url,
        ("INSERT INTO offices (id, slug, name, street, postcode, city, contact, created_at) "
         "VALUES (1, 'mitte', 'Mitte', '', '', '', '', :now)", {"now": now}),
        ("INSERT INTO persons (id, channel_ranking, created_at, last_active_at) "
         "VALUES (7, '[]', :now, :now)", {"now": now}),
        (invitation, {"id": 1, "pid": "inv_a", "token": "ta", "now": now, "status": "connected",
                      "person": 7}),
        (invitation, {"id": 2, "pid": "inv_b", "token": "tb", "now": now, "status": "sent",
                      "person": None}),
        # An API read of the connected invitation, and of the open one.
        (entry, {**none, "id": 10, "office": 1, "actor": "key:abc123", "action": "invitation.read",
                 "invitation": 1}),
        (entry, {**none, "id": 11, "office": 1, "actor": "key:abc123", "action": "invitation.read",
                 "invitation": 2}),
        # A staff page list (named no invitation), a CLI action, an action not listed.
        (entry, {**none, "id": 12, "office": 1, "actor": "user:5", "action": "office.list"}),
        (entry, {**none, "id": 13, "actor": "cli", "action": "api-key-revoked",
                 "detail": "abc123"}),
    ))  # fmt: skip

    migrate.upgrade(url, "0006")

    rows = asyncio.run(_run(url, (
        "SELECT id, person_id, tombstone_id, invitation_id, office_id, role, actor, action, "
        "categories, detail FROM access_log ORDER BY id", {},
    )))  # fmt: skip
    found = {
        row[0]: (*row[1:8], json.loads(row[8]) if isinstance(row[8], str) else row[8], row[9])
        for row in rows
    }
    read = ["invitation", "code", "language"]
    assert found == {
        10: (7, None, 1, 1, "office-api", "key:abc123", "invitation.read", read, None),
        11: (None, None, 2, 1, "office-api", "key:abc123", "invitation.read", read, None),
        12: (None, None, None, 1, "office-staff", "user:5", "office.list", ["invitation", "code"],
             None),
        13: (None, None, None, None, "operator", "cli", "api-key-revoked", [], "abc123"),
    }  # fmt: skip
    [(new_id,)] = asyncio.run(_run(url, (
        "INSERT INTO access_log (at, role, actor, action, categories) "
        "VALUES (:now, 'operator', 'cli', 'api-key-created', '[]') RETURNING id", {"now": now},
    )))  # fmt: skip
    assert new_id == 14  # after the copied ids (PostgreSQL: the sequence was moved on)


def test_0007_keeps_the_older_promise_for_rows_left_sending(empty_database: str) -> None:
    """A row an older Lotse left `sending` (it died mid-send) is not sent again after the
    upgrade: it counts as its first part under way. A web chat row may be shown again."""
    url = empty_database
    migrate.upgrade(url, "0006")
    now = datetime(2026, 11, 30, 1, 0)
    message = (
        "INSERT INTO messages (id, contact_id, direction, channel, status, important, attempts, "
        "created_at) VALUES (:id, 1, 'out', :channel, :status, false, 1, :now)"
    )
    asyncio.run(_run(
        url,
        ("INSERT INTO persons (id, channel_ranking, created_at, last_active_at) "
         "VALUES (1, '[]', :now, :now)", {"now": now}),
        ("INSERT INTO contacts (id, person_id, channel, address_index, created_at, reachable) "
         "VALUES (1, 1, 'sms', 'i', :now, true)", {"now": now}),
        (message, {"id": 1, "channel": "sms", "status": "sending", "now": now}),
        (message, {"id": 2, "channel": "webchat", "status": "sending", "now": now}),
        (message, {"id": 3, "channel": "sms", "status": "sent", "now": now}),
    ))  # fmt: skip
    migrate.upgrade(url, "0007")
    rows = asyncio.run(
        _run(url, ("SELECT id, part_started, parts_done FROM messages ORDER BY id", {}))
    )
    assert [tuple(row) for row in rows] == [(1, 0, 0), (2, None, 0), (3, None, 0)]


def test_0012_adds_requests_that_go_with_their_person_and_their_chat(empty_database: str) -> None:
    """On a database made before requests existed: a request row goes with its person
    (on erasure, the foreign key's cascade as well), its chat may go alone (the letter's
    link then works nowhere), and a short link's token index is unique."""
    url = empty_database
    migrate.upgrade(url, "0011")
    now = datetime(2026, 11, 30, 10, 0)
    asyncio.run(_run(
        url,
        ("INSERT INTO persons (id, channel_ranking, created_at, last_active_at) "
         "VALUES (1, '[]', :now, :now)", {"now": now}),
        ("INSERT INTO contacts (id, person_id, channel, address_index, created_at, reachable) "
         "VALUES (1, 1, 'sms', 'i', :now, true)", {"now": now}),
    ))  # fmt: skip
    migrate.upgrade(url)
    request = (
        "INSERT INTO rights_requests (id, person_id, holder, kind, status, lang, contact_id, "
        "channel, identity_enc, created_at, updated_at, erase_at, letter_token_index, "
        "consent_record_id) VALUES (:id, 1, 'azr', 'access', 'drafted', 'ar', 1, 'sms', 'x', "
        ":now, :now, :now, :token, 'c')"
    )
    asyncio.run(_run(url, (request, {"id": 1, "now": now, "token": "t1"})))
    with pytest.raises(IntegrityError):
        asyncio.run(_run(url, (request, {"id": 2, "now": now, "token": "t1"})))
    # A letter asked for by post, printed in a batch.
    posted = (
        "UPDATE rights_requests SET post_requested_at = :now, posted_at = :now, post_batch = 'b1'"
    )
    asyncio.run(_run(url, (posted, {"now": now})))
    found = "SELECT id FROM rights_requests WHERE post_batch = 'b1' AND posted_at IS NOT NULL"
    assert [tuple(row) for row in asyncio.run(_run(url, (found, {})))] == [(1,)]

    asyncio.run(_run(url, ("DELETE FROM contacts WHERE id = 1", {})))
    rows = asyncio.run(_run(url, ("SELECT contact_id FROM rights_requests", {})))
    assert [tuple(row) for row in rows] == [(None,)]
    asyncio.run(_run(url, ("DELETE FROM persons WHERE id = 1", {})))
    assert asyncio.run(_run(url, ("SELECT id FROM rights_requests", {}))) == []


def test_0013_gives_existing_requests_their_clock_and_an_office_may_go(
    empty_database: str,
) -> None:
    """On a database with requests made before the clock: they keep everything, open no
    question and name the request letter; a request sent to an office outlives the
    office (its link is cleared, the request stays with its person)."""
    url = empty_database
    migrate.upgrade(url, "0012")
    now = datetime(2026, 11, 30, 10, 0)
    asyncio.run(_run(
        url,
        ("INSERT INTO persons (id, channel_ranking, created_at, last_active_at) "
         "VALUES (1, '[]', :now, :now)", {"now": now}),
        ("INSERT INTO offices (id, slug, name, street, postcode, city, contact, created_at) "
         "VALUES (1, 'abh', 'Ausländerbehörde', '', '', '', '', :now)", {"now": now}),
        ("INSERT INTO rights_requests (id, person_id, holder, kind, status, lang, channel, "
         "created_at, updated_at, erase_at, consent_record_id) VALUES (1, 1, 'azr', "
         "'access', 'ready', 'ar', 'sms', :now, :now, :now, 'c')", {"now": now}),
    ))  # fmt: skip
    migrate.upgrade(url)
    rows = asyncio.run(_run(url, (
        "SELECT status, letter_kind, ask, ask_at, sent_on, due_on, office_id "
        "FROM rights_requests", {},
    )))  # fmt: skip
    assert [tuple(row) for row in rows] == [("ready", "request", None, None, None, None, None)]
    asyncio.run(_run(url, (
        "UPDATE rights_requests SET office_id = 1, status = 'sent', sent_on = :day, "
        "sent_by = 'lotse', receipt_on = :day, due_on = :due, ask = 'soon', ask_at = :now",
        {"day": now.date(), "due": datetime(2026, 12, 30).date(), "now": now},
    )))  # fmt: skip
    asyncio.run(_run(url, ("DELETE FROM offices WHERE id = 1", {})))
    rows = asyncio.run(_run(url, ("SELECT office_id, status FROM rights_requests", {})))
    assert [tuple(row) for row in rows] == [(None, "sent")]


def test_0015_keeps_office_staff_as_they_were_and_advisors_need_no_office(
    empty_database: str,
) -> None:
    """Logins from before roles stay office staff (reading no case), with their sessions;
    a login without an office is possible now, and goes with its services' memberships."""
    url = empty_database
    migrate.upgrade(url, "0014")
    now = datetime(2026, 11, 30, 10, 0)
    asyncio.run(_run(
        url,
        ("INSERT INTO offices (id, slug, name, street, postcode, city, contact, created_at) "
         "VALUES (1, 'amt', 'Bürgeramt', '', '', '', '', :now)", {"now": now}),
        ("INSERT INTO staff_users (id, office_id, email, password_hash, known_clients, "
         "created_at) VALUES (1, 1, 'amt@x.example', 'h', '[]', :now)", {"now": now}),
        ("INSERT INTO staff_sessions (id, token_index, user_id, csrf_token, created_at, "
         "expires_at) VALUES (1, 't', 1, 'c', :now, :now)", {"now": now}),
    ))  # fmt: skip
    migrate.upgrade(url)
    rows = asyncio.run(_run(url, ("SELECT office_id, role, languages FROM staff_users", {})))
    assert [(row[0], row[1], json.loads(row[2]) if isinstance(row[2], str) else row[2])
            for row in rows] == [(1, "office", [])]  # fmt: skip
    assert len(asyncio.run(_run(url, ("SELECT id FROM staff_sessions", {})))) == 1
    asyncio.run(_run(
        url,
        ("INSERT INTO advice_imports (id, imported_at, action, file_name, added, updated, "
         "unchanged, removed) VALUES (1, :now, 'import', 'f', 1, 0, 0, 0)", {"now": now}),
        ("INSERT INTO advice_services (id, slug, programme, record, verified_at, updated_at, "
         "import_id) VALUES (1, 'svc', 'mbe', '{}', :day, :now, 1)",
         {"now": now, "day": now.date()}),
        ("INSERT INTO staff_users (id, office_id, email, password_hash, known_clients, "
         "created_at, role, languages) VALUES (2, NULL, 'b@x.example', 'h', '[]', :now, "
         "'advisor', '[\"de\"]')", {"now": now}),
        ("INSERT INTO staff_services (user_id, service_id) VALUES (2, 1)", {}),
    ))  # fmt: skip
    if url.startswith("sqlite"):
        asyncio.run(_run(url, ("PRAGMA foreign_keys = ON", {})))
    asyncio.run(_run(url, ("DELETE FROM staff_users WHERE id = 2", {})))
    assert asyncio.run(_run(url, ("SELECT user_id FROM staff_services", {}))) == []
