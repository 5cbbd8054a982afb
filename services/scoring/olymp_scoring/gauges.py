"""Scoring's gauge of the day (read at each scrape, `olymp_core.state_metrics`): marking progress,
the works of each subject by status, while its checking is open.

Works marked are `checked` and `annulled`; still to mark, `awaiting_marks` and `needs_third_mark`
(and `awaiting_results` for a subject the testing system checks, §67). A subject and grade leaves
the gauge once its checking is announced complete (`SubjectGradeChecked`) and comes back if it is
reopened, so the dashboard shows the checking in progress, not the season's.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.state_metrics import StateGauge, set_by_label
from olymp_scoring.store.tables import subject_grades, works

WORKS = Gauge(
    "olymp_scoring_works",
    "Works of the subjects and grades whose checking is open (not announced complete), by status",
    ["subject", "status"],
)


async def measure_marking(session: AsyncSession, now: dt.datetime) -> None:
    open_grades = sa.and_(
        works.c.olympiad_id == subject_grades.c.olympiad_id,
        works.c.subject_code == subject_grades.c.subject_code,
        works.c.grade == subject_grades.c.grade,
    )
    rows = await session.execute(
        sa.select(works.c.subject_code, works.c.status, sa.func.count())
        .select_from(subject_grades.join(works, open_grades))
        .where(subject_grades.c.announced_at.is_(None))
        .group_by(works.c.subject_code, works.c.status)
    )
    set_by_label(WORKS, {(subject, status): float(n) for subject, status, n in rows})


MARKING_GAUGE = StateGauge("scoring_marking", measure_marking)
