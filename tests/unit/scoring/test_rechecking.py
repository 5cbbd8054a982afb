"""Selective re-checking (§21; seed 000 §2): a sample reproducible from its seed, a blind re-check
by someone else, compared with the official scores."""

from __future__ import annotations

import hashlib
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_scoring.domain import DiscrepancyThreshold, MarkingScheme
from olymp_scoring.domain.errors import RecheckRefused
from olymp_scoring.domain.rechecking import (
    RecheckSummary,
    compare,
    draw_sample,
    may_recheck,
    rank,
    sample_size,
)

CODES = [f"М9-{n:03d}" for n in range(1, 41)]
SCHEME = MarkingScheme.of([(1, D(7)), (2, D(7)), (3, D(10))], step=D("0.5"))
THRESHOLD = DiscrepancyThreshold.points(D(2))


def test_p21_the_same_seed_draws_the_same_sample() -> None:
    first = draw_sample("2025-11-20 информатика", CODES, 5)
    again = draw_sample("2025-11-20 информатика", list(reversed(CODES)), 5)
    assert first == again
    assert len(set(first)) == 5
    assert set(first) <= set(CODES)


def test_p21_another_seed_draws_another_sample() -> None:
    assert draw_sample("seed-a", CODES, 5) != draw_sample("seed-b", CODES, 5)


def test_p21_the_draw_is_the_lowest_sha256_of_seed_and_code_which_anyone_can_recompute() -> None:
    expected = sorted(
        CODES, key=lambda code: hashlib.sha256(f"зерно\n{code}".encode()).hexdigest()
    )[:3]
    assert draw_sample("зерно", CODES, 3) == tuple(expected)
    assert rank("зерно", "М9-001") == hashlib.sha256("зерно\nМ9-001".encode()).hexdigest()


@given(st.text(min_size=1, max_size=20).filter(str.strip), st.integers(1, 40))
def test_p21_a_work_added_to_the_grade_never_reorders_the_others(seed: str, size: int) -> None:
    before = draw_sample(seed, CODES, size)
    after = draw_sample(seed, [*CODES, "М9-999"], size + 1)
    assert set(before) <= set(after)


@pytest.mark.parametrize(
    ("eligible", "size", "share", "drawn"),
    [
        (40, 5, None, 5),
        (40, None, D("0.1"), 4),
        (41, None, D("0.1"), 5),
        (3, 10, None, 3),
        (5, None, D("0.01"), 1),
    ],
)
def test_sample_size_by_number_or_share(
    eligible: int, size: int | None, share: D | None, drawn: int
) -> None:
    assert sample_size(eligible, size=size, share=share) == drawn


def test_sample_size_needs_exactly_one_of_number_or_share() -> None:
    with pytest.raises(RecheckRefused):
        sample_size(10, size=None, share=None)
    with pytest.raises(RecheckRefused):
        sample_size(10, size=2, share=D("0.5"))
    with pytest.raises(RecheckRefused, match="от 0 до 1"):
        sample_size(10, size=None, share=D("1.5"))


def test_an_empty_seed_is_refused() -> None:
    with pytest.raises(RecheckRefused, match="Зерно"):
        draw_sample("  ", CODES, 1)


def test_p69_a_member_who_marked_the_work_never_rechecks_it() -> None:
    assert not may_recheck("jury-ivanova", {"jury-ivanova", "jury-petrov"})
    assert may_recheck("jury-yolkina", {"jury-ivanova", "jury-petrov"})


def test_p73_a_recheck_differing_beyond_the_threshold_is_flagged_per_task() -> None:
    official = {1: D(5), 2: D("3.5"), 3: D(8)}
    found = compare("М9-007", SCHEME, THRESHOLD, official, {1: D(5), 2: D(6), 3: D("4.5")})
    assert [(t.task_number, t.difference, t.significant) for t in found.tasks] == [
        (1, D(0), False),
        (2, D("2.5"), True),
        (3, D("-3.5"), True),
    ]
    assert found.original_total == D("16.5")
    assert found.recheck_total == D("15.5")
    waiting = compare("М9-008", SCHEME, THRESHOLD, official, None)
    assert not waiting.rechecked
    assert waiting.recheck_total is None
    summary = RecheckSummary.of([found, waiting])
    assert (summary.works, summary.rechecked, summary.differing, summary.significant) == (
        2,
        1,
        1,
        1,
    )
    assert summary.mean_absolute_difference == D(1)
