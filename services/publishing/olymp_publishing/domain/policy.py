"""Winners and prize-winners by the organiser's quota (§21 «устанавливает квоту», §117, §124).

How statuses are given, group by group of equal totals in descending order:
- Only the group with the top total can win, and only if its total reaches `winner_min_share` of the
  maximum; `max_winners` (if set) caps how many may win.
- Winners and prize-winners together take at most `quota_places` = `prize_quota_share` × the
  number of ranked participants, rounded by `quota_rounding` (down by default: a quota is a
  ceiling, «не более»).
- A prize-winner's total must reach `prize_min_share` of the maximum; a zero total never wins.
- Equal totals always share a status. A group that does not fit whole under a status is a
  `TieAtBoundary`: by default the whole group stays below the boundary (nobody is promoted past the
  quota silently) until the jury chair rules on it with a `ChairDecision`.
- Statuses never rise down the table: once a group is left below a status, no lower total gets it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from olymp_publishing.domain.errors import RankingRuleError
from olymp_publishing.domain.model import ChairDecision, Status, TieAtBoundary, points_text

ROUNDING_BY_NAME = {"down": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "up": ROUND_CEILING}
_ROUNDINGS = tuple(ROUNDING_BY_NAME.values())
ROUNDING_NAMES = {value: name for name, value in ROUNDING_BY_NAME.items()}


@dataclass(frozen=True)
class QuotaPolicy:
    """The organiser's quota for one subject (set per olympiad; nothing here is a federal constant).

    `shares_strict=True` turns "at least the share" into "more than the share", for rules worded
    «более половины максимально возможных баллов».
    """

    prize_quota_share: Decimal
    winner_min_share: Decimal = Decimal("0.5")
    prize_min_share: Decimal = Decimal("0.5")
    max_winners: int | None = None
    shares_strict: bool = False
    quota_rounding: str = ROUND_FLOOR

    def __post_init__(self) -> None:
        for field in ("prize_quota_share", "winner_min_share", "prize_min_share"):
            share = getattr(self, field)
            if not isinstance(share, Decimal) or not Decimal(0) <= share <= Decimal(1):
                raise ValueError(f"{field} must be a Decimal share in 0..1, not {share!r}")
        if self.max_winners is not None and self.max_winners < 1:
            raise ValueError(f"max_winners must be at least 1 or None, not {self.max_winners}")
        if self.quota_rounding not in _ROUNDINGS:
            raise ValueError(
                f"quota_rounding must be one of {_ROUNDINGS}, not {self.quota_rounding}"
            )

    def quota_places(self, participants: int) -> int:
        """How many participants may be winners and prize-winners together."""
        return int((self.prize_quota_share * participants).to_integral_value(self.quota_rounding))

    def reaches(self, total: Decimal, max_total: Decimal, share: Decimal) -> bool:
        threshold = share * max_total
        return total > threshold if self.shares_strict else total >= threshold


DEFAULT_POLICY = QuotaPolicy(prize_quota_share=Decimal("0.45"))
"""Until the organiser sets its quota (§21): winners and prize-winners together at most 45% of
those ranked (rounded down), a winner or prize-winner needs at least half the maximum total."""


def policy_to_json(policy: QuotaPolicy) -> dict[str, Any]:
    return {
        "prize_quota_share": str(policy.prize_quota_share),
        "winner_min_share": str(policy.winner_min_share),
        "prize_min_share": str(policy.prize_min_share),
        "max_winners": policy.max_winners,
        "shares_strict": policy.shares_strict,
        "quota_rounding": ROUNDING_NAMES[policy.quota_rounding],
    }


def policy_from_json(data: Mapping[str, Any]) -> QuotaPolicy:
    return QuotaPolicy(
        prize_quota_share=Decimal(data["prize_quota_share"]),
        winner_min_share=Decimal(data["winner_min_share"]),
        prize_min_share=Decimal(data["prize_min_share"]),
        max_winners=data["max_winners"],
        shares_strict=bool(data["shares_strict"]),
        quota_rounding=ROUNDING_BY_NAME[data["quota_rounding"]],
    )


@dataclass(frozen=True)
class ScoreGroup:
    """Participants with one total, in table order."""

    total: Decimal
    participant_ids: tuple[str, ...]


def assign_statuses(
    groups: Sequence[ScoreGroup],
    max_total: Decimal,
    policy: QuotaPolicy,
    chair_decisions: Sequence[ChairDecision] = (),
) -> tuple[tuple[Status, ...], tuple[TieAtBoundary, ...]]:
    """The status of each group (descending totals) and the tie groups met at quota boundaries."""
    decisions = _decisions_by_total(chair_decisions)
    quota = policy.quota_places(sum(len(group.participant_ids) for group in groups))
    granted = winners = 0
    ceiling = Status.WINNER
    statuses: list[Status] = []
    ties: list[TieAtBoundary] = []
    for index, group in enumerate(groups):
        size = len(group.participant_ids)
        status, upper, places_left = Status.PARTICIPANT, None, 0
        for candidate in _qualifying(index, group.total, max_total, policy, ceiling):
            room = quota - granted
            if candidate is Status.WINNER and policy.max_winners is not None:
                room = min(room, policy.max_winners - winners)
            if size <= room:
                status = candidate
                break
            if room > 0 and upper is None:
                upper, places_left = candidate, room
        if upper is not None:
            tie = TieAtBoundary(group.total, group.participant_ids, upper, status, places_left)
            ruling = decisions.pop(group.total, None)
            if ruling is not None:
                _check_ruling(tie, ruling)
                tie = replace(tie, chair_decision=ruling)
            ties.append(tie)
            status = tie.status
        if status is not Status.PARTICIPANT:
            granted += size
        if status is Status.WINNER:
            winners += size
        ceiling = status
        statuses.append(status)
    if decisions:
        totals = ", ".join(points_text(total) for total in sorted(decisions))
        raise RankingRuleError(
            f"Решение председателя жюри не требуется для суммы баллов {totals}: участники с такой"
            " суммой не стоят на границе квоты. Уберите это решение."
        )
    return tuple(statuses), tuple(ties)


def _qualifying(
    index: int, total: Decimal, max_total: Decimal, policy: QuotaPolicy, ceiling: Status
) -> list[Status]:
    """Statuses the group's total earns by the thresholds alone, best first, capped by `ceiling`."""
    earned: list[Status] = []
    if total > 0:
        if index == 0 and policy.reaches(total, max_total, policy.winner_min_share):
            earned.append(Status.WINNER)
        if policy.reaches(total, max_total, policy.prize_min_share):
            earned.append(Status.PRIZE_WINNER)
    return [status for status in earned if status.rank >= ceiling.rank]


def _decisions_by_total(decisions: Sequence[ChairDecision]) -> dict[Decimal, Status]:
    by_total: dict[Decimal, Status] = {}
    for decision in decisions:
        if decision.total in by_total:
            raise RankingRuleError(
                f"Для суммы баллов {points_text(decision.total)} передано несколько решений"
                " председателя жюри; оставьте одно."
            )
        by_total[decision.total] = decision.status
    return by_total


def _check_ruling(tie: TieAtBoundary, ruling: Status) -> None:
    allowed = [s for s in Status if tie.upper.rank <= s.rank <= tie.default.rank]
    if ruling not in allowed:
        choices = " или ".join(f"«{status}»" for status in allowed)
        raise RankingRuleError(
            f"Участникам с суммой баллов {points_text(tie.total)} можно установить статус"
            f" {choices}, а не «{ruling}»."
        )
