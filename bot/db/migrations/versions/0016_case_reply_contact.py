"""where an advisor's replies reach the person

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 20:00:00.000000

- `cases.reply_channel`, `cases.reply_address_enc`: the contact the person last wrote
  to the advice service from (encrypted; for the web chat its session), so that the
  relay's answers come back there. NULL until the person writes in the relay (or the
  hand-off remembers it); replies then go to a contact Lotse may write to first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no rebuild of `cases` on SQLite, whose messages cascade).
    op.add_column("cases", sa.Column("reply_channel", sa.String(16), nullable=True))
    op.add_column("cases", sa.Column("reply_address_enc", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("reply_address_enc")
        batch.drop_column("reply_channel")
