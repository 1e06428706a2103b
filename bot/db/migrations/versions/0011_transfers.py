"""transfers between installations: codes asked for here, documents received

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 07:00:00.000000

- `transfer_codes`: a person's live transfer code (one per person), as a keyed hash,
  with what they chose to take along, its expiry and the claim that used it.
- `transfers_received`: ids of documents accepted from peers, so none is accepted twice.
- `transfer_fetches`: codes typed here, waiting to be claimed from their issuer outside
  the conversation step, and the result until the person's next step reads it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transfer_codes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("code_index", sa.String(length=64), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_by", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id"),
        sa.UniqueConstraint("code_index"),
    )
    op.create_table(
        "transfers_received",
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_index("ix_transfers_received_expires_at", "transfers_received", ["expires_at"])
    op.create_table(
        "transfer_fetches",
        sa.Column("id", BigId, nullable=False),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("code_enc", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address_enc", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("result_enc", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transfer_fetches_person_id", "transfer_fetches", ["person_id"])
    op.create_index("ix_transfer_fetches_status", "transfer_fetches", ["status"])


def downgrade() -> None:
    op.drop_index("ix_transfer_fetches_status", table_name="transfer_fetches")
    op.drop_index("ix_transfer_fetches_person_id", table_name="transfer_fetches")
    op.drop_table("transfer_fetches")
    op.drop_index("ix_transfers_received_expires_at", table_name="transfers_received")
    op.drop_table("transfers_received")
    op.drop_table("transfer_codes")
