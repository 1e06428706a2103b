"""the advice directory: services the operator imports, and every import

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 16:30:00.000000

- `advice_imports`: one row per change of the directory (a file imported, with its name,
  sha256 and counts added/updated/unchanged/removed; or a service removed by hand).
- `advice_services`: one row per service, its record as JSON text, with its slug
  (unique), programme, verified_at, when it last changed and by which import.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advice_imports",
        sa.Column("id", BigId, nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "advice_services",
        sa.Column("id", BigId, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("programme", sa.String(length=16), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("verified_at", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("import_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["advice_imports.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_index("ix_advice_services_import_id", "advice_services", ["import_id"])


def downgrade() -> None:
    op.drop_index("ix_advice_services_import_id", table_name="advice_services")
    op.drop_table("advice_services")
    op.drop_table("advice_imports")
