"""the access log names the person concerned, the actor's role and the data categories

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 23:00:00.000000

`staff_access_log` becomes `access_log`. Existing entries get:
- the person, where the entry names an invitation that a person has connected to;
  entries of lists and uploads named no invitation, so their person stays unknown;
- the role, from the actor ("key:…" an office's API key, "user:…" office staff,
  "cli" the operator);
- the data categories, from the action (written out below as the actions meant them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: The categories of the actions entries were written with before (a migration must not
#: change later, so this is not imported from bot.audit).
CATEGORIES = {
    "invitation.create": '["invitation", "language", "consent"]',
    "invitation.repeat": '["invitation", "language", "consent"]',
    "invitation.read": '["invitation", "code", "language"]',
    "invitation.list": '["invitation", "code", "language"]',
    "office.list": '["invitation", "code"]',
    "office.invitation": '["invitation", "code"]',
    "bulk.upload": '["invitation", "language", "phone", "postal-address", "name"]',
    "letters.export": '["postal-address", "name", "code", "language"]',
    "letters.reprint": '["postal-address", "name", "code", "language"]',
}


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", BigId, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("person_id", BigId, nullable=True),
        sa.Column("tombstone_id", BigId, nullable=True),
        sa.Column("invitation_id", BigId, nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["tombstone_id"], ["erasure_tombstones.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_log_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_access_log_invitation_id"), ["invitation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_access_log_tombstone_id"), ["tombstone_id"], unique=False
        )
        batch_op.create_index("ix_access_log_person_at", ["person_id", "at"], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    cases = " ".join(f"WHEN '{action}' THEN '{value}'" for action, value in CATEGORIES.items())
    categories = f"CASE s.action {cases} ELSE '[]' END"
    if postgres:  # SQLite keeps JSON as text; a CAST there would make it a number
        categories = f"CAST({categories} AS JSON)"
    op.execute(
        "INSERT INTO access_log (id, at, person_id, tombstone_id, invitation_id, office_id, "
        "role, actor, action, categories, detail) "
        "SELECT s.id, s.at, i.person_id, NULL, s.invitation_id, s.office_id, "
        "CASE WHEN s.actor LIKE 'key:%' THEN 'office-api' "
        "WHEN s.actor LIKE 'user:%' THEN 'office-staff' ELSE 'operator' END, "
        f"s.actor, s.action, {categories}, s.detail "
        "FROM staff_access_log s LEFT JOIN invitations i ON i.id = s.invitation_id"
    )
    if postgres:
        # The copied ids must not collide with the next ones.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('access_log', 'id'), "
            "COALESCE((SELECT MAX(id) FROM access_log), 0) + 1, false)"
        )
    op.drop_table("staff_access_log")


def downgrade() -> None:
    raise NotImplementedError("0006 cannot be undone: the old log had no person column")
