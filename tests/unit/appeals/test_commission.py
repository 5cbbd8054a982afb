"""§102: the appeal commission has an odd number of members, at least three, and a chair."""

from __future__ import annotations

import pytest

from olymp_appeals.domain import AppealRuleError, Commission


@pytest.mark.parametrize(("size", "majority"), [(3, 2), (5, 3), (7, 4)])
def test_p102_odd_commission_of_at_least_three(size: int, majority: int) -> None:
    members = tuple(f"m{i}" for i in range(size))
    commission = Commission(members, chair="m0")
    assert commission.majority == majority


@pytest.mark.parametrize("size", [1, 2, 4, 6])
def test_p102_even_or_too_small_commission_is_refused(size: int) -> None:
    with pytest.raises(AppealRuleError, match=r"нечётное число членов, не менее трёх \(п. 102\)"):
        Commission(tuple(f"m{i}" for i in range(size)), chair="m0")


def test_p102_chair_is_one_of_the_members() -> None:
    with pytest.raises(AppealRuleError, match="Председатель m9 не входит в состав"):
        Commission(("m0", "m1", "m2"), chair="m9")


def test_p102_members_are_listed_once() -> None:
    with pytest.raises(AppealRuleError, match="m1 указан в составе дважды"):
        Commission(("m0", "m1", "m1"), chair="m0")
