"""the language a staff login chose for the office pages

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:00:00.000000

- `staff_users.language`: a code of the staff domain's languages (de, en), or NULL
  for logins that have not chosen (the pages then follow the browser's language).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.drop_column("language")
