"""Violation reports (§19): an observer files one about an assignment of theirs within three
days, with attachments kept in the object store; the organiser reads them and records a decision.
Everything is audited — the texts by their SHA-256 only, since every observer reads the trail."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.storage import ObjectStore
from olymp_registration.observers import store
from olymp_registration.observers.domain import (
    AssignmentNotFound,
    AttachmentNotFound,
    Outcome,
    ReportDecided,
    ReportNotFound,
    ReportWindow,
    attachment_name,
    attachment_type,
    decision_text,
    report_text,
)
from olymp_registration.observers.handlers.accreditation import (
    is_organiser,
    observer_of,
    olympiad_of,
)


@dataclass(frozen=True)
class FileReport:
    olympiad_id: uuid.UUID
    assignment_id: uuid.UUID
    text: str


@dataclass(frozen=True)
class AddAttachment:
    olympiad_id: uuid.UUID
    report_id: uuid.UUID
    file_name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class DecideReport:
    olympiad_id: uuid.UUID
    report_id: uuid.UUID
    outcome: Outcome
    decision: str


@dataclass(frozen=True)
class ReportView:
    """A report with what it is about and who filed it, for the organiser and its author."""

    report: store.StoredReport
    assignment: store.StoredAssignment
    observer: store.StoredObserver
    attachments: tuple[store.StoredAttachment, ...]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def file_report(command: FileReport, uow: UnitOfWork, actor: Principal) -> ReportView:
    """File a report about one's own assignment, from its day until the end of the third day
    after it in the olympiad's zone (§19); ReportTooLate afterwards, with the deadline."""
    olympiad = (await olympiad_of(uow, command.olympiad_id)).olympiad
    observer = await observer_of(uow, command.olympiad_id, actor)
    assignment = await store.get_assignment(uow.session, command.olympiad_id, command.assignment_id)
    if assignment is None or assignment.observer_id != observer.observer_id:
        raise AssignmentNotFound(
            f"Назначение {command.assignment_id} не найдено среди ваших: сообщение подаётся о "
            "мероприятии, на которое вас назначил организатор."
        )
    window = ReportWindow(assignment.day, olympiad.time_zone)
    now = uow.clock.now()
    window.check_open(now)
    text = report_text(command.text)
    report = store.StoredReport(
        report_id=uuid.uuid4(),
        olympiad_id=command.olympiad_id,
        assignment_id=assignment.assignment_id,
        observer_id=observer.observer_id,
        text=text,
        filed_at=now,
        deadline=window.deadline,
        outcome=None,
        decision=None,
        decided_by=None,
        decided_at=None,
    )
    await store.add_report(uow.session, report)
    await uow.audit(
        actor=actor.subject,
        action="violation_report.filed",
        object_type="violation_report",
        object_id=str(report.report_id),
        payload={
            "olympiad_id": command.olympiad_id,
            "assignment_id": assignment.assignment_id,
            "procedure": assignment.procedure,
            "day": assignment.day,
            "venue": assignment.venue,
            "subject_code": assignment.subject_code,
            "text_sha256": _sha256(text),
            "deadline": window.deadline,
        },
    )
    await uow.commit()
    return ReportView(report, assignment, observer, ())


async def add_attachment(
    command: AddAttachment, uow: UnitOfWork, actor: Principal, *, objects: ObjectStore
) -> tuple[store.StoredAttachment, bool]:
    """Attach a file to one's own report while its days last and no decision is recorded.

    The same file again (a retry after a lost answer) is answered with the first: (it, False).
    """
    olympiad = (await olympiad_of(uow, command.olympiad_id)).olympiad
    observer = await observer_of(uow, command.olympiad_id, actor)
    report = await store.get_report(uow.session, command.olympiad_id, command.report_id, lock=True)
    if report is None or report.observer_id != observer.observer_id:
        raise ReportNotFound(f"Сообщение {command.report_id} не найдено среди ваших.")
    if report.decided:
        raise ReportDecided(
            "По этому сообщению организатор уже принял решение: вложения к нему не добавляются."
        )
    assignment = await store.get_assignment(uow.session, command.olympiad_id, report.assignment_id)
    assert assignment is not None  # a foreign key holds it
    ReportWindow(assignment.day, olympiad.time_zone).check_open(
        uow.clock.now(), "Вложение к сообщению"
    )
    digest = hashlib.sha256(command.data).hexdigest()
    existing = (await store.attachments_of(uow.session, [report.report_id]))[report.report_id]
    for attached in existing:
        if attached.sha256 == digest:
            return attached, False
    name = attachment_name(
        command.file_name, command.content_type, len(command.data), len(existing)
    )
    attachment_id = uuid.uuid4()
    key = store.report_object_key(command.olympiad_id, report.report_id, attachment_id)
    kind = attachment_type(command.content_type)
    # stored before the row commits: a failed commit leaves an object nobody lists, never a row
    # without its file
    await objects.put(key, command.data, content_type=kind)
    attachment = store.StoredAttachment(
        attachment_id=attachment_id,
        report_id=report.report_id,
        position=len(existing),  # the report's row is locked: no other file takes this place
        file_name=name,
        content_type=kind,
        size=len(command.data),
        sha256=digest,
        object_key=key,
        added_at=uow.clock.now(),
    )
    await store.add_attachment(uow.session, attachment)
    await uow.audit(
        actor=actor.subject,
        action="violation_report.attachment_added",
        object_type="violation_report",
        object_id=str(report.report_id),
        payload={
            "attachment_id": attachment_id,
            "content_type": kind,
            "size": attachment.size,
            "sha256": digest,
        },
    )
    await uow.commit()
    return attachment, True


async def _views(uow: UnitOfWork, reports: list[store.StoredReport]) -> list[ReportView]:
    if not reports:
        return []
    olympiad_id = reports[0].olympiad_id
    observers = {o.observer_id: o for o in await store.list_observers(uow.session, olympiad_id)}
    assignments = {a.assignment_id: a for a in await store.assignments_of(uow.session, olympiad_id)}
    attachments = await store.attachments_of(uow.session, [r.report_id for r in reports])
    return [
        ReportView(
            r,
            assignments[r.assignment_id],
            observers[r.observer_id],
            tuple(attachments[r.report_id]),
        )
        for r in reports
    ]


async def list_reports(
    olympiad_id: uuid.UUID, uow: UnitOfWork, actor: Principal
) -> list[ReportView]:
    """Every report of the olympiad for the organiser; an observer's own for an observer."""
    await olympiad_of(uow, olympiad_id)
    if is_organiser(actor):
        reports = await store.list_reports(uow.session, olympiad_id)
    else:
        observer = await observer_of(uow, olympiad_id, actor)
        reports = await store.list_reports(uow.session, olympiad_id, observer.observer_id)
    return await _views(uow, reports)


async def _visible_report(
    uow: UnitOfWork, olympiad_id: uuid.UUID, report_id: uuid.UUID, actor: Principal
) -> store.StoredReport:
    report = await store.get_report(uow.session, olympiad_id, report_id)
    if report is not None and not is_organiser(actor):
        observer = await observer_of(uow, olympiad_id, actor)
        if report.observer_id != observer.observer_id:
            report = None  # another observer's report: as if there were none
    if report is None:
        raise ReportNotFound(f"Сообщение о нарушении {report_id} не найдено.")
    return report


async def get_report(
    olympiad_id: uuid.UUID, report_id: uuid.UUID, uow: UnitOfWork, actor: Principal
) -> ReportView:
    report = await _visible_report(uow, olympiad_id, report_id, actor)
    return (await _views(uow, [report]))[0]


async def open_attachment(
    olympiad_id: uuid.UUID,
    report_id: uuid.UUID,
    attachment_id: uuid.UUID,
    uow: UnitOfWork,
    actor: Principal,
    *,
    objects: ObjectStore,
) -> tuple[store.StoredAttachment, AsyncIterator[bytes]]:
    """An attachment's bytes for the organiser or the report's author; each reading audited."""
    report = await _visible_report(uow, olympiad_id, report_id, actor)
    attachments = (await store.attachments_of(uow.session, [report.report_id]))[report.report_id]
    attachment = next((a for a in attachments if a.attachment_id == attachment_id), None)
    if attachment is None:
        raise AttachmentNotFound(f"Вложение {attachment_id} не найдено в этом сообщении.")
    await uow.audit(
        actor=actor.subject,
        action="violation_report.attachment_read",
        object_type="violation_report",
        object_id=str(report.report_id),
        payload={"attachment_id": attachment_id},
    )
    await uow.commit()
    return attachment, objects.stream(attachment.object_key)


async def decide_report(command: DecideReport, uow: UnitOfWork, actor: Principal) -> ReportView:
    """The organiser's decision on a report (§19), recorded once."""
    await olympiad_of(uow, command.olympiad_id)
    report = await store.get_report(uow.session, command.olympiad_id, command.report_id, lock=True)
    if report is None:
        raise ReportNotFound(f"Сообщение о нарушении {command.report_id} не найдено.")
    decision = decision_text(command.decision, decided=report.decided)
    now = uow.clock.now()
    await store.record_decision(
        uow.session,
        report.report_id,
        outcome=command.outcome,
        decision=decision,
        decided_by=actor.subject,
        decided_at=now,
    )
    await uow.audit(
        actor=actor.subject,
        action="violation_report.decided",
        object_type="violation_report",
        object_id=str(report.report_id),
        payload={"outcome": command.outcome, "decision_sha256": _sha256(decision)},
    )
    await uow.commit()
    decided = await store.get_report(uow.session, command.olympiad_id, command.report_id)
    assert decided is not None
    return (await _views(uow, [decided]))[0]
