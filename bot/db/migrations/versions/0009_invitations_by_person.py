"""a person's invitations found by index

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 06:30:00.000000

- `ix_invitations_person_id`: "My data" lists a person's invitations on every visit,
  and erasure detaches them; without it both scan every office's invitations.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_invitations_person_id", "invitations", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_invitations_person_id", table_name="invitations")
