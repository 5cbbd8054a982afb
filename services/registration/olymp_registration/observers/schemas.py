"""Request and response bodies of public observation (§18–19)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field

from olymp_core.subjects import UnknownSubject, subject
from olymp_registration.observers.domain import Outcome, Procedure
from olymp_registration.observers.domain.watching import CheckInCount
from olymp_registration.observers.handlers import (
    AssignmentView,
    Observation,
    ObserverView,
    PublicSchedule,
    ReportView,
)
from olymp_registration.observers.store import StoredAttachment


def _subject_name(code: str) -> str:
    if not code:
        return ""
    try:
        return subject(code).name
    except UnknownSubject:
        return code


class ObserverCreate(BaseModel):
    """An accreditation as the organiser records it from the documents the observer presents."""

    full_name: str = Field(max_length=300, examples=["Орлова-Ёлкина Мария Ильинична"])
    identity_document: str = Field(
        max_length=300,
        description="Kind, series and number of the identity document",
        examples=["паспорт 5218 654321"],
    )
    certificate_number: str = Field(
        max_length=100, description="Number of the public observer's certificate", examples=["17"]
    )
    certificate_date: dt.date = Field(description="Date the certificate was issued")
    login: str = Field(
        max_length=100,
        description="The login the observer signs in with (portal account or OIDC-mapped): "
        "tokens with this subject act as this observer",
        examples=["nabl-orlova"],
    )


class AssignmentCreate(BaseModel):
    procedure: Procedure = Field(
        description="round: a round at a venue of the olympiad; checking; analysis_and_show; "
        "appeals (§18)"
    )
    date: dt.date
    venue: str = Field(
        max_length=400,
        description="A venue of the olympiad (required for a round), or where checking, the "
        "show or the appeals take place",
    )
    subject_code: str = Field(
        default="", max_length=40, description="Empty: every subject held there that day"
    )


class AssignmentRead(BaseModel):
    assignment_id: uuid.UUID
    observer_id: uuid.UUID
    procedure: Procedure
    procedure_label: str
    date: dt.date
    venue: str
    subject_code: str
    subject_name: str
    report_deadline: dt.datetime = Field(
        description="The last instant a violation report about it is taken (§19: three days)"
    )

    @classmethod
    def of(cls, view: AssignmentView) -> AssignmentRead:
        a = view.assignment
        return cls(
            assignment_id=a.assignment_id,
            observer_id=a.observer_id,
            procedure=a.procedure,
            procedure_label=a.procedure.label,
            date=a.day,
            venue=a.venue,
            subject_code=a.subject_code,
            subject_name=_subject_name(a.subject_code),
            report_deadline=view.report_deadline,
        )


class ObserverRead(BaseModel):
    observer_id: uuid.UUID
    olympiad_id: uuid.UUID
    full_name: str
    identity_document: str
    certificate_number: str
    certificate_date: dt.date
    login: str
    accredited_by: str
    accredited_at: dt.datetime
    assignments: list[AssignmentRead]

    @classmethod
    def of(cls, view: ObserverView) -> ObserverRead:
        o = view.observer
        return cls(
            observer_id=o.observer_id,
            olympiad_id=o.olympiad_id,
            full_name=o.full_name,
            identity_document=o.identity_document,
            certificate_number=o.certificate_number,
            certificate_date=o.certificate_date,
            login=o.login,
            accredited_by=o.accredited_by,
            accredited_at=o.accredited_at,
            assignments=[AssignmentRead.of(a) for a in view.assignments],
        )


class ObserverList(BaseModel):
    observers: list[ObserverRead]


class ObservationRead(BaseModel):
    olympiad_id: uuid.UUID
    olympiad_title: str
    time_zone: str
    observer: ObserverRead

    @classmethod
    def of(cls, found: Observation) -> ObservationRead:
        return cls(
            olympiad_id=found.olympiad_id,
            olympiad_title=found.olympiad_title,
            time_zone=found.time_zone,
            observer=ObserverRead.of(found.observer),
        )


class ObservationList(BaseModel):
    observations: list[ObservationRead]


class ScheduleItemRead(BaseModel):
    date: dt.date
    procedure: Procedure
    procedure_label: str
    venue: str
    subject_code: str
    subject_name: str
    observers: int = Field(description="How many accredited observers attend")


class ObserverScheduleRead(BaseModel):
    """What the olympiad's public page shows: no names, no documents."""

    olympiad_id: uuid.UUID
    title: str
    time_zone: str
    items: list[ScheduleItemRead]

    @classmethod
    def of(cls, schedule: PublicSchedule) -> ObserverScheduleRead:
        return cls(
            olympiad_id=schedule.olympiad_id,
            title=schedule.title,
            time_zone=schedule.time_zone,
            items=[
                ScheduleItemRead(
                    date=item.day,
                    procedure=item.procedure,
                    procedure_label=item.procedure.label,
                    venue=item.venue,
                    subject_code=item.subject_code,
                    subject_name=_subject_name(item.subject_code),
                    observers=item.observers,
                )
                for item in schedule.items
            ],
        )


class ReportCreate(BaseModel):
    assignment_id: uuid.UUID = Field(description="The assignment at which the violation was found")
    text: str = Field(max_length=40_000, description="What happened, where, when, who was there")


class AttachmentRead(BaseModel):
    attachment_id: uuid.UUID
    file_name: str
    content_type: str
    size: int
    sha256: str
    added_at: dt.datetime

    @classmethod
    def of(cls, a: StoredAttachment) -> AttachmentRead:
        return cls(
            attachment_id=a.attachment_id,
            file_name=a.file_name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
            added_at=a.added_at,
        )


class ReportRead(BaseModel):
    report_id: uuid.UUID
    olympiad_id: uuid.UUID
    status: Literal["filed", "decided"]
    observer_id: uuid.UUID
    observer_login: str
    observer_name: str
    assignment: AssignmentRead
    text: str
    filed_at: dt.datetime
    deadline: dt.datetime
    attachments: list[AttachmentRead]
    outcome: Outcome | None
    outcome_label: str | None
    decision: str | None
    decided_by: str | None
    decided_at: dt.datetime | None

    @classmethod
    def of(cls, view: ReportView) -> ReportRead:
        r = view.report
        return cls(
            report_id=r.report_id,
            olympiad_id=r.olympiad_id,
            status="decided" if r.decided else "filed",
            observer_id=r.observer_id,
            observer_login=view.observer.login,
            observer_name=view.observer.full_name,
            assignment=AssignmentRead.of(AssignmentView(view.assignment, r.deadline)),
            text=r.text,
            filed_at=r.filed_at,
            deadline=r.deadline,
            attachments=[AttachmentRead.of(a) for a in view.attachments],
            outcome=r.outcome,
            outcome_label=None if r.outcome is None else r.outcome.label,
            decision=r.decision,
            decided_by=r.decided_by,
            decided_at=r.decided_at,
        )


class ReportList(BaseModel):
    reports: list[ReportRead]


class DecisionCreate(BaseModel):
    outcome: Outcome = Field(description="confirmed: measures taken; not_confirmed")
    decision: str = Field(max_length=20_000, description="What was established and done")


class CheckInCountRead(BaseModel):
    subject_code: str
    subject_name: str
    expected: int = Field(description="Applications at this venue that day, withdrawn left out")
    present: int
    absent: int
    not_marked: int
    removed: int = Field(description="Removed with an act that day (§53)")


class CheckInCountList(BaseModel):
    """Counts only: what an observer watches at check-in, no names."""

    venue: str
    day: dt.date
    subjects: list[CheckInCountRead]

    @classmethod
    def of(cls, venue: str, day: dt.date, found: list[CheckInCount]) -> CheckInCountList:
        return cls(
            venue=venue,
            day=day,
            subjects=[
                CheckInCountRead(
                    subject_code=c.subject_code,
                    subject_name=_subject_name(c.subject_code),
                    expected=c.expected,
                    present=c.present,
                    absent=c.absent,
                    not_marked=c.not_marked,
                    removed=c.removed,
                )
                for c in found
            ],
        )
