"""Tables and repository functions of public observation: accredited observers, their
assignments, violation reports and their attachments (the files themselves are in the object
store, under `report_object_key`)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_registration.observers.domain import Outcome, Procedure
from olymp_registration.store import metadata

observers = sa.Table(
    "observers",
    metadata,
    sa.Column("observer_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "olympiad_id", UUID(as_uuid=True), sa.ForeignKey("olympiads.olympiad_id"), nullable=False
    ),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("identity_document", sa.Text, nullable=False),
    sa.Column("certificate_number", sa.Text, nullable=False),
    sa.Column("certificate_date", sa.Date, nullable=False),
    sa.Column("login", sa.Text, nullable=False),
    sa.Column("accredited_by", sa.Text, nullable=False),
    sa.Column("accredited_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("olympiad_id", "login", name="observers_one_login"),
    sa.UniqueConstraint("olympiad_id", "certificate_number", name="observers_one_certificate"),
    sa.Index("observers_by_login", "login"),
)

observer_assignments = sa.Table(
    "observer_assignments",
    metadata,
    sa.Column("assignment_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "observer_id", UUID(as_uuid=True), sa.ForeignKey("observers.observer_id"), nullable=False
    ),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("procedure", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("venue", sa.Text, nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),  # empty: every subject held there that day
    sa.Column("assigned_by", sa.Text, nullable=False),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint(
        "observer_id", "procedure", "day", "venue", "subject_code", name="observer_assignments_once"
    ),
    sa.Index("observer_assignments_by_olympiad", "olympiad_id", "day"),
)

violation_reports = sa.Table(
    "violation_reports",
    metadata,
    sa.Column("report_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column(
        "assignment_id",
        UUID(as_uuid=True),
        sa.ForeignKey("observer_assignments.assignment_id"),
        nullable=False,
    ),
    sa.Column(
        "observer_id", UUID(as_uuid=True), sa.ForeignKey("observers.observer_id"), nullable=False
    ),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
    sa.Column("outcome", sa.Text),
    sa.Column("decision", sa.Text),
    sa.Column("decided_by", sa.Text),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Index("violation_reports_by_olympiad", "olympiad_id", "filed_at"),
)

violation_report_attachments = sa.Table(
    "violation_report_attachments",
    metadata,
    sa.Column("attachment_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "report_id",
        UUID(as_uuid=True),
        sa.ForeignKey("violation_reports.report_id"),
        nullable=False,
    ),
    sa.Column("position", sa.SmallInteger, nullable=False),  # 0, 1, ... in the order added
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("content_type", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("object_key", sa.Text, nullable=False),
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("report_id", "position", name="violation_report_attachments_in_order"),
)


@dataclass(frozen=True)
class StoredObserver:
    observer_id: uuid.UUID
    olympiad_id: uuid.UUID
    full_name: str
    identity_document: str
    certificate_number: str
    certificate_date: dt.date
    login: str
    accredited_by: str
    accredited_at: dt.datetime


@dataclass(frozen=True)
class StoredAssignment:
    assignment_id: uuid.UUID
    observer_id: uuid.UUID
    olympiad_id: uuid.UUID
    procedure: Procedure
    day: dt.date
    venue: str
    subject_code: str
    assigned_by: str
    assigned_at: dt.datetime


@dataclass(frozen=True)
class StoredAttachment:
    attachment_id: uuid.UUID
    report_id: uuid.UUID
    position: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    object_key: str
    added_at: dt.datetime


@dataclass(frozen=True)
class StoredReport:
    report_id: uuid.UUID
    olympiad_id: uuid.UUID
    assignment_id: uuid.UUID
    observer_id: uuid.UUID
    text: str
    filed_at: dt.datetime
    deadline: dt.datetime
    outcome: Outcome | None
    decision: str | None
    decided_by: str | None
    decided_at: dt.datetime | None

    @property
    def decided(self) -> bool:
        return self.outcome is not None


def report_object_key(
    olympiad_id: uuid.UUID, report_id: uuid.UUID, attachment_id: uuid.UUID
) -> str:
    return f"observers/{olympiad_id}/reports/{report_id}/{attachment_id}"


def _observer(row: sa.Row[tuple[object, ...]]) -> StoredObserver:
    m = row._mapping
    return StoredObserver(**{f: m[f] for f in StoredObserver.__dataclass_fields__})


def _assignment(row: sa.Row[tuple[object, ...]]) -> StoredAssignment:
    m = row._mapping
    fields = {f: m[f] for f in StoredAssignment.__dataclass_fields__ if f != "procedure"}
    return StoredAssignment(procedure=Procedure(m["procedure"]), **fields)


def _report(row: sa.Row[tuple[object, ...]]) -> StoredReport:
    m = row._mapping
    fields = {f: m[f] for f in StoredReport.__dataclass_fields__ if f != "outcome"}
    outcome = None if m["outcome"] is None else Outcome(m["outcome"])
    return StoredReport(outcome=outcome, **fields)


def _attachment(row: sa.Row[tuple[object, ...]]) -> StoredAttachment:
    m = row._mapping
    return StoredAttachment(**{f: m[f] for f in StoredAttachment.__dataclass_fields__})


# --- observers and assignments ---------------------------------------------------------------


async def add_observer(session: AsyncSession, observer: StoredObserver) -> None:
    await session.execute(sa.insert(observers).values(**observer.__dict__))


async def observer_by(
    session: AsyncSession, olympiad_id: uuid.UUID, *, login: str, certificate: str | None = None
) -> StoredObserver | None:
    """The olympiad's observer with this login (or, when given, this certificate number)."""
    same = observers.c.login == login
    if certificate is not None:
        same = sa.or_(same, observers.c.certificate_number == certificate)
    row = (
        await session.execute(
            sa.select(observers)
            .where(observers.c.olympiad_id == olympiad_id, same)
            .order_by(observers.c.login != login)  # the login's own record first
        )
    ).first()
    return None if row is None else _observer(row)


async def get_observer(
    session: AsyncSession, olympiad_id: uuid.UUID, observer_id: uuid.UUID
) -> StoredObserver | None:
    row = (
        await session.execute(
            sa.select(observers).where(
                observers.c.olympiad_id == olympiad_id, observers.c.observer_id == observer_id
            )
        )
    ).one_or_none()
    return None if row is None else _observer(row)


async def list_observers(session: AsyncSession, olympiad_id: uuid.UUID) -> list[StoredObserver]:
    rows = await session.execute(
        sa.select(observers)
        .where(observers.c.olympiad_id == olympiad_id)
        .order_by(observers.c.full_name, observers.c.certificate_number)
    )
    return [_observer(row) for row in rows]


async def accreditations_of(session: AsyncSession, login: str) -> list[StoredObserver]:
    """Every olympiad's accreditation of the person who signs in as `login`, newest first."""
    rows = await session.execute(
        sa.select(observers)
        .where(observers.c.login == login)
        .order_by(observers.c.accredited_at.desc(), observers.c.observer_id)
    )
    return [_observer(row) for row in rows]


async def add_assignment(session: AsyncSession, assignment: StoredAssignment) -> bool:
    """False when the observer already has this very assignment (nothing is stored)."""
    values = {**assignment.__dict__, "procedure": assignment.procedure.value}
    inserted = await session.execute(
        pg_insert(observer_assignments)
        .values(**values)
        .on_conflict_do_nothing(constraint="observer_assignments_once")
        .returning(observer_assignments.c.assignment_id)
    )
    return inserted.first() is not None


async def get_assignment(
    session: AsyncSession, olympiad_id: uuid.UUID, assignment_id: uuid.UUID
) -> StoredAssignment | None:
    row = (
        await session.execute(
            sa.select(observer_assignments).where(
                observer_assignments.c.olympiad_id == olympiad_id,
                observer_assignments.c.assignment_id == assignment_id,
            )
        )
    ).one_or_none()
    return None if row is None else _assignment(row)


async def assignments_of(
    session: AsyncSession, olympiad_id: uuid.UUID, observer_ids: list[uuid.UUID] | None = None
) -> list[StoredAssignment]:
    """The olympiad's assignments (of these observers only, when given), by date."""
    query = sa.select(observer_assignments).where(observer_assignments.c.olympiad_id == olympiad_id)
    if observer_ids is not None:
        query = query.where(observer_assignments.c.observer_id.in_(observer_ids))
    rows = await session.execute(
        query.order_by(
            observer_assignments.c.day,
            observer_assignments.c.procedure,
            observer_assignments.c.venue,
            observer_assignments.c.subject_code,
            observer_assignments.c.assignment_id,
        )
    )
    return [_assignment(row) for row in rows]


async def remove_assignment(session: AsyncSession, assignment_id: uuid.UUID) -> None:
    await session.execute(
        sa.delete(observer_assignments).where(observer_assignments.c.assignment_id == assignment_id)
    )


# --- violation reports -----------------------------------------------------------------------


async def add_report(session: AsyncSession, report: StoredReport) -> None:
    values = {
        **report.__dict__,
        "outcome": None if report.outcome is None else report.outcome.value,
    }
    await session.execute(sa.insert(violation_reports).values(**values))


async def get_report(
    session: AsyncSession, olympiad_id: uuid.UUID, report_id: uuid.UUID, *, lock: bool = False
) -> StoredReport | None:
    """The report; `lock` holds its row until commit (attachments and the decision queue up)."""
    query = sa.select(violation_reports).where(
        violation_reports.c.olympiad_id == olympiad_id,
        violation_reports.c.report_id == report_id,
    )
    row = (await session.execute(query.with_for_update() if lock else query)).one_or_none()
    return None if row is None else _report(row)


async def list_reports(
    session: AsyncSession, olympiad_id: uuid.UUID, observer_id: uuid.UUID | None = None
) -> list[StoredReport]:
    """The olympiad's reports (one observer's only, when given), oldest first."""
    query = sa.select(violation_reports).where(violation_reports.c.olympiad_id == olympiad_id)
    if observer_id is not None:
        query = query.where(violation_reports.c.observer_id == observer_id)
    rows = await session.execute(
        query.order_by(violation_reports.c.filed_at, violation_reports.c.report_id)
    )
    return [_report(row) for row in rows]


async def reports_exist(session: AsyncSession, assignment_id: uuid.UUID) -> bool:
    found = await session.scalar(
        sa.select(sa.exists().where(violation_reports.c.assignment_id == assignment_id))
    )
    return bool(found)


async def record_decision(
    session: AsyncSession,
    report_id: uuid.UUID,
    *,
    outcome: Outcome,
    decision: str,
    decided_by: str,
    decided_at: dt.datetime,
) -> None:
    await session.execute(
        sa.update(violation_reports)
        .where(violation_reports.c.report_id == report_id)
        .values(
            outcome=outcome.value, decision=decision, decided_by=decided_by, decided_at=decided_at
        )
    )


async def add_attachment(session: AsyncSession, attachment: StoredAttachment) -> None:
    await session.execute(sa.insert(violation_report_attachments).values(**attachment.__dict__))


async def attachments_of(
    session: AsyncSession, report_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[StoredAttachment]]:
    """Each report's attachments in the order they were added."""
    found: dict[uuid.UUID, list[StoredAttachment]] = {report_id: [] for report_id in report_ids}
    if not report_ids:
        return found
    rows = await session.execute(
        sa.select(violation_report_attachments)
        .where(violation_report_attachments.c.report_id.in_(report_ids))
        .order_by(violation_report_attachments.c.report_id, violation_report_attachments.c.position)
    )
    for row in rows:
        attachment = _attachment(row)
        found[attachment.report_id].append(attachment)
    return found
