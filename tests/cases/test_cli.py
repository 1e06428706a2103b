"""`lotse advisor …` as an operator runs it (SQLite, in this process): create, list,
services, disable; nothing it prints is case content."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.common import Stop
from bot.cli.main import parser
from bot.config import load_settings
from bot.db.models import AccessEntry, StaffUser
from bot.db.session import make_engine, make_sessionmaker
from tests.support.cases import FIRST_NAME, PASSWORD, SERVICES, _service


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in [k for k in os.environ if k.startswith("LOTSE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("LOTSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert run("db", "upgrade").returncode == 0
    rows = [_service(slug, name, lotse=True) for slug, name in SERVICES.items()]
    (tmp_path / "services.json").write_text(json.dumps({"services": rows}))
    assert run("services", "import", "services.json").returncode == 0
    return tmp_path


def run(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser().parse_args(argv)
            try:
                args.func(args)
            except Stop as error:
                print(f"lotse: {error}", file=err)
                code = 2
    finally:
        sys.stdin = saved
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def create(email: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("advisor", "create", "--email", email, "--password-stdin", *extra,
               stdin=PASSWORD + "\n")  # fmt: skip


async def _users() -> list[StaffUser]:
    engine = make_engine(load_settings(require_secret=False).database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list(await session.scalars(select(StaffUser).order_by(StaffUser.id)))
    finally:
        await engine.dispose()


async def _log() -> list[tuple[str, str | None]]:
    engine = make_engine(load_settings(require_secret=False).database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = await session.execute(select(AccessEntry.action, AccessEntry.detail))
            return [(a, d) for a, d in rows]
    finally:
        await engine.dispose()


def test_advisor_commands(env: Path) -> None:
    done = create("Berater@SVC-A.example", "--role", "service-admin", "--service", "svc-a",
                  "--service", "svc-b", "--languages", "de, AR,en")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "service-admin berater@svc-a.example created for svc-a, svc-b"
    assert create("b@svc-b.example", "--service", "svc-b").returncode == 0
    users = asyncio.run(_users())
    assert [(u.email, u.role, u.office_id, u.languages) for u in users] == [
        ("berater@svc-a.example", "service-admin", None, ["de", "ar", "en"]),
        ("b@svc-b.example", "advisor", None, ["de"]),
    ]
    listing = run("advisor", "list").stdout.splitlines()
    assert listing == [
        "b@svc-b.example\tadvisor\tsvc-b\tde",
        "berater@svc-a.example\tservice-admin\tsvc-a,svc-b\tde,ar,en",
    ]
    changed = run("advisor", "services", "--email", "b@svc-b.example", "--add", "svc-a",
                  "--remove", "svc-b")  # fmt: skip
    assert changed.stdout.strip() == "b@svc-b.example: svc-a"
    assert run("advisor", "disable", "--email", "b@svc-b.example").returncode == 0
    assert (
        run("advisor", "list").stdout.splitlines()[0]
        == "b@svc-b.example\tadvisor\tsvc-a\tde\tdisabled"
    )
    actions = [action for action, _ in asyncio.run(_log())]
    assert actions == ["staff-login-created", "staff-login-created", "staff-services-changed",
                       "staff-login-disabled"]  # fmt: skip
    assert FIRST_NAME not in repr(asyncio.run(_log()))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--service", "no-such"), "no service no-such"),
        (("--service", "svc-a", "--languages", "de,xx"), "xx not a language"),
    ],
)
def test_refusals(env: Path, args: tuple[str, ...], says: str) -> None:
    result = create("x@svc.example", *args)
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert asyncio.run(_users()) == []
    with pytest.raises(SystemExit):  # no office login from here
        parser().parse_args(["advisor", "create", "--email", "x@y.example", "--role", "office",
                             "--service", "svc-a"])  # fmt: skip


def test_office_staff_are_no_advisors(env: Path) -> None:
    assert run("advisor", "disable", "--email", "nobody@x.example").returncode == 2
    assert (
        run("advisor", "services", "--email", "nobody@x.example", "--add", "svc-a").returncode == 2
    )
    assert create("weak@svc.example", "--service", "svc-a").returncode == 0
    again = create("weak@svc.example", "--service", "svc-a")
    assert again.returncode == 2 and "exists already" in again.stderr
