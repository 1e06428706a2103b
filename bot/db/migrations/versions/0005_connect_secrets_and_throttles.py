"""connect codes kept as secrets, long link tokens, shared throttles, staff usual places

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 20:00:00.000000

Existing invitations' codes are encrypted and indexed with LOTSE_SECRET_KEY (passed by
`lotse db upgrade` as the attribute "secret_key"), and each gets a new link token.
Letters already in the post carry the old short code in their QR code: it keeps
working, as a typed code, until the invitation expires.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

from bot.invitations.request import Personal
from bot.kernel.crypto import Vault
from bot.kernel.types import Channel
from bot.people.contacts import address_index, letter_index

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# As bot/invitations/connect.py writes them (written out here: a migration must not change later).
CODE_KIND, TOKEN_KIND = "invitation-code", "invitation-token"


def upgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("code_enc", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("token_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("token_enc", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("connected_by", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("phone_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("postal_index", sa.String(length=64), nullable=True))
    _encrypt_codes()
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column("code_index", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("code_enc", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("token_index", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("token_enc", existing_type=sa.Text(), nullable=False)
        batch_op.create_unique_constraint("uq_invitations_code_index", ["code_index"])
        batch_op.create_unique_constraint("uq_invitations_token_index", ["token_index"])
        batch_op.drop_column("code")

    op.create_table(
        "throttle_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("throttle_events", schema=None) as batch_op:
        batch_op.create_index("ix_throttle_events_kind_at", ["kind", "at"])
        batch_op.create_index("ix_throttle_events_kind_key_at", ["kind", "key", "at"])
        batch_op.create_index("ix_throttle_events_kind_client_at", ["kind", "client", "at"])

    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("known_clients", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.alter_column("known_clients", server_default=None)


def _encrypt_codes() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, code, personal_enc FROM invitations")).all()
    if not rows:
        return
    config = op.get_context().config
    secret = config.attributes.get("secret_key") if config is not None else None
    if not secret:
        raise RuntimeError(
            "LOTSE_SECRET_KEY is needed to encrypt the existing invitations' connect codes; "
            "set it (or keep the demo's data directory) and run `lotse db upgrade` again"
        )
    vault = Vault(secret)
    for invitation_id, code, personal_enc in rows:
        token = secrets.token_urlsafe(24)
        phone_index = postal_index = None
        if personal_enc is not None:  # still open: the contact details are there
            personal = Personal.decode(vault.decrypt(personal_enc))
            if personal.phone:
                phone_index = address_index(vault, Channel.SMS, personal.phone)
            if personal.postal_address:
                postal_index = letter_index(vault, personal.postal_address)
        connection.execute(
            sa.text(
                "UPDATE invitations SET code_index = :ci, code_enc = :ce, token_index = :ti, "
                "token_enc = :te, phone_index = :pi, postal_index = :ai WHERE id = :id"
            ),
            {
                "ci": vault.index(CODE_KIND, code),
                "ce": vault.encrypt(code),
                "ti": vault.index(TOKEN_KIND, token),
                "te": vault.encrypt(token),
                "pi": phone_index,
                "ai": postal_index,
                "id": invitation_id,
            },
        )


def downgrade() -> None:
    # The plain codes cannot come back without the key, and nothing should want them.
    raise NotImplementedError("0005 cannot be undone: connect codes are only kept encrypted")
