"""HTTP models of the publishing service."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from olymp_publishing.domain import Status

Share = Decimal


class QuotaPolicyWrite(BaseModel):
    """The organiser's quota of winners and prize-winners (§21 «устанавливает квоту», §117).

    Until one is set the default applies: prize_quota_share 0.45, winner_min_share 0.5,
    prize_min_share 0.5, no cap on winners, shares not strict, quota rounded down.
    """

    model_config = ConfigDict(extra="forbid")

    prize_quota_share: Share = Field(
        ge=0,
        le=1,
        description="Share of ranked participants who may be winners and prize-winners together"
        " (e.g. 0.45 = not more than 45%).",
        examples=["0.45"],
    )
    winner_min_share: Share = Field(
        Decimal("0.5"),
        ge=0,
        le=1,
        description="Share of the maximum total the top group needs to be winners.",
    )
    prize_min_share: Share = Field(
        Decimal("0.5"),
        ge=0,
        le=1,
        description="Share of the maximum total a prize-winner needs; a zero total never wins.",
    )
    max_winners: int | None = Field(
        None, ge=1, description="Cap on the number of winners; null for no cap."
    )
    shares_strict: bool = Field(
        False,
        description="true: «more than» the share (e.g. «более половины»); false: «at least».",
    )
    quota_rounding: Literal["down", "half_up", "up"] = Field(
        "down",
        description="How share × participants becomes a whole number of places; down by"
        " default, a quota being a ceiling («не более»).",
    )


class QuotaPolicyRead(QuotaPolicyWrite):
    olympiad_id: uuid.UUID


class TieDecisionCreate(BaseModel):
    """The chair's status for the whole group with this total at the quota boundary (§117)."""

    model_config = ConfigDict(extra="forbid")

    total: Decimal = Field(ge=0, description="The tie group's total, as text: «35.5».")
    status: Status = Field(description="«победитель», «призёр» or «участник».")


class TieDecisionRead(BaseModel):
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    total: str
    status: Status


class TieMemberRead(BaseModel):
    """One participant of a tie group, as the jury protocol names them (after decoding)."""

    position: int
    place: str = Field(description="The place the group shares, e.g. «2–4».")
    work_code: str
    participant: str = Field(description="Surname, name and patronymic.")
    school: str


class TieGroupRead(BaseModel):
    """Participants with one total who do not all fit under a status by the quota (§117)."""

    total: str = Field(description="The group's total, as text: «35.5».")
    participants: int
    place: str = Field(description="The places the group shares, e.g. «2–4».")
    places_left: int = Field(description="How many of the group the quota would still admit.")
    statuses: list[Status] = Field(
        description="What the chair may rule for the whole group, best first."
    )
    default: Status = Field(description="The group's status until the chair rules.")
    decision: Status | None = Field(description="The chair's ruling in force; null until made.")
    decided_by: str | None
    decided_at: dt.datetime | None
    members: list[TieMemberRead]


class BoundaryTiesRead(BaseModel):
    """The tie groups at the quota boundary of the current table (after appeals) (§117)."""

    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    ready: bool = Field(description="The table is built: works decoded, every work scored.")
    not_ready_reason: str | None = Field(description="Why there is no table yet (Russian).")
    quota_places: int | None = Field(description="Winners and prize-winners together, at most.")
    ranked: int | None = Field(description="Participants ranked (annulled works are not).")
    max_total: str | None
    undecided: int = Field(description="Tie groups still waiting for the chair's ruling.")
    ties: list[TieGroupRead]


class VersionSummary(BaseModel):
    version: int
    stage: Literal["preliminary", "final"]
    published_at: dt.datetime
    sha256: str
    note: str | None = Field(
        None, description="Why this version was published, e.g. a §120 correction's reason."
    )


class ResultVersionRead(VersionSummary):
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    links: dict[str, str]


class PublicRowRead(BaseModel):
    """A published row; without consent (§21) only «участник № N» and no grade or school."""

    position: int
    place: str = Field(description="«4», or a shared range «2–3» for equal totals.")
    participant: str
    grade: int | None
    school: str | None
    total: str
    status: Status


class ResultTableRead(BaseModel):
    """A published version. `sha256` is over the canonical JSON (keys sorted, UTF-8, no spaces)
    of every field here except `sha256` itself (versions published before `olympiad_title` and
    `time_zone` existed hash without those two keys)."""

    olympiad_id: uuid.UUID
    olympiad_title: str | None = Field(
        None, description="The olympiad's title; null if it was unknown at publication."
    )
    time_zone: str | None = Field(
        None,
        description="The olympiad's IANA time zone (e.g. «Asia/Omsk») the pages show"
        " `published_at` in; null if unknown, and the pages then show UTC.",
    )
    subject_code: str
    subject_name: str
    grade: int
    parallel: int
    stage: Literal["preliminary", "final"]
    stage_label: str
    version: int
    published_at: str = Field(description="ISO 8601 instant, exactly as hashed.")
    note: str | None = Field(
        None, description="Why this version was published (a §120 correction); absent otherwise."
    )
    max_total: str
    quota_places: int
    rows: list[PublicRowRead]
    sha256: str


class ResultIndexEntry(BaseModel):
    subject_code: str
    subject_name: str
    grade: int
    latest: VersionSummary
    versions: list[VersionSummary]
    links: dict[str, str]


class ResultIndex(BaseModel):
    olympiad_id: uuid.UUID
    olympiad_title: str | None = Field(
        None, description="The olympiad's title; null until registration has announced it."
    )
    schedule_url: str | None = Field(
        None,
        description="The olympiad's public page on the portal: the schedule of the analysis of "
        "tasks, the show of works, appeals and public observation (§82–98, §18)",
    )
    tables: list[ResultIndexEntry]


class FinalStatusRead(BaseModel):
    """Where the approval of a final table stands (§117, §121)."""

    olympiad_id: uuid.UUID
    subject_code: str
    grade: int
    submitted: bool = Field(description="The jury chair has submitted the table for approval.")
    submitted_by: str | None
    submitted_at: dt.datetime | None
    appeal_deadline: dt.datetime | None = Field(
        description="When filing appeals ends (§96); null until the appeals service set it."
    )
    undecided_appeals: int = Field(description="Appeals of this grade without a decision.")
    blockers: list[str] = Field(
        description="Why approval would be refused now (Russian), the submission's blockers"
        " first; empty when nothing stands."
    )
    submission_blockers: list[str] = Field(
        description="Why the jury chair's submission would be refused now (Russian): the table"
        " is not built yet, or a tie at the quota boundary waits for the chair's ruling."
    )
    can_approve: bool
    last_round_day: dt.date | None = Field(description="Local date of the subject's last round.")
    approval_due: dt.date | None = Field(description="Last day of §121's 21 calendar days.")
    approval_day: int | None = Field(description="Days since the last round (its day is 0).")
    approval_warning: bool = Field(description="Day 18 to 21 of the term.")
    approval_overdue: bool
    approval_term: str | None = Field(description="The term as the organiser reads it.")
