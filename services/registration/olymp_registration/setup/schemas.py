"""HTTP models of the set-up: rounds with their briefing, and the commissions' rosters."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from olymp_core.subjects import subject
from olymp_registration.schemas import WallClock
from olymp_registration.setup.domain import (
    NAME_MAX_LENGTH,
    SCHOOL_MAX_LENGTH,
    Commission,
    Conflict,
    ConflictKind,
    FlaggedConflict,
    Member,
    Position,
    Roster,
    Seat,
    round_kind,
)
from olymp_registration.setup.handlers import Schedule


class RoundUpdate(BaseModel):
    day: dt.date = Field(examples=["2025-11-19"])
    start: WallClock = Field(description="Local time in the olympiad's zone", examples=["10:30"])
    end: WallClock = Field(examples=["13:30"])
    briefing: WallClock | None = Field(
        default=None,
        description="The briefing before the round (§32), local time; the round's time excludes it",
        examples=["10:00"],
    )


class RoundSetupRead(BaseModel):
    round_code: str
    round_name: str
    kind: str = Field(description="written, or oral for the oral round of German and French")
    coded: bool = Field(description="Whether the works are coded before checking (§60)")
    day: dt.date
    start: WallClock
    end: WallClock
    briefing: WallClock | None
    end_warnings: str


class RoundOption(BaseModel):
    round_code: str
    round_name: str
    kind: str


class SubjectSetupRead(BaseModel):
    subject_code: str
    subject_name: str
    rounds: list[RoundSetupRead]
    missing_rounds: list[RoundOption] = Field(
        description="Rounds the subject has that are not scheduled yet (the oral round, §60)"
    )


class ScheduleRead(BaseModel):
    olympiad_id: uuid.UUID
    title: str
    school_year: str
    time_zone: str
    subjects: list[SubjectSetupRead]

    @classmethod
    def of(cls, found: Schedule) -> ScheduleRead:
        olympiad = found.olympiad
        subjects = []
        for schedule in olympiad.subjects:
            known = subject(schedule.subject_code)
            scheduled = {slot.round_code for slot in schedule.rounds}
            rounds = [
                RoundSetupRead(
                    round_code=slot.round_code,
                    round_name=known.round(slot.round_code).name,
                    kind=round_kind(slot.round_code),
                    coded=known.round(slot.round_code).coded,
                    day=slot.day,
                    start=slot.starts_at,
                    end=slot.ends_at,
                    briefing=found.briefings.get((known.code, slot.round_code)),
                    end_warnings=slot.end_warnings.value,
                )
                for slot in sorted(schedule.rounds, key=lambda s: (s.day, s.starts_at))
            ]
            missing = [
                RoundOption(round_code=r.code, round_name=r.name, kind=round_kind(r.code))
                for r in known.rounds
                if r.code not in scheduled
            ]
            subjects.append(
                SubjectSetupRead(
                    subject_code=known.code,
                    subject_name=known.name,
                    rounds=rounds,
                    missing_rounds=missing,
                )
            )
        return cls(
            olympiad_id=found.olympiad_id,
            title=olympiad.title,
            school_year=olympiad.school_year,
            time_zone=olympiad.time_zone,
            subjects=subjects,
        )


class ConflictWrite(BaseModel):
    kind: ConflictKind
    school: str = Field(max_length=SCHOOL_MAX_LENGTH, examples=['МБОУ "Ложниковская СОШ"'])
    note: str = Field(default="", max_length=200, examples=["дочь, 8 класс"])


class MemberWrite(BaseModel):
    commission: Commission
    subject_code: str | None = Field(default=None, description="Null for the orgcommittee")
    position: Position = Position.MEMBER
    surname: str = Field(max_length=NAME_MAX_LENGTH, examples=["Ёлкина-Сафронова"])
    name: str = Field(max_length=NAME_MAX_LENGTH, examples=["Алёна"])
    patronymic: str = Field(default="", max_length=NAME_MAX_LENGTH, examples=["Петровна"])
    login: str = Field(
        default="",
        max_length=200,
        description="The portal login the person acts under (the token's subject), if any",
    )
    conflicts: list[ConflictWrite] = Field(
        default_factory=list,
        description="Schools where the person works or where a relative studies (seed 000, §2)",
    )

    def to_domain(self) -> Member:
        return Member(
            commission=self.commission,
            subject_code=self.subject_code,
            position=self.position,
            surname=self.surname,
            name=self.name,
            patronymic=self.patronymic,
            login=self.login,
            conflicts=tuple(Conflict(c.kind, c.school, c.note) for c in self.conflicts),
        )


class ConflictRead(BaseModel):
    kind: ConflictKind
    kind_label: str
    school: str
    note: str


class MemberRead(BaseModel):
    member_id: uuid.UUID
    commission: Commission
    subject_code: str | None
    position: Position
    position_label: str
    surname: str
    name: str
    patronymic: str
    full_name: str
    login: str
    conflicts: list[ConflictRead]
    flagged: list[str] = Field(
        description="Declared schools from which participants of the subject are registered"
    )

    @classmethod
    def of(cls, seat: Seat, flags: tuple[FlaggedConflict, ...] = ()) -> MemberRead:
        member = seat.member
        return cls(
            member_id=seat.member_id,
            commission=member.commission,
            subject_code=member.subject_code,
            position=member.position,
            position_label=member.position.label,
            surname=member.surname,
            name=member.name,
            patronymic=member.patronymic,
            full_name=member.full_name,
            login=member.login,
            conflicts=[
                ConflictRead(kind=c.kind, kind_label=c.kind.label, school=c.school, note=c.note)
                for c in member.conflicts
            ],
            flagged=[flag.text for flag in flags],
        )


class RosterRead(BaseModel):
    commission: Commission
    commission_label: str
    subject_code: str | None
    subject_name: str | None
    members: list[MemberRead]
    complete: bool
    warnings: list[str] = Field(description="What the composition lacks (§21, §102)")
    advice: list[str] = Field(description="Recommendations that do not make it incomplete")

    @classmethod
    def of(cls, roster: Roster) -> RosterRead:
        code = roster.subject_code
        return cls(
            commission=roster.commission,
            commission_label=roster.commission.label,
            subject_code=code,
            subject_name=None if code is None else subject(code).name,
            members=[MemberRead.of(s, roster.flags.get(s.member_id, ())) for s in roster.seats],
            complete=roster.complete,
            warnings=list(roster.warnings),
            advice=list(roster.advice),
        )


class RosterList(BaseModel):
    rosters: list[RosterRead]
