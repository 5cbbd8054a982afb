"""HTTP models of the registration service."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, WithJsonSchema, model_validator

from olymp_core.subjects import subject
from olymp_registration.domain import (
    Attendance,
    AwardStatus,
    EducationForm,
    EligibilityRules,
    EndWarnings,
    IdentityDocument,
    Olympiad,
    PreviousAwardee,
    Room,
    Signatory,
    SignatoryRole,
    SubjectSchedule,
    Venue,
)
from olymp_registration.domain.eligibility import MAX_AWARDEES
from olymp_registration.handlers import scheduled_subjects
from olymp_registration.store import StoredOlympiad, StoredParticipant

# A local wall-clock time without an offset (the olympiad's zone gives it one). JSON Schema's
# "time" format requires an offset, so the document states the shape actually read and written.
WallClock = Annotated[
    dt.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "Local wall-clock time, HH:MM or HH:MM:SS",
        }
    ),
]


class SubjectSlotCreate(BaseModel):
    subject_code: str = Field(examples=["math"])
    day: dt.date = Field(examples=["2025-11-18"])
    round_start: WallClock = Field(description="Local wall-clock time", examples=["10:00"])
    round_end: WallClock = Field(description="Local wall-clock time", examples=["14:00"])

    def to_domain(self) -> SubjectSchedule:
        return SubjectSchedule.single_round(
            self.subject_code, self.day, self.round_start, self.round_end
        )


class RoomModel(BaseModel):
    name: str
    capacity: int
    rows: int | None = Field(
        default=None,
        description="Desk layout: rows (ряды) from the left as the participants face the board;"
        " with desks_per_row, required for seating, and their product must be the capacity",
        examples=[5],
    )
    desks_per_row: int | None = Field(
        default=None, description="Desk layout: desks (парты) in each row", examples=[5]
    )

    def to_domain(self) -> Room:
        return Room(self.name, self.capacity, self.rows, self.desks_per_row)

    @classmethod
    def of(cls, room: Room) -> RoomModel:
        return cls(
            name=room.name,
            capacity=room.capacity,
            rows=room.rows,
            desks_per_row=room.desks_per_row,
        )


class VenueCreate(BaseModel):
    name: str
    address: str = ""
    rooms: list[RoomModel] = Field(default_factory=list)

    def to_domain(self) -> Venue:
        return Venue(self.name, tuple(r.to_domain() for r in self.rooms), self.address)


class VenueUpdate(BaseModel):
    address: str = ""
    rooms: list[RoomModel] = Field(default_factory=list)


class OlympiadCreate(BaseModel):
    title: str = Field(examples=["Муниципальный этап ВсОШ, Усть-Ишимский район"])
    school_year: str = Field(examples=["2025/2026"])
    time_zone: str = Field(description="IANA time zone", examples=["Asia/Omsk"])
    subjects: list[SubjectSlotCreate] = Field(default_factory=list)
    venues: list[VenueCreate] = Field(default_factory=list)
    municipality_id: str | None = Field(
        default=None,
        description="Whose olympiad it is (§4). Absent: the one municipality the organiser's"
        " token is scoped to, else the installation's OLYMP_REGISTRATION_MUNICIPALITY_ID",
        examples=["ust-ishim"],
    )
    olympiad_id: uuid.UUID | None = Field(
        default=None,
        description="The region's id of this olympiad, as the regional hub names it: a municipal"
        " mirror receives the materials under that id, so the municipality's olympiad must carry"
        " it to find them. Absent: a new id (an installation without a hub). 409 if it exists.",
    )


class RoundRead(BaseModel):
    round_code: str
    day: dt.date
    start: WallClock
    end: WallClock
    starts_at: dt.datetime
    ends_at: dt.datetime
    end_warnings: EndWarnings = Field(
        description="When the room is told the time left: «30-5» minutes before the end (§44)"
        " or «15-5» (§133)"
    )
    warning_minutes: list[int] = Field(description="The same, as minutes before the end")


class SubjectRead(BaseModel):
    subject_code: str
    subject_name: str
    day: dt.date
    round_start: WallClock
    round_end: WallClock
    round_starts_at: dt.datetime
    round_ends_at: dt.datetime
    rounds: list[RoundRead] = Field(description="Every round of the subject, the first first")


class EndWarningsUpdate(BaseModel):
    end_warnings: EndWarnings = Field(examples=["15-5"])


class VenueRead(BaseModel):
    name: str
    address: str
    capacity: int
    rooms: list[RoomModel]

    @classmethod
    def of(cls, venue: Venue) -> VenueRead:
        return cls(
            name=venue.name,
            address=venue.address,
            capacity=venue.capacity,
            rooms=[RoomModel.of(r) for r in venue.rooms],
        )


class OlympiadRead(BaseModel):
    olympiad_id: uuid.UUID
    title: str
    school_year: str
    time_zone: str
    created_at: dt.datetime
    municipality_id: str | None = Field(description="Whose olympiad it is; null: no municipality")
    subjects: list[SubjectRead]
    venues: list[VenueRead]

    @classmethod
    def of(cls, stored: StoredOlympiad) -> OlympiadRead:
        olympiad = stored.olympiad
        subjects = []
        for scheduled in scheduled_subjects(olympiad):
            slot = min(
                olympiad.schedule_of(scheduled.subject_code).rounds,
                key=lambda s: (s.day, s.starts_at),
            )
            subjects.append(
                SubjectRead(
                    subject_code=scheduled.subject_code,
                    subject_name=subject(scheduled.subject_code).name,
                    day=scheduled.day,
                    round_start=slot.starts_at,
                    round_end=slot.ends_at,
                    round_starts_at=scheduled.round_starts_at,
                    round_ends_at=scheduled.round_ends_at,
                    rounds=_rounds(olympiad, scheduled.subject_code),
                )
            )
        return cls(
            olympiad_id=stored.olympiad_id,
            title=olympiad.title,
            school_year=olympiad.school_year,
            time_zone=olympiad.time_zone,
            created_at=stored.created_at,
            municipality_id=stored.municipality_id,
            subjects=subjects,
            venues=[VenueRead.of(v) for v in olympiad.venues],
        )


def _rounds(olympiad: Olympiad, subject_code: str) -> list[RoundRead]:
    found = []
    slots = olympiad.schedule_of(subject_code).rounds
    for slot in sorted(slots, key=lambda s: (s.day, s.starts_at)):
        starts_at, ends_at = olympiad.round_instants(subject_code, slot.round_code)
        found.append(
            RoundRead(
                round_code=slot.round_code,
                day=slot.day,
                start=slot.starts_at,
                end=slot.ends_at,
                starts_at=starts_at,
                ends_at=ends_at,
                end_warnings=slot.end_warnings,
                warning_minutes=list(slot.end_warnings.minutes),
            )
        )
    return found


class DayMarkRead(BaseModel):
    day: dt.date
    attendance: Attendance
    marked_at: dt.datetime
    documents: list[IdentityDocument] = Field(
        default=[], description="The identity documents shown at the entrance (§36)"
    )


class SignatoryModel(BaseModel):
    role: SignatoryRole = Field(
        description="organiser_in_room: an organiser in the room; orgcommittee: a member of the"
        " organising committee (its representative at the venue)"
    )
    name: str = Field(min_length=1, max_length=200, examples=["Ёлкина-Соловьёва А. П."])

    def to_domain(self) -> Signatory:
        return Signatory(self.role, self.name)


class RemovalRead(BaseModel):
    day: dt.date
    reason: str
    removed_at: dt.datetime
    removed_by: str
    act_number: int | None = Field(
        default=None, description="The act's number in the olympiad (§53, App. 14)"
    )
    venue: str | None = None
    room: str | None = None
    signatories: list[SignatoryModel] = []


class WithdrawalRead(BaseModel):
    reason: str
    withdrawn_at: dt.datetime
    withdrawn_by: str


class ParticipantRead(BaseModel):
    participant_id: uuid.UUID
    subject_code: str
    surname: str
    name: str
    patronymic: str
    grade: int
    task_grade: int
    school: str
    eligibility: str
    consent_to_publish: bool
    special_conditions: str
    school_stage_score: Decimal | None = Field(
        default=None,
        description="Points at this year's school stage (§10), as the application gave",
    )
    education_form: EducationForm = Field(
        default=EducationForm.SCHOOL,
        description="§9: school, or family education or self-education (then `school` may name"
        " the form itself)",
    )
    venue: str | None = Field(
        default=None, description="The venue the application assigns the participant to, if any"
    )
    birth_date: dt.date | None = Field(
        default=None,
        description="From the application, when given: decides the identity document (§36)",
    )
    marks: list[DayMarkRead]
    removal: RemovalRead | None
    withdrawal: WithdrawalRead | None = Field(
        default=None, description="The application was withdrawn before the round"
    )

    @classmethod
    def of(cls, stored: StoredParticipant) -> ParticipantRead:
        p = stored.participant
        removal = stored.removal
        withdrawal = stored.withdrawal
        return cls(
            participant_id=stored.participant_id,
            subject_code=p.subject_code,
            surname=p.surname,
            name=p.name,
            patronymic=p.patronymic,
            grade=p.grade,
            task_grade=p.task_grade,
            school=p.school,
            eligibility=p.eligibility.value,
            consent_to_publish=p.consent_to_publish,
            special_conditions=p.special_conditions,
            school_stage_score=p.school_stage_score,
            education_form=p.education_form,
            venue=stored.assigned_venue,
            birth_date=p.birth_date,
            marks=[
                DayMarkRead(
                    day=m.day,
                    attendance=m.attendance,
                    marked_at=m.marked_at,
                    documents=sorted(m.documents),
                )
                for m in stored.marks
            ],
            removal=None
            if removal is None
            else RemovalRead(
                day=removal.day,
                reason=removal.reason,
                removed_at=removal.removed_at,
                removed_by=removal.removed_by,
                act_number=removal.act_number,
                venue=removal.venue,
                room=removal.room,
                signatories=[SignatoryModel(role=s.role, name=s.name) for s in removal.signatories],
            ),
            withdrawal=None
            if withdrawal is None
            else WithdrawalRead(
                reason=withdrawal.reason,
                withdrawn_at=withdrawal.withdrawn_at,
                withdrawn_by=withdrawal.withdrawn_by,
            ),
        )


class ParticipantList(BaseModel):
    count: int
    participants: list[ParticipantRead]


class ImportResult(BaseModel):
    imported: int
    participants: list[ParticipantRead]


class CheckInEntryModel(BaseModel):
    participant_id: uuid.UUID
    present: bool
    documents: list[IdentityDocument] | None = Field(
        default=None,
        description="The identity documents shown (§36): a passport; under 14 on the round's day"
        " a birth certificate and a school certificate with a photo. Checked against the date"
        " of birth; when the application gave none, either set is accepted. Omitted (older"
        " clients): taken, but recorded as «документ не отмечен», named in the audit trail and"
        " counted in the venue's works count (`present_without_documents`).",
        examples=[["passport"], ["birth_certificate", "school_certificate"]],
    )


class CheckInCreate(BaseModel):
    entries: list[CheckInEntryModel] = Field(min_length=1)
    day: dt.date | None = Field(
        default=None, description="Round day; by default today in the olympiad's time zone"
    )
    venue: str | None = Field(
        default=None,
        description="The venue's name as in the olympiad; required of a token limited to venues",
        examples=['МБОУ "Усть-Ишимская СОШ № 1"'],
    )


class CheckInRead(BaseModel):
    present: int
    absent: int


class RemovalCreate(BaseModel):
    reason: str = Field(examples=["Использовал мобильный телефон во время тура"])
    day: dt.date | None = Field(
        default=None, description="Round day; by default today in the olympiad's time zone"
    )
    room: str | None = Field(
        default=None,
        max_length=200,
        description="The room the participant is removed from; by default the room of their desk",
    )
    signatories: list[SignatoryModel] = Field(
        default=[],
        max_length=10,
        description="Who signs the act (§53): the organisers in the room and the orgcommittee's"
        " members; those left out sign on blank lines of the printed act",
    )


class WithdrawalCreate(BaseModel):
    reason: str = Field(
        min_length=1, max_length=1000, examples=["Заявление родителей (законных представителей)"]
    )


class OlympiadList(BaseModel):
    olympiads: list[OlympiadRead]


class ThresholdModel(BaseModel):
    grade: int = Field(description="The grade whose tasks the participant does (§11)")
    min_score: Decimal = Field(
        description="The least school-stage score that admits (§10)", examples=["20", "17.5"]
    )


class ThresholdsUpdate(BaseModel):
    thresholds: list[ThresholdModel] = Field(max_length=5)

    @model_validator(mode="after")
    def _one_per_grade(self) -> ThresholdsUpdate:
        grades = [t.grade for t in self.thresholds]
        if len(set(grades)) != len(grades):
            raise ValueError("each grade once")
        return self


class PreviousAwardeeModel(BaseModel):
    surname: str
    name: str
    patronymic: str = ""
    grade: int = Field(description="The grade they were in last year, when they won")
    school: str = ""
    status: AwardStatus

    def to_domain(self) -> PreviousAwardee:
        return PreviousAwardee(
            self.surname, self.name, self.patronymic, self.grade, self.school, self.status
        )


class PreviousAwardeesUpdate(BaseModel):
    awardees: list[PreviousAwardeeModel] = Field(max_length=MAX_AWARDEES)


class EligibilityRead(BaseModel):
    subject_code: str
    subject_name: str
    thresholds: list[ThresholdModel]
    previous_awardees: list[PreviousAwardeeModel]

    @classmethod
    def of(cls, subject_code: str, rules: EligibilityRules) -> EligibilityRead:
        return cls(
            subject_code=subject_code,
            subject_name=subject(subject_code).name,
            thresholds=[
                ThresholdModel(grade=grade, min_score=score)
                for (code, grade), score in sorted(rules.thresholds.items())
                if code == subject_code
            ],
            previous_awardees=[
                PreviousAwardeeModel(
                    surname=a.surname,
                    name=a.name,
                    patronymic=a.patronymic,
                    grade=a.grade,
                    school=a.school,
                    status=a.status,
                )
                for a in rules.awardees.get(subject_code, ())
            ],
        )
