"""HTTP model of the objectivity monitoring (seed 000 §2.9, §2.10). Shares are percentages to a
tenth and points are decimal text («37.5»), as publishing writes numbers; null where there is
nothing to divide."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field


class TableRead(BaseModel):
    subject_code: str
    subject_name: str
    grade: int
    version: int = Field(description="The latest published version, the one the report reads")
    stage: str = Field(description="preliminary or final")
    published_at: dt.datetime
    max_total: str
    ranked: int
    annulled: int


class BandRead(BaseModel):
    band: str = Field(description="A share of the maximum: до 25 %, 25–50 %, 50–75 %, 75 % и выше")
    works: int
    percent: str | None = Field(description="Of the group's ranked works")


class AnnulledRead(BaseModel):
    total: int
    percent: str | None = Field(description="Of all the group's works")
    removed: int = Field(description="Removal with an act (§53)")
    removed_percent: str | None
    identifying_marks: int = Field(description="Marks that identify the participant (§47, 52, 68)")
    violation: int = Field(description="A violation found before approval (§119)")
    other: int = Field(description="Any other reason scoring gave")


class GroupRead(BaseModel):
    """A school's, a venue's or the municipality's works."""

    name: str
    works: int = Field(description="Every work, the annulled ones included")
    ranked: int
    bands: list[BandRead]
    mean_percent: str | None = Field(description="The mean total, % of each table's maximum")
    top: int = Field(description="Ranked works with at least `top_share` of the maximum")
    top_percent: str | None
    winners: int
    prize_winners: int
    awarded_percent: str | None = Field(description="Winners and prize-winners, % of ranked")
    annulled: AnnulledRead
    flagged: bool = Field(description="Marked by `rule`; never for the municipality")
    flags: list[str] = Field(description="Why it is marked (Russian), one line per criterion")


class MarkerRead(BaseModel):
    code: str = Field(description="«Эксперт N»: stable for the olympiad, no name or login")
    tables: list[str] = Field(description="«subject_code/grade» of the tables the member marked")
    marks: int = Field(description="Task marks given, every round")
    paired: int = Field(description="Tasks marked in the first two rounds with both marks there")
    differing: int
    differing_percent: str | None
    third_called: int = Field(description="Of the paired, sent to a third member (§73)")
    third_percent: str | None
    as_third: int = Field(description="Tasks the member marked as the third member")
    deviation: str | None = Field(
        description="Mean |member's points − the task's score by the checking|, points"
    )
    raised: int = Field(description="Tasks marked whose final score is above the checked one")
    lowered: int
    flagged: bool
    flags: list[str]


class MarkersRead(BaseModel):
    paired: int = Field(description="Tasks marked by two first members, all tables")
    third_called: int
    missing: list[str] = Field(
        description="A line per table whose checking protocol scoring did not give (why)"
    )
    experts: list[MarkerRead]


class VenueVideoRead(BaseModel):
    venue: str
    subjects: int
    rounds: int
    findings: dict[str, int] = Field(
        description="Registration's finding kind (room_not_recorded, starts_late, ends_early,"
        " gap, late_handover, recorder_clock_mismatch, other) → how many"
    )
    messages: list[str] = Field(description="Each finding as registration words it")


class VideoRead(BaseModel):
    available: bool = Field(description="False: no coverage report was had (see `missing`)")
    missing: list[str]
    venues: list[VenueVideoRead]


class RoundRead(BaseModel):
    subject_code: str
    date: dt.date


class PlaceObservationRead(BaseModel):
    place: str = Field(description="A venue where works were written, or where a report was made")
    rounds: int | None = Field(description="Rounds held there; null when not known")
    observed: int | None = Field(description="Of them, with an observer on the public schedule")
    unobserved: list[RoundRead]
    reports: int | None = Field(description="Observers' violation reports; null when not had")
    confirmed: int
    not_confirmed: int
    undecided: int


class ObservationRead(BaseModel):
    """Public observation (§18–19) from registration: counts only, no names, no report texts."""

    missing: list[str] = Field(
        description="What of registration's round days, schedule and reports was not had (why)"
    )
    places: list[PlaceObservationRead]


class MissingDataRead(BaseModel):
    what: str
    state: str = Field(description="Always «нет данных в системе»")
    source: str = Field(description="Where the data would come from")


class RuleRead(BaseModel):
    top_share: str = Field(description="A high result: at least this share of the maximum")
    ratio: str = Field(description="Marked at this many times the municipality's share or more")
    min_works: int = Field(description="…with at least this many ranked works (tasks, for experts)")
    min_count: int = Field(description="…and at least this many high (awarded, sent) ones")
    text: str = Field(description="The rule as the report states it (Russian)")


class ObjectivityRead(BaseModel):
    """The objectivity monitoring of an olympiad (seed 000 §1.3, §2.9, §2.10)."""

    olympiad_id: uuid.UUID
    olympiad_title: str | None
    generated_at: dt.datetime
    rule: RuleRead
    tables: list[TableRead]
    municipality: GroupRead
    schools: list[GroupRead]
    venues: list[GroupRead] | None = Field(
        description="null when registration did not say who wrote where (`venues_missing`)"
    )
    venues_missing: str | None
    markers: MarkersRead
    observation: ObservationRead
    video: VideoRead
    not_in_system: list[MissingDataRead]
