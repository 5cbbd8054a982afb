"""The checking protocol (App. 10) of a subject and grade for the jury chair and the organiser;
every copy handed out is audited."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from olymp_core import protocol_documents
from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import documents, store
from olymp_scoring.domain import WorkStatus
from olymp_scoring.domain.errors import CriteriaMissing


@dataclass(frozen=True)
class ProtocolFile:
    body: bytes
    media_type: str
    filename: str


async def checking_protocol(
    key: SubjectGrade, extension: str, uow: UnitOfWork, actor: Principal
) -> ProtocolFile:
    stored = await store.load_scheme(uow.session, key)
    if stored is None:
        raise CriteriaMissing(
            f"Критерии оценивания для предмета «{key.subject_code}», {key.grade} класс, не"
            " заданы: протокол проверки строится по ним и по отметкам жюри."
        )
    rows = await store.list_works(uow.session, key)
    marks = await store.marks_of(uow.session, key.olympiad_id, [row.work_code for row in rows])
    works = []
    for row in rows:
        sheet = store.sheet_of(row, stored, marks[row.work_code])
        checked = sheet.status is WorkStatus.CHECKED
        works.append(
            documents.CheckedWork(
                sheet=sheet,
                status=sheet.status,
                final_scores=(row.appealed_scores or sheet.final_scores()) if checked else None,
                annulment=None if row.annulment_reason is None else row.annulment_reason.text,
            )
        )
    found = documents.checking_protocol(key, works)
    body = await asyncio.to_thread(protocol_documents.render, found, extension)
    await uow.audit(
        actor=actor.subject,
        action="document.generated",
        object_type="subject_grade",
        object_id=key.object_id,
        payload={"document": documents.TITLE, "format": extension, "works": len(works)},
    )
    await uow.commit()
    return ProtocolFile(
        body,
        protocol_documents.FORMATS[extension],
        f"checking-protocol-{key.subject_code}-{key.grade}.{extension}",
    )
