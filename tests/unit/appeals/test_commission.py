"""§102: the appeal commission has at least three members, one of them its chair; an odd number
is recommended, not required (§107 settles a tie by the chair's vote)."""

from __future__ import annotations

import pytest

from olymp_appeals.domain import AppealRuleError, Commission


@pytest.mark.parametrize(("size", "majority"), [(3, 2), (4, 3), (5, 3), (6, 4), (7, 4)])
def test_p102_commission_of_at_least_three_odd_or_even(size: int, majority: int) -> None:
    members = tuple(f"m{i}" for i in range(size))
    commission = Commission(members, chair="m0")
    assert commission.majority == majority
    assert commission.odd is (size % 2 == 1)


@pytest.mark.parametrize("size", [1, 2])
def test_p102_commission_of_fewer_than_three_is_refused(size: int) -> None:
    with pytest.raises(AppealRuleError, match=r"не менее трёх человек \(п. 102\)"):
        Commission(tuple(f"m{i}" for i in range(size)), chair="m0")


def test_p102_chair_is_one_of_the_members() -> None:
    with pytest.raises(AppealRuleError, match="Председатель m9 не входит в состав"):
        Commission(("m0", "m1", "m2"), chair="m9")


def test_p102_members_are_listed_once() -> None:
    with pytest.raises(AppealRuleError, match="m1 указан в составе дважды"):
        Commission(("m0", "m1", "m1"), chair="m0")
