"""a person's exports of their own data

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 07:00:00.000000

- `mydata_exports`: the JSON export (encrypted) until its link expires; one per person
  at a time, so a request made twice at once yields one document.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "mydata_exports",
        sa.Column("id", BigId, primary_key=True),
        sa.Column(
            "person_id",
            BigId,
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column(
            "contact_id",
            BigId,
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("token_index", sa.String(64), nullable=True, unique=True),
        sa.Column("document_enc", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_mydata_exports_expires_at", "mydata_exports", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_mydata_exports_expires_at", table_name="mydata_exports")
    op.drop_table("mydata_exports")
