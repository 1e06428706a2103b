"""the deadline clock of requests to data holders, and requests that reach an office

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 13:00:00.000000

- `rights_requests`: when the letter went and how, its (estimated) receipt, the answer
  deadline, an extension, the answer and its outcome, the reminder and its deadline, the
  complaint, closing; when Lotse next asks the person and what; which letter the link
  opens; the office on this installation a request was sent to, and its staff's note
  (encrypted).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_DATES = (
    "sent_on", "receipt_on", "due_on", "extended_on", "answered_on", "reminder_on",
    "reminder_due_on", "complaint_on", "closed_on",
)  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("rights_requests") as table:
        for name in _DATES:
            table.add_column(sa.Column(name, sa.Date(), nullable=True))
        table.add_column(sa.Column("sent_by", sa.String(length=16), nullable=True))
        table.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        table.add_column(sa.Column("recipients_named", sa.Boolean(), nullable=True))
        table.add_column(sa.Column("ask_at", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("ask", sa.String(length=16), nullable=True))
        letter_kind = sa.Column(
            "letter_kind", sa.String(length=16), nullable=False, server_default="request"
        )
        table.add_column(letter_kind)
        table.add_column(sa.Column("office_id", sa.Integer(), nullable=True))
        table.add_column(sa.Column("office_note_enc", sa.Text(), nullable=True))
        table.create_foreign_key(
            "fk_rights_requests_office_id_offices", "offices", ["office_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
        table.create_index("ix_rights_requests_ask_at", ["ask_at"])
        table.create_index("ix_rights_requests_office_id", ["office_id"])


def downgrade() -> None:
    with op.batch_alter_table("rights_requests") as table:
        table.drop_index("ix_rights_requests_office_id")
        table.drop_index("ix_rights_requests_ask_at")
        table.drop_constraint("fk_rights_requests_office_id_offices", type_="foreignkey")
        for name in ("office_note_enc", "office_id", "letter_kind", "ask", "ask_at",
                     "recipients_named", "outcome", "sent_by", *_DATES):  # fmt: skip
            table.drop_column(name)
