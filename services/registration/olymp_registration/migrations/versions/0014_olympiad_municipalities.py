"""Whose olympiad it is: olympiads.municipality_id, and the olympiad -> municipality table every
service checks a municipality's coordinator against (olymp_core.auth.olympiads). Olympiads created
before belong to no municipality: only callers unrestricted on municipality reach them.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from olymp_core.auth.olympiads import (
    create_olympiad_municipalities_table,
    drop_olympiad_municipalities_table,
)

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("olympiads", sa.Column("municipality_id", sa.Text))
    create_olympiad_municipalities_table(op)
    op.execute(
        "INSERT INTO olympiad_municipalities (olympiad_id, municipality_id) "
        "SELECT olympiad_id, municipality_id FROM olympiads ON CONFLICT DO NOTHING"
    )


def downgrade() -> None:
    drop_olympiad_municipalities_table(op)
    op.drop_column("olympiads", "municipality_id")
