"""an inbound queue, outbound messages tracked part by part, scheduled job runs

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 01:00:00.000000

- `inbox`: messages acknowledged to a provider and not yet processed.
- `messages`: parts_total, parts_done, part_started, uncertain_part. A row an older
  Lotse left `sending` (it died mid-send) carries no marks: it is taken as "first part
  under way", so it is not sent again (as the older Lotse promised) and the person
  gets the note about a part that may be missing. The web chat, where showing a
  message twice is harmless, is left to be queued again.
- `job_runs`: one row per scheduled job, so that it runs once per schedule
  across processes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", BigId, nullable=False),
        sa.Column("inbound_key", sa.String(length=200), nullable=False),
        sa.Column("sender_key", sa.String(length=64), nullable=False),
        sa.Column("payload_enc", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inbound_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_inbox_sender", "inbox", ["sender_key", "id"])
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("parts_total", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("parts_done", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("part_started", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("uncertain_part", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE messages SET part_started = 0 "
        "WHERE direction = 'out' AND status = 'sending' AND channel <> 'webchat'"
    )
    op.create_table(
        "job_runs",
        sa.Column("job_id", sa.String(length=60), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("running_until", sa.DateTime(), nullable=True),
        sa.Column("process", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("job_id"),
    )


def downgrade() -> None:
    op.drop_table("job_runs")
    with op.batch_alter_table("messages") as batch_op:
        for column in ("uncertain_part", "part_started", "parts_done", "parts_total"):
            batch_op.drop_column(column)
    op.drop_index("ix_inbox_sender", table_name="inbox")
    op.drop_table("inbox")
