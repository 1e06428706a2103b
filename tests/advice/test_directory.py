"""The directory in the database: import, replace, the same file twice, removal, and a
running process's copy that follows another process's import — on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.advice import (
    DEMO_FILE,
    Directory,
    import_file,
    import_services,
    imports,
    load,
    remove_service,
    seed_demo,
)
from bot.config import Settings
from bot.db.models import AdviceImport, AdviceService
from bot.db.session import make_engine, make_sessionmaker
from tests.advice.conftest import NOW, TODAY, demo, service


async def _import(
    sessions: async_sessionmaker[AsyncSession], services, *, replace_=False, name="f.json"
):  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        return await import_services(
            session, services, replace=replace_, file_name=name, sha256="0" * 64, now=NOW
        )


async def test_import_adds_then_updates_by_slug_and_keeps_the_others(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = await _import(sessions, [service("a"), service("b")])
    assert (first.counts.added, first.counts.updated, first.counts.unchanged) == (2, 0, 0)
    changed = service("b", name="Neu")
    second = await _import(sessions, [changed, service("c")])
    assert (second.counts.added, second.counts.updated, second.counts.removed) == (1, 1, 0)
    async with sessions() as session:
        found = await load(session)
        rows = {r.slug: r for r in (await session.scalars(select(AdviceService))).all()}
    assert [s.slug for s in found] == ["a", "b", "c"]
    assert found[1] == changed
    # Who changed what last: "a" still carries the first import, "b" the second.
    assert rows["a"].import_id == first.id and rows["b"].import_id == second.id
    assert rows["b"].programme == "other" and rows["b"].verified_at == changed.verified_at


async def test_replace_removes_what_the_file_no_longer_lists(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _import(sessions, [service("a"), service("b"), service("c")])
    result = await _import(sessions, [service("b")], replace_=True)
    assert (result.counts.unchanged, result.counts.removed) == (1, 2)
    async with sessions() as session:
        assert [s.slug for s in await load(session)] == ["b"]
        assert (await imports(session))[0].action == "replace"


async def test_the_same_file_twice_changes_nothing_but_is_recorded(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    data = DEMO_FILE.read_bytes()
    for _ in range(2):
        async with sessions() as session, session.begin():
            last = await import_file(
                session, data, name=str(DEMO_FILE), replace=True, now=NOW, today=TODAY
            )
    assert last.counts.unchanged == len(demo()) and last.counts.added == 0
    assert last.counts.updated == 0 and last.counts.removed == 0
    async with sessions() as session:
        recorded = await imports(session)
        assert await session.scalar(select(func.count()).select_from(AdviceService)) == len(demo())
    assert len(recorded) == 2
    assert recorded[0].file_name == "demo-services.json" and len(recorded[0].sha256 or "") == 64
    assert recorded[0].sha256 == recorded[1].sha256


async def test_an_import_that_fails_leaves_the_directory_as_it_was(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _import(sessions, [service("a")])
    try:
        async with sessions() as session, session.begin():
            await import_services(session, [service("z")], replace=True, file_name="x",
                                  sha256=None, now=NOW)  # fmt: skip
            raise RuntimeError("the disk is full")
    except RuntimeError:
        pass
    async with sessions() as session:
        assert [s.slug for s in await load(session)] == ["a"]
        assert len(await imports(session)) == 1


async def test_remove_by_hand_is_recorded_and_an_unknown_slug_is_not(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _import(sessions, [service("a"), service("b")])
    async with sessions() as session, session.begin():
        assert await remove_service(session, "a", now=NOW)
        assert not await remove_service(session, "nope", now=NOW)
    async with sessions() as session:
        assert [s.slug for s in await load(session)] == ["b"]
        newest = (await imports(session))[0]
    assert (newest.action, newest.file_name, newest.removed) == ("remove", "a", 1)


async def test_the_demo_is_loaded_only_into_a_directory_never_filled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        assert await seed_demo(session, now=NOW, today=TODAY) is not None
    async with sessions() as session, session.begin():
        assert await seed_demo(session, now=NOW, today=TODAY) is None
        for one in demo():
            await remove_service(session, one.slug, now=NOW)
    async with sessions() as session, session.begin():
        # Emptied by the operator: stays empty.
        assert await seed_demo(session, now=NOW, today=TODAY) is None
        assert await load(session) == ()


async def test_a_running_copy_reads_one_row_until_another_process_imports(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    directory = Directory()
    async with sessions() as session:
        assert await directory.services(session) == ()
    await _import(sessions, [service("a")])
    async with sessions() as session:
        first = await directory.services(session)
        assert [s.slug for s in first] == ["a"]
        # Unchanged: the very same tuple, not read again.
        assert await directory.services(session) is first

    # Another process (its own engine, as the CLI) imports.
    other = make_engine(settings.database_url)
    try:
        other_sessions = make_sessionmaker(other)
        await _import(other_sessions, [replace(service("a"), name="Changed")])
    finally:
        await other.dispose()
    async with sessions() as session:
        again = await directory.services(session)
    assert again is not first and again[0].name == "Changed"

    # Even an import that changes nothing is a new key; removal too.
    async with sessions() as session, session.begin():
        await remove_service(session, "a", now=NOW + timedelta(seconds=1))
    async with sessions() as session:
        assert await directory.services(session) == ()
        assert await session.scalar(select(func.count()).select_from(AdviceImport)) == 3
