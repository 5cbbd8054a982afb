"""The olympiad -> municipality table every service checks a municipality's coordinator against
(olymp_core.auth.olympiads), filled from OlympiadCreated from now on.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

from olymp_core.auth.olympiads import (
    create_olympiad_municipalities_table,
    drop_olympiad_municipalities_table,
)

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_olympiad_municipalities_table(op)


def downgrade() -> None:
    drop_olympiad_municipalities_table(op)
