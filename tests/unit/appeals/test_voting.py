"""§106–107: majority of the listed members; the chair's vote decides a tie."""

from __future__ import annotations

from decimal import Decimal

import pytest

from olymp_appeals.domain import AppealRuleError, Ballot, Commission, Motion, Outcome, count_votes

FIVE = Commission(("chair", "m1", "m2", "m3", "m4"), chair="chair")
THREE = Commission(("chair", "m1", "m2"), chair="chair")
REJECT = Motion.reject()
RAISE_7 = Motion.raise_to({2: Decimal(7)})
RAISE_8 = Motion.raise_to({2: Decimal(8)})


def votes(**by_member: Motion) -> list[Ballot]:
    return [Ballot(member, motion) for member, motion in by_member.items()]


def test_p106_majority_of_the_listed_members_adopts() -> None:
    tally = count_votes(FIVE, votes(chair=REJECT, m1=RAISE_7, m2=RAISE_7, m3=RAISE_7))
    assert (tally.adopted, tally.by_casting_vote, tally.majority) == (RAISE_7, False, 3)


def test_p106_majority_of_those_present_is_not_enough() -> None:
    # Three of five attend; two of them are a majority of those present but not of the list.
    tally = count_votes(FIVE, votes(chair=REJECT, m1=RAISE_7, m2=RAISE_7))
    assert tally.adopted is None
    assert tally.counts == ((RAISE_7, 2), (REJECT, 1))


def test_p107_chair_decides_a_tie() -> None:
    tally = count_votes(FIVE, votes(chair=REJECT, m1=REJECT, m2=RAISE_7, m3=RAISE_7))
    assert (tally.adopted, tally.by_casting_vote) == (REJECT, True)


def test_p107_tie_without_the_chair_among_the_tied_is_no_decision() -> None:
    absent_chair = count_votes(FIVE, votes(m1=REJECT, m2=REJECT, m3=RAISE_7, m4=RAISE_7))
    assert absent_chair.adopted is None
    chair_elsewhere = count_votes(
        FIVE, votes(chair=RAISE_8, m1=REJECT, m2=REJECT, m3=RAISE_7, m4=RAISE_7)
    )
    assert chair_elsewhere.adopted is None


def test_p107_casting_vote_still_needs_a_majority_of_the_listed_members() -> None:
    tally = count_votes(FIVE, votes(chair=REJECT, m1=RAISE_7))
    assert tally.adopted is None


def test_p106_different_proposed_scores_are_different_motions() -> None:
    split = count_votes(FIVE, votes(chair=RAISE_8, m1=RAISE_8, m2=RAISE_7, m3=RAISE_7, m4=REJECT))
    # Four members want a raise, but no raise to one score has three votes; the chair's
    # casting vote settles the tie between 7 and 8 points.
    assert (split.adopted, split.by_casting_vote) == (RAISE_8, True)
    three_ways = count_votes(THREE, votes(chair=RAISE_7, m1=RAISE_8, m2=REJECT))
    assert (three_ways.adopted, three_ways.by_casting_vote) == (RAISE_7, True)


def test_p106_equal_proposals_are_one_motion_whatever_their_spelling() -> None:
    spelled = Motion(Outcome.RAISE, ((3, Decimal("4.0")), (2, Decimal(7))))
    same = Motion.raise_to({2: Decimal("7.00"), 3: Decimal(4)})
    tally = count_votes(THREE, votes(m1=spelled, m2=same))
    assert tally.adopted == same
    assert tally.counts == ((same, 2),)


def test_p106_only_listed_members_vote_and_only_once() -> None:
    with pytest.raises(AppealRuleError, match="не член апелляционной комиссии: guest"):
        count_votes(THREE, [Ballot("guest", REJECT)])
    with pytest.raises(AppealRuleError, match="m1 проголосовал больше одного раза"):
        count_votes(THREE, [Ballot("m1", REJECT), Ballot("m1", RAISE_7)])


def test_p112_motion_carries_new_scores_exactly_when_it_changes_them() -> None:
    with pytest.raises(AppealRuleError, match="баллы не меняются"):
        Motion(Outcome.REJECT, ((1, Decimal(2)),))
    with pytest.raises(AppealRuleError, match="укажите новые баллы"):
        Motion(Outcome.LOWER)
    with pytest.raises(AppealRuleError, match="задание указано дважды"):
        Motion(Outcome.RAISE, ((1, Decimal(2)), (1, Decimal(3))))


def test_p106_nobody_votes_no_decision() -> None:
    tally = count_votes(THREE, [])
    assert (tally.adopted, tally.counts, tally.decided) == (None, (), False)


FOUR = Commission(("chair", "m1", "m2", "m3"), chair="chair")


def test_p102_p107_even_commission_split_two_two_is_decided_by_the_chair() -> None:
    tally = count_votes(FOUR, votes(chair=RAISE_7, m1=RAISE_7, m2=REJECT, m3=REJECT))
    assert (tally.majority, tally.adopted, tally.by_casting_vote) == (3, RAISE_7, True)


def test_p106_even_commission_needs_three_of_four_without_a_tie() -> None:
    # Two for, one against, one absent: two is not a majority of four, and there is no tie.
    tally = count_votes(FOUR, votes(chair=RAISE_7, m1=RAISE_7, m2=REJECT))
    assert tally.adopted is None
    assert count_votes(FOUR, votes(chair=REJECT, m1=RAISE_7, m2=RAISE_7, m3=RAISE_7)).adopted == (
        RAISE_7
    )
