"""OpenID Connect sign-in: authorizations under way, and accounts' links to the provider.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oidc_authorizations",
        sa.Column("state_hash", sa.Text, primary_key=True),
        sa.Column("nonce", sa.Text, nullable=False),
        sa.Column("code_verifier", sa.Text, nullable=False),
        sa.Column("redirect_url", sa.Text, nullable=False),
        sa.Column("next", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("oidc_authorizations_by_time", "oidc_authorizations", ["created_at"])
    op.create_index(
        "oidc_authorizations_by_address", "oidc_authorizations", ["address", "created_at"]
    )
    op.create_table(
        "oidc_links",
        sa.Column(
            "login",
            sa.Text,
            sa.ForeignKey("accounts.login", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("identity", sa.Text, nullable=False, unique=True),
        sa.Column("issuer", sa.Text),
        sa.Column("subject", sa.Text),
        sa.Column("linked_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("issuer", "subject", name="oidc_links_subject"),
    )


def downgrade() -> None:
    op.drop_table("oidc_links")
    op.drop_table("oidc_authorizations")
