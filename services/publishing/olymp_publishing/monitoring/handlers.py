"""The objectivity monitoring of an olympiad for the regional and municipal coordinators.

Built on request from the latest published version of every subject and grade the caller may
see, registration's venues, room video reports and public observation (the schedule, the
violation reports), and scoring's checking protocols — the last two services asked with the
caller's own token, with no transaction held open meanwhile. Every copy
handed out is audited, whatever its format, with the tables it read and what it could not get.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.auth import Principal, ScopeKind
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.analytics.clients import CheckedTasks, ScoringDocuments
from olymp_publishing.domain import NotPublished
from olymp_publishing.handlers.protocols import ProtocolFile
from olymp_publishing.monitoring import documents, pages
from olymp_publishing.monitoring.clients import RegistrationRecords, VideoReports
from olymp_publishing.monitoring.domain import (
    ObjectivityReport,
    PublishedTable,
    monitor,
    table_works,
)
from olymp_publishing.store import StoredVersion

FORMATS = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
_PARALLEL = 8  # checking protocols asked of scoring at once


@dataclass(frozen=True)
class MonitoringAsked:
    olympiad_id: uuid.UUID
    extension: str  # "json", or FORMATS


@dataclass(frozen=True)
class Monitoring:
    olympiad_id: uuid.UUID
    heading: documents.Heading
    report: ObjectivityReport


async def objectivity(
    command: MonitoringAsked,
    uow: UnitOfWork,
    actor: Principal,
    *,
    scoring: ScoringDocuments,
    registration: RegistrationRecords,
    bearer: str | None,
) -> Monitoring:
    """The report's figures, as JSON."""
    found = await _monitoring(command, uow, actor, scoring, registration, bearer)
    await _audited(command, found, None, uow, actor)
    return found


async def objectivity_file(
    command: MonitoringAsked,
    uow: UnitOfWork,
    actor: Principal,
    *,
    scoring: ScoringDocuments,
    registration: RegistrationRecords,
    bearer: str | None,
) -> ProtocolFile:
    """The report as a PDF or a printable HTML page."""
    found = await _monitoring(command, uow, actor, scoring, registration, bearer)
    body = await asyncio.to_thread(_render, command.extension, found)
    await _audited(command, found, len(body), uow, actor)
    when = found.heading.generated_at.astimezone(dt.UTC)
    return ProtocolFile(
        body,
        FORMATS[command.extension],
        f"objectivity-{command.olympiad_id}-{when:%Y%m%d-%H%M}.{command.extension}",
    )


def _render(extension: str, found: Monitoring) -> bytes:
    if extension == "pdf":
        return documents.render_pdf(found.heading, found.report)
    return pages.html_page(documents.report(found.heading, found.report)).encode("utf-8")


async def _monitoring(
    command: MonitoringAsked,
    uow: UnitOfWork,
    actor: Principal,
    scoring: ScoringDocuments,
    registration: RegistrationRecords,
    bearer: str | None,
) -> Monitoring:
    olympiad_id = command.olympiad_id
    versions = await _latest_versions(uow, olympiad_id, actor)
    olympiad = await store.olympiad_of(uow.session, olympiad_id)
    generated_at = uow.clock.now()
    # registration and scoring may take seconds to answer: no transaction is held open meanwhile
    await uow.session.rollback()
    subjects = sorted({version.key.subject_code for version in versions})
    venues, checked, observation = await asyncio.gather(
        registration.venues(olympiad_id, subjects, bearer),
        _checked_tasks(scoring, [version.key for version in versions], bearer),
        registration.observation(olympiad_id, bearer),
    )
    by_participant = venues.by_participant or {}
    tables = []
    for version, marks in zip(versions, checked, strict=True):
        key = version.key
        of_subject = {
            participant: venue
            for (code, participant), venue in by_participant.items()
            if code == key.subject_code
        }
        tables.append(
            PublishedTable(
                subject_code=key.subject_code,
                grade=key.grade,
                version=version.version,
                stage=version.stage,
                published_at=version.created_at,
                max_total=Decimal(version.protocol["max_total"]),
                works=tuple(table_works(version.protocol, key.subject_code, key.grade, of_subject)),
                marks=marks.tasks,
                marks_missing=marks.missing,
            )
        )
    video = await _video(registration, olympiad_id, tables, venues.missing, bearer)
    report = monitor(
        olympiad_id,
        tables,
        venues_missing=venues.missing,
        video=video.reports,
        video_missing=video.missing,
        round_days=observation.round_days,
        schedule=observation.schedule,
        violation_reports=observation.reports,
        observation_missing=observation.missing,
    )
    heading = documents.Heading(
        olympiad_title=None if olympiad is None else olympiad.title,
        generated_at=generated_at,
        time_zone=None if olympiad is None else olympiad.time_zone,
    )
    return Monitoring(olympiad_id, heading, report)


async def _latest_versions(
    uow: UnitOfWork, olympiad_id: uuid.UUID, actor: Principal
) -> list[StoredVersion]:
    """The latest version of every table of the olympiad whose subject the caller may see."""
    latest: dict[SubjectGrade, int] = {}
    for ref in await store.versions_of_olympiad(uow.session, olympiad_id):
        latest[ref.key] = max(ref.version, latest.get(ref.key, 0))
    keys = [key for key in latest if actor.may_access(ScopeKind.SUBJECT, key.subject_code)]
    if not keys:
        raise NotPublished(
            "По этой олимпиаде не опубликовано ни одной рейтинговой таблицы"
            + (" по вашим предметам" if actor.is_restricted(ScopeKind.SUBJECT) else "")
            + ": справка о мониторинге объективности строится по опубликованным результатам."
        )
    found = []
    for key in sorted(keys, key=lambda k: (k.subject_code, k.grade)):
        stored = await store.find_version(uow.session, key, version=latest[key])
        assert stored is not None  # listed a moment ago; versions are never deleted
        found.append(stored)
    return found


async def _checked_tasks(
    scoring: ScoringDocuments, keys: list[SubjectGrade], bearer: str | None
) -> list[CheckedTasks]:
    limit = asyncio.Semaphore(_PARALLEL)

    async def one(key: SubjectGrade) -> CheckedTasks:
        async with limit:
            return await scoring.checked_tasks(key, bearer)

    return list(await asyncio.gather(*(one(key) for key in keys)))


async def _video(
    registration: RegistrationRecords,
    olympiad_id: uuid.UUID,
    tables: list[PublishedTable],
    venues_missing: str | None,
    bearer: str | None,
) -> VideoReports:
    """Registration's coverage report of each venue and subject that has works there."""
    if venues_missing is not None:
        return VideoReports(None, (f"места проведения работ не известны: {venues_missing}",))
    pairs = sorted(
        {
            (work.venue, table.subject_code)
            for table in tables
            for work in table.works
            if work.venue is not None
        }
    )
    if not pairs:
        return VideoReports(None, ("в заявках участников не указаны места проведения.",))
    return await registration.video(olympiad_id, pairs, bearer)


async def _audited(
    command: MonitoringAsked,
    found: Monitoring,
    size: int | None,
    uow: UnitOfWork,
    actor: Principal,
) -> None:
    report = found.report
    await uow.audit(
        actor=actor.subject,
        action="document.generated",
        object_type="olympiad",
        object_id=str(command.olympiad_id),
        payload={
            "document": documents.TITLE,
            "format": command.extension,
            **({} if size is None else {"bytes": size}),
            "tables": [f"{t.subject_code}/{t.grade}/v{t.version}" for t in report.tables],
            "flagged_schools": len(report.flagged_schools),
            "flagged_venues": len(report.flagged_venues),
            "flagged_experts": len(report.flagged_markers),
            "checking_protocols": sum(1 for t in report.tables if t.marks is not None),
            "venues": report.venues is not None,
            "video_reports": None
            if report.video is None
            else sum(v.subjects for v in report.video),
            # what of registration's observation (round days, schedule, reports) was not had
            "observation_missing": len(report.observation_missing),
        },
    )
    await uow.commit()
