"""One writer of outbound messages: only `bot.messaging.queue` creates their rows.

The source of bot/, flows/ and adapters/ is scanned for every way to create a message
row: the ORM model's constructor, an INSERT on the model or its table (under any
name it is imported or assigned as), and raw SQL. The inbox inserts inbound rows
only; the probes below show that the scan finds each way.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "flows", "adapters")
QUEUE = "bot/messaging/queue.py"
#: Stores inbound rows (Direction.IN); checked below never to write outbound ones.
INBOX = "bot/conversation/inbox.py"
MODEL = "Message"
RAW_INSERT = re.compile(r"insert\s+into\s+\W?messages\b", re.IGNORECASE)


def sources(root: Path = ROOT) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for top in SCANNED
        for path in sorted((root / top).rglob("*.py"))
    }


def _module(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _model_names(tree: ast.Module) -> set[str]:
    """Names the message model goes by here: imported from bot.db, possibly renamed."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.db")
        for alias in node.names
        if alias.name == MODEL
    }


def _is_table(node: ast.AST, models: set[str]) -> bool:
    """`Message.__table__` (or `models.Message.__table__`)."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "__table__"
        and (
            (isinstance(node.value, ast.Name) and node.value.id in models)
            or (isinstance(node.value, ast.Attribute) and node.value.attr == MODEL)
        )
    )


def _table_names(tree: ast.Module, models: set[str]) -> set[str]:
    """Names assigned the message table in this module (`MESSAGES = cast(Table, ...)`)."""
    return {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and node.value is not None
        and any(_is_table(inner, models) for inner in ast.walk(node.value))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _is_messages(node: ast.AST, models: set[str], tables: set[str]) -> bool:
    """The model, its table, or a name either goes by."""
    return (
        (isinstance(node, ast.Name) and node.id in models | tables)
        or (isinstance(node, ast.Attribute) and node.attr == MODEL)
        or _is_table(node, models)
    )


def _hits(tree: ast.Module, models: set[str], tables: set[str]) -> list[str]:
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee, func = _callee(node), node.func
            if _is_messages(func, models, tables):
                hits.append(f"{node.lineno}: {MODEL}(...)")
            elif "insert" in callee and node.args and _is_messages(node.args[0], models, tables):
                hits.append(f"{node.lineno}: {callee}(...)")
            elif (
                isinstance(func, ast.Attribute)
                and callee == "insert"
                and _is_messages(func.value, models, tables)
            ):
                hits.append(f"{node.lineno}: .insert()")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and RAW_INSERT.search(node.value)
        ):
            hits.append(f"{node.lineno}: raw INSERT")
    return hits


def writers(files: dict[str, str]) -> dict[str, list[str]]:
    """Per module (path), the lines that create message rows."""
    trees = {path: ast.parse(text, path) for path, text in files.items()}
    models = {path: _model_names(tree) for path, tree in trees.items()}
    tables = {_module(p): _table_names(tree, models[p]) for p, tree in trees.items()}
    found: dict[str, list[str]] = {}
    for path, tree in trees.items():
        aliases = set(tables[_module(path)])
        for node in ast.walk(tree):  # the table imported from a module that names it
            if isinstance(node, ast.ImportFrom) and node.module in tables:
                imported = tables[node.module]
                aliases |= {a.asname or a.name for a in node.names if a.name in imported}
        if hits := _hits(tree, models[path], aliases):
            found[path] = hits
    return found


def test_only_the_queue_creates_message_rows() -> None:
    found = writers(sources())
    assert QUEUE in found, "the scan no longer sees the queue's own INSERT"
    others = {path: hits for path, hits in found.items() if path not in (QUEUE, INBOX)}
    assert not others, f"outbound rows are bot.messaging.enqueue's alone: {others}"


def test_the_inbox_writes_inbound_rows_only() -> None:
    inbox = sources()[INBOX]
    assert "Direction.IN" in inbox
    assert "Direction.OUT" not in inbox and "OutboxStatus" not in inbox


IMPORT = "from bot.db.models import Message\n"
TABLE = "from typing import cast\nMESSAGES = cast(Table, Message.__table__)\n"
PROBES = {
    "constructor": IMPORT + "session.add(Message(direction='out'))\n",
    "renamed model": "from bot.db.models import Message as Row\nRow(direction='out')\n",
    "models module": "from bot.db import models\nmodels.Message(direction='out')\n",
    "orm insert": IMPORT + "await session.execute(insert(Message), rows)\n",
    "table insert": IMPORT + TABLE + "await session.execute(insert(MESSAGES), rows)\n",
    "table attribute": IMPORT + "insert(Message.__table__).values(x=1)\n",
    "dialect insert": IMPORT + TABLE + "pg_insert(MESSAGES).values(x=1)\n",
    "table method": IMPORT + TABLE + "MESSAGES.insert().values(x=1)\n",
    "bulk mappings": IMPORT + "session.bulk_insert_mappings(Message, rows)\n",
    "raw sql": "text('INSERT INTO messages (direction) VALUES (:d)')\n",
}


@pytest.mark.parametrize("probe", list(PROBES))
def test_the_scan_finds_each_way_to_write_a_row(probe: str) -> None:
    assert writers({"bot/probe.py": PROBES[probe]}), probe


def test_the_scan_follows_a_table_imported_from_another_module() -> None:
    files = {
        "bot/tables.py": IMPORT + TABLE,
        "bot/probe.py": "from bot.tables import MESSAGES as OUT\ninsert(OUT)\n",
    }
    assert list(writers(files)) == ["bot/probe.py"]


def test_the_scan_leaves_reading_and_other_messages_alone() -> None:
    reads = "select(Message).where(Message.id == 1)\nupdate(MESSAGES).values(status='sent')\n"
    others = "InboundMessage(channel, address)\nOutboundMessage(id=1)\n"
    source = IMPORT + TABLE + reads + others
    assert writers({"bot/probe.py": source}) == {}
