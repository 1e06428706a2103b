"""letters found by their print batch (reprints, the office's batch list)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letters_batch"), ["batch"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_batch"))
