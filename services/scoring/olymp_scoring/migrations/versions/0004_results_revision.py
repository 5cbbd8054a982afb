"""Result changes in order, and the final table's approval (§119–120).

`results_revision` numbers every statement of a subject and grade's results (announcements and
appeal rescorings), taken under the row's lock, so consumers keep the newest per work whatever
order the messages arrive in. `final_published_at`: the final table is out; from then on a
change is a correction (§120), not an annulment.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "subject_grades",
        sa.Column("results_revision", sa.Integer, nullable=False, server_default="0"),
    )
    op.add_column("subject_grades", sa.Column("final_published_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("subject_grades", "final_published_at")
    op.drop_column("subject_grades", "results_revision")
