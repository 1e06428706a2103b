"""hand-offs to advice services, the advisor inbox, the relay

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 18:30:00.000000

- `staff_users`: `office_id` may be NULL (advisors and service admins have no office),
  `role` ("office" for every existing login), `languages` (JSON list, empty),
  `digest_on` (the day whose digest was last tried for the login).
- `staff_services`: which advice services an advisor or service admin belongs to.
- `service_levels`: a service's response targets, business hours, Land and digest.
- `cases`, `case_messages`, `case_notes`: the hand-offs and their casework; content
  encrypted, erased LOTSE_CASE_DAYS after resolution or at once on withdrawal.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _keeping_sessions(change: Callable[[], None]) -> None:
    """On SQLite a column made nullable rebuilds `staff_users`; with foreign keys on,
    dropping the old table would cascade to every staff session (logging everyone out):
    they are kept aside meanwhile."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE TEMP TABLE staff_sessions_0015 AS SELECT * FROM staff_sessions")
    change()
    if sqlite:
        op.execute("INSERT INTO staff_sessions SELECT * FROM staff_sessions_0015")
        op.execute("DROP TABLE staff_sessions_0015")


def _roles() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.alter_column("office_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="office")
        )
        batch_op.add_column(sa.Column("languages", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("digest_on", sa.Date(), nullable=True))


def _no_roles() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.drop_column("digest_on")
        batch_op.drop_column("languages")
        batch_op.drop_column("role")
        batch_op.alter_column("office_id", existing_type=sa.Integer(), nullable=False)


def upgrade() -> None:
    _keeping_sessions(_roles)
    op.create_table(
        "staff_services",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("service_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["advice_services.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "service_id"),
    )
    op.create_index("ix_staff_services_service_id", "staff_services", ["service_id"])
    op.create_table(
        "service_levels",
        sa.Column("service_id", BigId, nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=False),
        sa.Column("next_response_minutes", sa.Integer(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("land", sa.String(length=8), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("digest_to", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["advice_services.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id"),
    )
    op.create_table(
        "cases",
        sa.Column("id", BigId, nullable=False),
        sa.Column("service_id", BigId, nullable=True),
        sa.Column("service_slug", sa.String(length=64), nullable=False),
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("shared_enc", sa.Text(), nullable=True),
        sa.Column("special_consent", sa.Boolean(), nullable=False),
        sa.Column("history_from", BigId, nullable=True),
        sa.Column("consent_record_id", sa.String(length=36), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("first_response_due", sa.DateTime(), nullable=True),
        sa.Column("first_responded_at", sa.DateTime(), nullable=True),
        sa.Column("next_response_due", sa.DateTime(), nullable=True),
        sa.Column("waiting_since", sa.DateTime(), nullable=True),
        sa.Column("paused_minutes", sa.Integer(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("erase_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["advice_services.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assigned_to"], ["staff_users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["history_from"], ["cases.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_cases_service_status", "cases", ["service_id", "status"])
    op.create_index("ix_cases_service_id", "cases", ["service_id", "id"])
    op.create_index("ix_cases_person_id", "cases", ["person_id"])
    op.create_index("ix_cases_assigned_to", "cases", ["assigned_to"])
    op.create_index("ix_cases_expires_at", "cases", ["expires_at"])
    op.create_index("ix_cases_erase_at", "cases", ["erase_at"])
    op.create_table(
        "case_messages",
        sa.Column("id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body_enc", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("canned", sa.String(length=32), nullable=True),
        sa.Column("translation_enc", sa.Text(), nullable=True),
        sa.Column("translation", sa.JSON(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("outbox_id", BigId, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_messages_case", "case_messages", ["case_id", "id"])
    op.create_index("ix_case_messages_state", "case_messages", ["state"])
    op.create_table(
        "case_notes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body_enc", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_notes_case_id", "case_notes", ["case_id"])


def downgrade() -> None:
    op.drop_table("case_notes")
    op.drop_table("case_messages")
    op.drop_table("cases")
    op.drop_table("service_levels")
    op.drop_table("staff_services")
    op.execute("DELETE FROM staff_users WHERE office_id IS NULL")
    _keeping_sessions(_no_roles)
