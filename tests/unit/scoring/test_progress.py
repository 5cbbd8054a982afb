"""Progress of checking one subject and grade: decoding waits until every work is done (§61)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_scoring.domain import ScoringError, SubjectGradeProgress, WorkStatus


def test_p61_progress_counts_checked_and_annulled_works() -> None:
    progress = SubjectGradeProgress.of(
        [
            WorkStatus.CHECKED,
            WorkStatus.ANNULLED,
            WorkStatus.NEEDS_THIRD_MARK,
            WorkStatus.AWAITING_MARKS,
            WorkStatus.CHECKED,
        ]
    )
    assert progress == SubjectGradeProgress(total=5, checked=2, annulled=1)
    assert progress.pending == 2
    assert not progress.all_checked


def test_p61_annulled_works_complete_the_subject_grade() -> None:
    progress = SubjectGradeProgress.of([WorkStatus.CHECKED, WorkStatus.ANNULLED])
    assert progress.all_checked


def test_p61_inconsistent_counters_are_refused() -> None:
    with pytest.raises(ScoringError, match="Счётчики проверки несовместимы"):
        SubjectGradeProgress(total=2, checked=2, annulled=1)
    with pytest.raises(ScoringError):
        SubjectGradeProgress(total=-1, checked=0, annulled=0)


@given(st.lists(st.sampled_from(list(WorkStatus)), max_size=40))
def test_p61_property_all_checked_exactly_when_every_work_is_checked_or_annulled(
    statuses: list[WorkStatus],
) -> None:
    progress = SubjectGradeProgress.of(statuses)
    assert progress.total == len(statuses)
    assert progress.all_checked == all(
        status in (WorkStatus.CHECKED, WorkStatus.ANNULLED) for status in statuses
    )
