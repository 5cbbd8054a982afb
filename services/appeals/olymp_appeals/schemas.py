"""HTTP models of the appeals service."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from olymp_appeals.domain import AppealDecision, Procedure, Resolution
from olymp_appeals.handlers import CODE_OF_OUTCOME, changed_scores, outcome_code
from olymp_appeals.store import AppealRow, Window
from olymp_core.contracts.appeals import AppealOutcome

TaskScores = dict[str, Decimal]
# PostgreSQL text cannot hold NUL: such a string is refused here (422), not by the database (500)
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]
SubjectCode = Annotated[str, Field(pattern=r"^[a-z_]{1,40}$", examples=["math"])]


class ProcedureUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime = Field(description="Start, with its offset.")
    ends_at: AwareDatetime = Field(description="End, with its offset; after the start.")
    place: Text = Field(
        default="",
        max_length=500,
        examples=["МБОУ «СОШ № 12», актовый зал"],
        description="Where it is held; empty when only online.",
    )
    online_url: Text = Field(
        default="",
        max_length=500,
        description="An https link to the video conference when held online (§97); else empty.",
    )

    def procedure(self) -> Procedure:
        return Procedure(self.starts_at, self.ends_at, self.place, self.online_url)


class ShowScheduleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    analysis: ProcedureUpdate = Field(description="The analysis of tasks and solutions (§82–86).")
    show: ProcedureUpdate = Field(description="The show of works, after the analysis (§87–89).")


class ProcedureRead(BaseModel):
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_url: str

    @classmethod
    def of(cls, procedure: Procedure) -> ProcedureRead:
        return cls(
            starts_at=procedure.starts_at,
            ends_at=procedure.ends_at,
            place=procedure.place,
            online_url=procedure.online_url,
        )


class AppealWindowRead(BaseModel):
    opens_at: dt.datetime = Field(description="First instant to file: the show's start (§89).")
    deadline: dt.datetime = Field(
        description="Last instant to file: end of the 2nd working day after the show (§96)."
    )
    time_zone: str = Field(
        examples=["Asia/Omsk"], description="The olympiad's IANA zone the deadline is counted in."
    )


class SubjectScheduleRead(BaseModel):
    subject_code: str
    analysis: ProcedureRead | None = Field(description="None: set before schedules were kept.")
    show: ProcedureRead | None
    opens_at: dt.datetime | None = Field(description="First instant to file an appeal.")
    deadline: dt.datetime = Field(description="Last instant to file an appeal (§96).")
    time_zone: str

    @classmethod
    def of(cls, subject_code: str, window: Window) -> SubjectScheduleRead:
        schedule = window.schedule
        return cls(
            subject_code=subject_code,
            analysis=ProcedureRead.of(schedule.analysis) if schedule else None,
            show=ProcedureRead.of(schedule.show) if schedule else None,
            opens_at=window.opens_at,
            deadline=window.deadline,
            time_zone=window.time_zone,
        )


class ScheduleList(BaseModel):
    subjects: list[SubjectScheduleRead]


class CommissionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    members: list[Text] = Field(
        description="Listed members (§102): at least 3; an odd number is recommended."
    )
    chair: Text = Field(description="The chair, one of the members; decides a tie (§107).")


class CommissionRead(BaseModel):
    members: list[str]
    chair: str
    majority: int = Field(description="Votes a decision needs: over half of the listed (§106).")
    odd: bool = Field(
        description="The size §102 recommends; with an even one a tie falls to the chair (§107)."
    )


class AppealCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: uuid.UUID
    subject_code: SubjectCode
    tasks: list[int] = Field(description="Numbers of the tasks appealed; only these are reviewed.")
    statement: Text = Field(max_length=20_000, description="The text of the written appeal.")
    review_without_participant: bool = Field(
        default=False, description="The participant asked for review in their absence (§101)."
    )


class AppealRead(BaseModel):
    # No work code: its readers (observers, commission, jury chairs) see the participant, and a
    # code beside a participant outside the coding role would undo the coding (§60-62).
    appeal_id: uuid.UUID
    subject_code: str
    grade: int
    participant_id: uuid.UUID
    tasks: list[int]
    statement: str
    filed_at: dt.datetime
    deadline: dt.datetime
    attendance: str | None
    status: str = Field(description="«подана», «решение принято» or «…не рассматривалась…».")
    outcome: str | None = Field(description="reject, raise, lower or not_reviewed once decided.")
    new_task_scores: TaskScores | None

    @classmethod
    def of(cls, row: AppealRow) -> AppealRead:
        return cls(
            appeal_id=row.appeal_id,
            subject_code=row.subject_code,
            grade=row.grade,
            participant_id=row.participant_id,
            tasks=list(row.task_numbers),
            statement=row.statement,
            filed_at=row.filed_at,
            deadline=row.deadline,
            attendance=row.attendance,
            status=row.status,
            outcome=row.outcome,
            new_task_scores=row.new_task_scores,
        )


class AppealList(BaseModel):
    items: list[AppealRead]


class HearingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_present: bool
    valid_reason_documented: bool = Field(
        default=False,
        description="For an absent participant: a document confirms a valid reason (§109).",
    )


class VoteCreate(BaseModel):
    """One member's vote for a motion (§112): the outcome and, to change scores, the new ones."""

    model_config = ConfigDict(extra="forbid")

    outcome: AppealOutcome = Field(
        description="reject: keep the scores; raise / lower: change them as new_task_scores say."
    )
    new_task_scores: dict[int, Decimal] = Field(
        default_factory=dict,
        description="Task number -> new score, only for appealed tasks; empty for reject.",
        examples=[{"1": "8"}],
    )


class VoteRead(BaseModel):
    member_id: str
    outcome: AppealOutcome
    new_task_scores: TaskScores


class MotionVotes(BaseModel):
    outcome: AppealOutcome
    new_task_scores: TaskScores
    votes: int


class DecisionRead(BaseModel):
    appeal_id: uuid.UUID
    final: bool = Field(description="False for «решение не принято»: the commission votes again.")
    resolution: str
    outcome: str | None = Field(description="reject, raise, lower, not_reviewed; null if none.")
    outcome_text: str | None = Field(description="The outcome as the protocol words it (§112).")
    new_task_scores: TaskScores = Field(description="Only the tasks whose score changed.")
    total_before: Decimal
    total_after: Decimal
    votes: list[MotionVotes]
    majority: int | None
    by_casting_vote: bool

    @classmethod
    def of(cls, appeal_id: uuid.UUID, decision: AppealDecision) -> DecisionRead:
        tally = decision.tally
        return cls(
            appeal_id=appeal_id,
            final=decision.resolution is not Resolution.NO_DECISION,
            resolution=decision.resolution.value,
            outcome=outcome_code(decision),
            outcome_text=None if decision.outcome is None else decision.outcome.value,
            new_task_scores={str(n): s for n, s in changed_scores(decision).items()},
            total_before=decision.total_before,
            total_after=decision.total_after,
            votes=[
                MotionVotes(
                    outcome=CODE_OF_OUTCOME[motion.outcome],
                    new_task_scores={str(n): s for n, s in motion.new_scores},
                    votes=votes,
                )
                for motion, votes in (tally.counts if tally else ())
            ],
            majority=None if tally is None else tally.majority,
            by_casting_vote=bool(tally and tally.by_casting_vote),
        )


class ParticipantAppealCreate(BaseModel):
    """The participant's own appeal (§98): the subject, the tasks (§105), the statement (§101)."""

    model_config = ConfigDict(extra="forbid")

    subject_code: SubjectCode
    tasks: list[int] = Field(description="Numbers of the tasks appealed; only these are reviewed.")
    statement: Text = Field(min_length=1, max_length=20_000, description="The written appeal.")
    review_without_participant: bool = Field(
        default=False, description="Review in my absence (§101)."
    )


class ParticipantAppealRead(BaseModel):
    """An appeal as its participant reads it: no statement of the commission's members, no votes."""

    appeal_id: uuid.UUID
    tasks: list[int]
    statement: str
    review_without_participant: bool
    filed_at: dt.datetime
    status: str
    outcome: str | None = Field(description="reject, raise, lower or not_reviewed once decided.")
    new_task_scores: TaskScores | None = Field(description="The tasks' new points, once decided.")
    decided_at: dt.datetime | None

    @classmethod
    def of(cls, row: AppealRow) -> ParticipantAppealRead:
        return cls(
            appeal_id=row.appeal_id,
            tasks=list(row.task_numbers),
            statement=row.statement,
            review_without_participant=row.review_without_participant,
            filed_at=row.filed_at,
            status=row.status,
            outcome=row.outcome,
            new_task_scores=row.new_task_scores,
            decided_at=row.decided_at,
        )


class ParticipantWorkRead(BaseModel):
    subject_code: str
    grade: int
    task_scores: TaskScores = Field(description="Points per task, as the jury recorded them (§75).")
    task_max: TaskScores
    total: Decimal
    annulled: bool
    schedule: SubjectScheduleRead | None = Field(description="Analysis, show and filing window.")
    appeal: ParticipantAppealRead | None


class ParticipantWorks(BaseModel):
    participant_id: uuid.UUID
    olympiad_title: str
    time_zone: str = Field(description="The olympiad's IANA zone: show every time in it.")
    works: list[ParticipantWorkRead]


class MemberVoteRead(BaseModel):
    member_id: str
    outcome: AppealOutcome
    new_task_scores: TaskScores


class HearingRead(BaseModel):
    """The hearing of one appeal as the listed members see it (§103–108)."""

    appeal: AppealRead
    participant_name: str = Field(description="Surname, name, patronymic; empty if not known yet.")
    school: str
    work_code: str = Field(description="To open the checked work and its marking rounds (§108).")
    task_scores: TaskScores = Field(description="The work's current points per task.")
    task_max: TaskScores
    annulled: bool
    commission_members: list[str]
    commission_chair: str
    majority: int
    votes: list[MemberVoteRead] = Field(description="The votes cast so far, one per member.")
    decided_at: dt.datetime | None
