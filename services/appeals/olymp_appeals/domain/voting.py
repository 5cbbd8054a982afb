"""Voting of the appeal commission (§106–107, §112).

The commission votes on concrete motions, as its protocol reads them: an outcome and, for a raise
or a lower, the new score of each task concerned. Members proposing different new scores support
different motions; nothing averages them.

- Each listed member casts at most one ballot; a member who is absent or does not vote casts none.
- A motion is adopted when more than half of the LISTED members vote for it (§106): an absent
  member counts against every motion.
- §107: when motions tie for the most votes, the chair's vote is decisive — it counts once more,
  for the chair's motion if it is one of the tied ones. The result must still reach the majority
  of the listed members: otherwise one member of five, backed by the chair's vote alone, would
  decide for the commission, and a member abstaining could turn «no decision» into a decision.
- Anything else is «решение не принято»: no outcome and no score change; the appeal stays open and
  the commission votes again (after discussion, or with absent members present). It is never read
  as a rejection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from olymp_appeals.domain.commission import Commission
from olymp_appeals.domain.errors import AppealRuleError


class Outcome(StrEnum):
    """The decisions of §112, worded as the protocol records them."""

    REJECT = "отклонить апелляцию, сохранив количество баллов"
    LOWER = "удовлетворить апелляцию с понижением количества баллов"
    RAISE = "удовлетворить апелляцию с повышением количества баллов"


@dataclass(frozen=True)
class Motion:
    outcome: Outcome
    new_scores: tuple[tuple[int, Decimal], ...] = ()

    def __post_init__(self) -> None:
        numbers = [number for number, _ in self.new_scores]
        if len(set(numbers)) != len(numbers):
            raise AppealRuleError(f"В предложении задание указано дважды: {sorted(numbers)}.")
        if self.outcome is Outcome.REJECT and self.new_scores:
            raise AppealRuleError(
                "При отклонении апелляции баллы не меняются: уберите новые баллы."
            )
        if self.outcome is not Outcome.REJECT and not self.new_scores:
            raise AppealRuleError(
                f"Для решения «{self.outcome}» укажите новые баллы за рассмотренные задания."
            )
        # One motion has one spelling, so equal proposals are counted together.
        object.__setattr__(self, "new_scores", tuple(sorted(self.new_scores)))

    @classmethod
    def reject(cls) -> Motion:
        return cls(Outcome.REJECT)

    @classmethod
    def raise_to(cls, scores: Mapping[int, Decimal]) -> Motion:
        return cls(Outcome.RAISE, tuple(scores.items()))

    @classmethod
    def lower_to(cls, scores: Mapping[int, Decimal]) -> Motion:
        return cls(Outcome.LOWER, tuple(scores.items()))

    @property
    def scores(self) -> dict[int, Decimal]:
        return dict(self.new_scores)

    def order_key(self) -> tuple[int, tuple[tuple[int, Decimal], ...]]:
        return (list(Outcome).index(self.outcome), self.new_scores)


@dataclass(frozen=True)
class Ballot:
    member_id: str
    motion: Motion


@dataclass(frozen=True)
class VoteTally:
    """Votes per motion (most first) and what, if anything, was adopted."""

    listed: int
    majority: int
    counts: tuple[tuple[Motion, int], ...]
    chair_motion: Motion | None
    adopted: Motion | None
    by_casting_vote: bool

    @property
    def decided(self) -> bool:
        return self.adopted is not None


def count_votes(commission: Commission, ballots: Iterable[Ballot]) -> VoteTally:
    ballots = list(ballots)
    voters = [ballot.member_id for ballot in ballots]
    strangers = sorted(set(voters) - set(commission.members))
    if strangers:
        raise AppealRuleError(
            f"Голосует не член апелляционной комиссии: {', '.join(strangers)}."
            " Голоса принимаются только от членов комиссии по списку."
        )
    repeated = sorted({v for v in voters if voters.count(v) > 1})
    if repeated:
        raise AppealRuleError(
            f"Член комиссии {', '.join(repeated)} проголосовал больше одного раза:"
            " у каждого члена комиссии один голос."
        )
    counter = Counter(ballot.motion for ballot in ballots)
    counts = tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0].order_key())))
    chair_motion = next((b.motion for b in ballots if b.member_id == commission.chair), None)
    adopted, by_casting_vote = None, False
    if counts and counts[0][1] >= commission.majority:
        adopted = counts[0][0]
    elif counts and chair_motion is not None:
        top = counts[0][1]
        tied = [motion for motion, votes in counts if votes == top]
        if len(tied) > 1 and chair_motion in tied and top + 1 >= commission.majority:
            adopted, by_casting_vote = chair_motion, True
    return VoteTally(
        len(commission.members), commission.majority, counts, chair_motion, adopted, by_casting_vote
    )
