"""The analytic report of a published version (App. 13) for the people who sign and receive it.

Built on request from the version's stored protocol, the tasks' maxima scoring stated and the
checking protocol's marks (asked of scoring with the caller's token); each copy handed out is
audited, with whether the markers' figures were in it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.analytics import documents
from olymp_publishing.analytics.clients import ScoringDocuments
from olymp_publishing.analytics.domain import analyse, ranked_results
from olymp_publishing.handlers.protocols import ProtocolFile, published_version


@dataclass(frozen=True)
class AnalyticReportAsked:
    subject_grade: SubjectGrade
    extension: str  # documents.FORMATS
    version: int | None  # None: the latest


async def analytic_report_file(
    command: AnalyticReportAsked,
    uow: UnitOfWork,
    actor: Principal,
    *,
    scoring: ScoringDocuments,
    bearer: str | None,
) -> ProtocolFile:
    """The report as PDF or XLSX; `bearer`: the caller's token, for scoring's checking protocol."""
    key = command.subject_grade
    stored = await published_version(uow, key, command.version, "отчёт строится")
    state = await store.subject_grade(uow.session, key)
    task_max = {
        task: Decimal(points)
        for task, points in ((state.task_max if state is not None else None) or {}).items()
    }
    # scoring may take seconds to answer: no transaction is held open meanwhile
    await uow.session.rollback()
    marks = await scoring.checking_marks(key, bearer)
    protocol = stored.protocol
    found = analyse(
        ranked_results(protocol),
        task_max=task_max,
        max_total=Decimal(protocol["max_total"]),
        annulled=len(protocol.get("annulled", [])),
        markings=marks.markings,
    )
    body = await asyncio.to_thread(
        documents.render, command.extension, stored.document, found, marks.missing
    )
    await uow.audit(
        actor=actor.subject,
        action="document.generated",
        object_type="result_table",
        object_id=key.object_id,
        payload={
            "document": documents.TITLE,
            "format": command.extension,
            "version": stored.version,
            "bytes": len(body),
            "checking_marks": marks.markings is not None,
        },
    )
    await uow.commit()
    return ProtocolFile(
        body,
        documents.FORMATS[command.extension],
        f"analytic-report-{key.subject_code}-{key.grade}-v{stored.version}.{command.extension}",
    )
