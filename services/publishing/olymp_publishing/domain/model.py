"""Entities of the rating table: input rows, statuses, ranked rows and the table itself."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from olymp_publishing.domain.collation import collation_key, tie_break_key


class Status(StrEnum):
    """The statuses entered into the final statement (§124)."""

    WINNER = "победитель"
    PRIZE_WINNER = "призёр"
    PARTICIPANT = "участник"

    @property
    def rank(self) -> int:
        """0 for the highest status; lets policies compare statuses."""
        return _STATUS_ORDER.index(self)


_STATUS_ORDER = (Status.WINNER, Status.PRIZE_WINNER, Status.PARTICIPANT)


@dataclass(frozen=True)
class ResultRow:
    """One participant's result in one subject, after appeals (§117) — the input of the table.

    `grade` is the class the participant attends (published); `task_grade` is the class whose tasks
    they wrote, when higher (§11). The table is built per `parallel` (§122).
    """

    participant_id: str
    surname: str
    name: str
    patronymic: str
    grade: int
    school: str
    total: Decimal
    max_total: Decimal
    consent_to_publish: bool
    annulled: bool = False
    annulment_reason: str = ""
    task_grade: int | None = None
    # for the protocols (App. 10–12): the work's code and its points per task, as text
    work_code: str = ""
    task_scores: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.participant_id:
            raise ValueError("participant_id must not be empty")
        if not self.max_total.is_finite() or self.max_total <= 0:
            raise ValueError(
                f"{self.participant_id}: max_total must be positive, not {self.max_total}"
            )
        if not self.total.is_finite() or not 0 <= self.total <= self.max_total:
            raise ValueError(
                f"{self.participant_id}: total {self.total} is outside 0..{self.max_total}"
            )
        if self.annulled and not self.annulment_reason.strip():
            # §53 and §119 annul on the strength of an act or a protocol; the table must name it.
            raise ValueError(f"{self.participant_id}: an annulled result needs its reason")
        if self.task_grade is not None and self.task_grade < self.grade:
            raise ValueError(
                f"{self.participant_id}: tasks of grade {self.task_grade} are below the"
                f" participant's grade {self.grade} (§11 allows only the same or higher)"
            )

    @property
    def parallel(self) -> int:
        """The grade whose table this row belongs to (§11, §122)."""
        return self.task_grade if self.task_grade is not None else self.grade

    @property
    def sort_name(self) -> tuple[str, str, str]:
        return collation_key(self.surname, self.name, self.patronymic)

    @property
    def tie_break(self) -> tuple[tuple[str, ...], tuple[str, ...], str, str, int]:
        return tie_break_key(self.surname, self.name, self.patronymic, self.school, self.grade)


@dataclass(frozen=True)
class ChairDecision:
    """The jury chair's ruling on a tie group at a quota boundary (§117), keyed by its total."""

    total: Decimal
    status: Status


@dataclass(frozen=True)
class TieAtBoundary:
    """Participants with equal totals who do not all fit under a status the policy would give them.

    `places_left` is how many of the group the quota would still admit; `default` is the status the
    policy applies until the chair decides (the whole group stays below the boundary).
    """

    total: Decimal
    participant_ids: tuple[str, ...]
    upper: Status
    default: Status
    places_left: int
    chair_decision: Status | None = None

    @property
    def resolved(self) -> bool:
        return self.chair_decision is not None

    @property
    def status(self) -> Status:
        return self.chair_decision if self.chair_decision is not None else self.default

    @property
    def choices(self) -> tuple[Status, ...]:
        """What the chair may rule for the whole group, best first (§117)."""
        return tuple(s for s in Status if self.upper.rank <= s.rank <= self.default.rank)


@dataclass(frozen=True)
class RankedRow:
    """A row of the rating table: places `place_from`..`place_to` are shared by equal totals."""

    position: int
    place_from: int
    place_to: int
    status: Status
    row: ResultRow

    @property
    def place(self) -> str:
        """The place as printed in the protocol: «4», or a shared range «2–3» (en dash)."""
        if self.place_from == self.place_to:
            return str(self.place_from)
        return f"{self.place_from}\u2013{self.place_to}"


@dataclass(frozen=True)
class RankingTable:
    """One subject's rating table for one parallel (§122), with the annulled works kept apart."""

    parallel: int
    max_total: Decimal
    quota_places: int
    rows: tuple[RankedRow, ...]
    annulled: tuple[ResultRow, ...]
    ties: tuple[TieAtBoundary, ...]

    @property
    def unresolved_ties(self) -> tuple[TieAtBoundary, ...]:
        """Tie groups still waiting for the chair; approve no table while any remain."""
        return tuple(tie for tie in self.ties if not tie.resolved)


def points_text(value: Decimal) -> str:
    """A score as people write it: «40», «37.5» (no exponent, no trailing zeros)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")
