"""The regional hand-over of a subject and grade (§21): the approved final version's rows with
the participants' dates of birth. Every hand-over is audited: who took which rows of which
version, in which format — it discloses personal data that the public tables mask.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.documents import title
from olymp_publishing.documents.tables import published_text
from olymp_publishing.domain import FINAL, NotPublished, require_known_subject, subject_name
from olymp_publishing.handover import documents
from olymp_publishing.handover.domain import HandedRow, handed_rows, tasks_of
from olymp_publishing.store import StoredVersion


@dataclass(frozen=True)
class HandoverAsked:
    subject_grade: SubjectGrade
    kind: str  # domain.KINDS: every row, or the winners and prize-winners
    extension: str  # "json", or documents.FORMATS
    version: int | None  # a final version; None: the latest


@dataclass(frozen=True)
class Handover:
    version: StoredVersion
    tasks: list[str]
    rows: list[HandedRow]


@dataclass(frozen=True)
class HandoverFile:
    body: bytes
    media_type: str
    filename: str


async def handover(command: HandoverAsked, uow: UnitOfWork, actor: Principal) -> Handover:
    """The rows handed over, as JSON."""
    found = await _handed(command, uow)
    await _audited(command, found, uow, actor)
    return found


async def handover_file(command: HandoverAsked, uow: UnitOfWork, actor: Principal) -> HandoverFile:
    """The rows handed over, as CSV or XLSX."""
    found = await _handed(command, uow)
    stored, key = found.version, command.subject_grade
    olympiad = stored.document.get("olympiad_title")
    what = "победители и призёры" if command.kind == "awardees" else "все участники"
    heading = (
        (f"{olympiad}. " if olympiad else "")
        + f"{title(stored.document)}, версия {stored.version} от {published_text(stored.document)}"
        + f"; {what}"
    )
    body = await asyncio.to_thread(
        documents.render, command.extension, heading, found.tasks, found.rows
    )
    await _audited(command, found, uow, actor)
    return HandoverFile(
        body,
        documents.FORMATS[command.extension],
        f"regional-{command.kind}-{key.subject_code}-{key.grade}-v{stored.version}"
        f".{command.extension}",
    )


async def _handed(command: HandoverAsked, uow: UnitOfWork) -> Handover:
    key = command.subject_grade
    require_known_subject(key.subject_code)
    stored = await store.find_version(uow.session, key, stage=FINAL, version=command.version)
    if stored is None:
        which = "" if command.version is None else f" (версия {command.version})"
        raise NotPublished(
            f"Итоговые результаты{which} по предмету «{subject_name(key.subject_code)}»,"
            f" {key.grade} класс, не утверждены: региональному организатору передаются"
            " утверждённые итоговые результаты (п. 21, 121)."
        )
    protocol = stored.protocol
    people = [
        uuid.UUID(str(row["participant_id"]))
        for row in (*protocol.get("rows", []), *protocol.get("annulled", []))
    ]
    found = await store.participants_by_id(uow.session, key.olympiad_id, key.subject_code, people)
    birth_dates: dict[str, dt.date] = {
        str(participant_id): row.birth_date
        for participant_id, row in found.items()
        if row.birth_date is not None
    }
    return Handover(stored, tasks_of(protocol), handed_rows(protocol, birth_dates, command.kind))


async def _audited(
    command: HandoverAsked, found: Handover, uow: UnitOfWork, actor: Principal
) -> None:
    await uow.audit(
        actor=actor.subject,
        action="results.handed_over",
        object_type="result_table",
        object_id=command.subject_grade.object_id,
        payload={
            "kind": command.kind,
            "format": command.extension,
            "version": found.version.version,
            "rows": len(found.rows),
        },
    )
    await uow.commit()
