"""A queued page's resolution: assigned to a work, a draft (§45), or discarded; pages by upload.

A page settled in the manual queue was only ever "resolved" (to a work). A draft is never checked
nor coded (§45) and a blank or misfed sheet belongs to nothing, so the officer's decision is kept
apart from the queue state, with who and when (already columns) and the audit entry.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("scanned_pages", sa.Column("resolution", sa.Text))
    # every page resolved before this revision was resolved by an assignment to a work
    op.execute("UPDATE scanned_pages SET resolution = 'assigned' WHERE queue_state = 'resolved'")
    op.create_check_constraint(
        "scanned_pages_resolution",
        "scanned_pages",
        "resolution IN ('assigned', 'draft', 'discarded')",
    )
    op.create_check_constraint(
        "scanned_pages_resolved_has_resolution",
        "scanned_pages",
        "(queue_state = 'resolved') = (resolution IS NOT NULL)",
    )
    # a drafted or discarded page belongs to no work
    op.create_check_constraint(
        "scanned_pages_unassigned_has_no_work",
        "scanned_pages",
        "resolution IS NULL OR resolution = 'assigned' OR work_code IS NULL",
    )
    # the pages of one upload, for the neighbours of a queued page
    op.create_index(
        "scanned_pages_by_upload",
        "scanned_pages",
        ["olympiad_id", "source_file", "uploaded_at"],
    )


def downgrade() -> None:
    op.drop_index("scanned_pages_by_upload", table_name="scanned_pages")
    # a draft or discarded page goes back to the queue: the old schema has no word for it
    op.execute(
        "UPDATE scanned_pages SET queue_state = 'pending', resolved_at = NULL, resolved_by = NULL "
        "WHERE resolution IN ('draft', 'discarded')"
    )
    op.drop_constraint("scanned_pages_unassigned_has_no_work", "scanned_pages", type_="check")
    op.drop_constraint("scanned_pages_resolved_has_resolution", "scanned_pages", type_="check")
    op.drop_constraint("scanned_pages_resolution", "scanned_pages", type_="check")
    op.drop_column("scanned_pages", "resolution")
