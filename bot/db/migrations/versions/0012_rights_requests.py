"""requests to data holders: what a person typed for a letter, encrypted, kept briefly

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 10:00:00.000000

- `rights_requests`: one row per request (holder, kind, status), the person's name,
  birth data, address and own words as encrypted JSON, erased at `erase_at`
  (LOTSE_REQUEST_DAYS after the last change); a short link's token as a keyed hash;
  when the person asked for the letter by post, when it was printed and in which batch
  (LOTSE_REQUEST_POST).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rights_requests",
        sa.Column("id", BigId, nullable=False),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("contact_id", BigId, nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("identity_enc", sa.Text(), nullable=True),
        sa.Column("details_enc", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("erase_at", sa.DateTime(), nullable=False),
        sa.Column("letter_token_index", sa.String(length=64), nullable=True),
        sa.Column("letter_expires_at", sa.DateTime(), nullable=True),
        sa.Column("consent_record_id", sa.String(length=36), nullable=False),
        sa.Column("post_requested_at", sa.DateTime(), nullable=True),
        sa.Column("posted_at", sa.DateTime(), nullable=True),
        sa.Column("post_batch", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("letter_token_index"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_rights_requests_person_id", "rights_requests", ["person_id"])
    op.create_index("ix_rights_requests_erase_at", "rights_requests", ["erase_at"])
    op.create_index("ix_rights_requests_post_batch", "rights_requests", ["post_batch"])


def downgrade() -> None:
    op.drop_index("ix_rights_requests_post_batch", table_name="rights_requests")
    op.drop_index("ix_rights_requests_erase_at", table_name="rights_requests")
    op.drop_index("ix_rights_requests_person_id", table_name="rights_requests")
    op.drop_table("rights_requests")
