"""Properties of the commission's vote count (§106–107) over generated commissions and ballots."""

from __future__ import annotations

from decimal import Decimal
from random import Random

from hypothesis import assume, given
from hypothesis import strategies as st

from olymp_appeals.domain import Ballot, Commission, Motion, VoteTally, count_votes

MOTIONS = [
    Motion.reject(),
    Motion.raise_to({1: Decimal(5)}),
    Motion.raise_to({1: Decimal(6)}),
    Motion.lower_to({1: Decimal(1)}),
]


@st.composite
def sessions(draw: st.DrawFn) -> tuple[Commission, list[Ballot]]:
    size = draw(st.sampled_from([3, 5, 7, 9]))
    members = tuple(f"m{i}" for i in range(size))
    commission = Commission(members, chair=draw(st.sampled_from(members)))
    # None: the member is absent or does not vote.
    choices = draw(st.lists(st.sampled_from([None, *MOTIONS]), min_size=size, max_size=size))
    ballots = [Ballot(m, motion) for m, motion in zip(members, choices, strict=True) if motion]
    return commission, draw(st.permutations(ballots))


def votes_for(tally: VoteTally, motion: Motion) -> int:
    return dict(tally.counts).get(motion, 0)


def tied_at_top(tally: VoteTally) -> list[Motion]:
    top = tally.counts[0][1] if tally.counts else 0
    tied = [motion for motion, count in tally.counts if count == top]
    return tied if len(tied) > 1 else []


@given(sessions())
def test_p106_a_majority_of_the_listed_members_always_wins_and_nothing_less_does(
    session: tuple[Commission, list[Ballot]],
) -> None:
    commission, ballots = session
    tally = count_votes(commission, ballots)
    majority = [m for m, count in tally.counts if count > len(commission.members) / 2]
    if majority:
        assert (tally.adopted, tally.by_casting_vote) == (majority[0], False)
    elif tally.adopted is not None:
        assert tally.by_casting_vote
        assert votes_for(tally, tally.adopted) + 1 >= commission.majority


@given(sessions())
def test_p107_the_chair_decides_exactly_the_ties(session: tuple[Commission, list[Ballot]]) -> None:
    commission, ballots = session
    tally = count_votes(commission, ballots)
    tied = tied_at_top(tally)
    chair_can_decide = (
        tally.chair_motion in tied
        and tally.chair_motion is not None
        and votes_for(tally, tally.chair_motion) + 1 >= commission.majority
    )
    assert tally.by_casting_vote == chair_can_decide
    if chair_can_decide:
        assert tally.adopted == tally.chair_motion
    if not tied:
        assert not tally.by_casting_vote


@given(sessions(), st.data())
def test_p106_abstentions_never_create_a_decision(
    session: tuple[Commission, list[Ballot]], data: st.DataObject
) -> None:
    commission, ballots = session
    assume(not count_votes(commission, ballots).decided)
    kept = data.draw(st.lists(st.booleans(), min_size=len(ballots), max_size=len(ballots)))
    remaining = [ballot for ballot, keep in zip(ballots, kept, strict=True) if keep]
    assert not count_votes(commission, remaining).decided


@given(sessions(), st.randoms(use_true_random=False))
def test_p106_the_order_of_ballots_does_not_matter(
    session: tuple[Commission, list[Ballot]], rng: Random
) -> None:
    commission, ballots = session
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert count_votes(commission, shuffled) == count_votes(commission, ballots)
