"""Deciding an appeal (§101, §105, §109–110, §112, §114) from attendance and the commission's votes.

Attendance: a participant who asked to be reviewed in absence (§101), or who is absent for a
documented valid reason (§109), is reviewed on the merits without them. One absent without such a
reason is not reviewed on the merits (§110): the score is kept and no vote is taken. §109 requires
the reason to be confirmed by a document, so a reason without one falls under §110; what counts
as a document is for the organising committee, which records the attendance.

Motions may change only the tasks named in the appeal (§105), each to a score within 0..its
maximum. A raise must raise and a lower must lower the sum of those tasks: §112 speaks of the
number of points, so the sign of the net change names the outcome even if the commission corrects
one task up and another down.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from olymp_appeals.domain.commission import Commission
from olymp_appeals.domain.errors import AppealRuleError
from olymp_appeals.domain.filing import Appeal, WorkScores
from olymp_appeals.domain.voting import Ballot, Motion, Outcome, VoteTally, count_votes


class Attendance(StrEnum):
    PRESENT = "участник присутствовал"
    ABSENT_WITH_DOCUMENTED_REASON = (
        "участник не явился по уважительной причине, подтверждённой документально"
    )
    ABSENT_WITHOUT_DOCUMENTED_REASON = "участник не явился без подтверждённой уважительной причины"


class Resolution(StrEnum):
    DECIDED = "решение принято"
    NO_DECISION = "решение не принято"
    NOT_REVIEWED = "апелляция не рассматривалась по существу"


@dataclass(frozen=True)
class AppealDecision:
    """What goes into the appeal protocol (§115) and on to the recount (§116)."""

    participant_id: str
    resolution: Resolution
    outcome: Outcome | None
    scores_before: tuple[tuple[int, Decimal], ...]
    scores_after: tuple[tuple[int, Decimal], ...]
    tally: VoteTally | None

    @property
    def total_before(self) -> Decimal:
        return sum((score for _, score in self.scores_before), Decimal(0))

    @property
    def total_after(self) -> Decimal:
        return sum((score for _, score in self.scores_after), Decimal(0))


def reviewed_on_merits(appeal: Appeal, attendance: Attendance) -> bool:
    """§101, §109, §110: whether the commission may review the appeal on the merits."""
    return (
        appeal.review_without_participant
        or attendance is not Attendance.ABSENT_WITHOUT_DOCUMENTED_REASON
    )


def check_vote_allowed(appeal: Appeal, attendance: Attendance) -> None:
    """§110: an appeal not reviewed on the merits takes no vote."""
    if not reviewed_on_merits(appeal, attendance):
        raise AppealRuleError(
            "Апелляция не рассматривается по существу: участник не явился без подтверждённой"
            " уважительной причины (п. 110). Голосование по ней не проводится."
        )


def check_motion(motion: Motion, appeal: Appeal, work: WorkScores) -> None:
    """Refuse a motion the rules do not allow for this appeal, with a message for the commission."""
    scores = motion.scores
    outside = sorted(set(scores) - set(appeal.task_numbers))
    if outside:
        raise AppealRuleError(
            f"Задание № {', '.join(map(str, outside))} не указано в заявлении на апелляцию:"
            " комиссия рассматривает только указанные задания (п. 105)."
        )
    for number, score in scores.items():
        task = work.task(number)
        if not score.is_finite() or not 0 <= score <= task.max_score:
            raise AppealRuleError(
                f"Балл {score} за задание № {number} вне допустимых пределов 0–{task.max_score}."
            )
    before = sum((work.task(number).score for number in scores), Decimal(0))
    after = sum(scores.values(), Decimal(0))
    if motion.outcome is Outcome.RAISE and not after > before:
        raise AppealRuleError(
            f"Предложение «{motion.outcome}» не повышает баллы: за эти задания было {before},"
            f" предложено {after}."
        )
    if motion.outcome is Outcome.LOWER and not after < before:
        raise AppealRuleError(
            f"Предложение «{motion.outcome}» не понижает баллы: за эти задания было {before},"
            f" предложено {after}."
        )


def decide_appeal(
    appeal: Appeal,
    work: WorkScores,
    commission: Commission,
    attendance: Attendance,
    ballots: Iterable[Ballot],
) -> AppealDecision:
    """The commission's decision on one appeal; final once taken (§114)."""
    if appeal.participant_id != work.participant_id:
        raise ValueError(f"appeal of {appeal.participant_id} reviewed against another's work")
    ballots = list(ballots)
    before = tuple(
        (task.number, task.score) for task in sorted(work.tasks, key=lambda task: task.number)
    )
    if ballots:
        check_vote_allowed(appeal, attendance)
    if not reviewed_on_merits(appeal, attendance):
        return AppealDecision(
            appeal.participant_id, Resolution.NOT_REVIEWED, None, before, before, None
        )
    for ballot in ballots:
        check_motion(ballot.motion, appeal, work)
    tally = count_votes(commission, ballots)
    if tally.adopted is None:
        return AppealDecision(
            appeal.participant_id, Resolution.NO_DECISION, None, before, before, tally
        )
    changed = tally.adopted.scores
    after = tuple((number, changed.get(number, score)) for number, score in before)
    return AppealDecision(
        appeal.participant_id, Resolution.DECIDED, tally.adopted.outcome, before, after, tally
    )
