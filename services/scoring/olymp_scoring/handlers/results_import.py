"""Importing the testing system's results of a subject and grade (informatics, §43, §60, §67).

The jury chair of the subject (or the organiser) uploads the system's results file instead of two
markings. All rows or none: any problem anywhere stores nothing, and the refusal lists every
problem with its line and column. The same file again changes nothing and records nothing; a
corrected file replaces the points of the works it corrects, audited with the points before and
after. Imported points then flow on exactly as marked ones do: the subject and grade settles
(`announcement.settle`) and publishing hears `SubjectGradeChecked`.

Lock order, as everywhere in scoring: the works (here every work of the grade, in code order),
then the subject-grade row, then the audit trail's lock at commit. An advisory lock taken first
keeps two uploads of one grade from interleaving.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_core.subjects import subject
from olymp_scoring import store
from olymp_scoring.domain import SubjectGradeProgress
from olymp_scoring.domain.errors import ResultsFinal, ResultsImportRefused
from olymp_scoring.domain.testing_results import (
    Change,
    FileFormat,
    ImportTarget,
    plan_import,
    read_file,
)
from olymp_scoring.domain.work import checked_automatically
from olymp_scoring.handlers.announcement import Settled, audit_settlement, settle
from olymp_scoring.handlers.marking import required_scheme
from olymp_scoring.store import ResultImport


@dataclass(frozen=True)
class ImportResults:
    subject_grade: SubjectGrade
    data: bytes
    file_format: FileFormat
    file_name: str = ""


@dataclass(frozen=True)
class ResultsImported:
    import_id: uuid.UUID | None  # None: the file changed nothing (the same file again)
    rows: int
    changes: tuple[Change, ...]
    unchanged: int
    annulled_rows: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    progress: SubjectGradeProgress
    announced: bool


async def import_results(
    command: ImportResults, uow: UnitOfWork, actor: Principal
) -> ResultsImported:
    key = command.subject_grade
    if not checked_automatically(key.subject_code):
        raise ResultsImportRefused(
            f"Работы по предмету «{key.subject_code}» проверяют члены жюри (п. 69): результаты "
            "тестирующей системы загружаются только по предметам, которые она проверяет "
            "(информатика, п. 67)."
        )
    parsed_with = await required_scheme(uow, key)
    # reading a workbook may take a moment: no connection is held meanwhile
    await uow.release()
    results = await asyncio.to_thread(
        read_file, command.data, command.file_format, parsed_with.scheme
    )
    session = uow.session
    await store.lock_results_import(session, key)
    rows = await store.lock_works(session, key)
    await store.lock_subject_grade(session, key)
    stored = await required_scheme(uow, key)
    if stored != parsed_with:  # the chair changed the criteria while the file was being read
        results = await asyncio.to_thread(
            read_file, command.data, command.file_format, stored.scheme
        )
    grades = await store.work_grades(session, key.olympiad_id, key.subject_code)
    targets = {
        row.work_code: ImportTarget(
            row.status, row.imported_scores, scores_fixed=row.appealed_scores is not None
        )
        for row in rows
        if row.checked_automatically
    }
    plan = plan_import(
        results,
        targets,
        {code: grade for code, grade in grades.items() if grade != key.grade},
        subject_name=subject(key.subject_code).name,
        grade=key.grade,
    )
    found = ResultsImported(
        import_id=None,
        rows=plan.rows,
        changes=plan.changes,
        unchanged=len(plan.unchanged),
        annulled_rows=plan.annulled_rows,
        ignored_columns=plan.ignored_columns,
        progress=SubjectGradeProgress.of(row.status for row in rows),
        announced=False,
    )
    if not plan.changes:
        await uow.release()
        return found  # the same points again (a retry, the same file twice): nothing recorded
    await _refuse_after_final_results(uow, key, len(plan.changes))
    by_code = {row.work_code: row for row in rows}
    for change in plan.changes:
        # the domain's own check of each work, after the file's: the same rules, one place
        sheet = store.sheet_of(by_code[change.work_code], stored, ()).import_results(change.after)
        await store.save_imported_scores(
            session, key.olympiad_id, change.work_code, sheet.final_scores()
        )
    settlement = await settle(
        uow, key, data_changed=any(change.before is not None for change in plan.changes)
    )
    digest = hashlib.sha256(command.data).hexdigest()
    recorded = ResultImport(
        import_id=uuid.uuid4(),
        sha256=digest,
        file_format=command.file_format,
        file_name=command.file_name,
        rows=plan.rows,
        changed=len(plan.changes),
        imported_at=uow.clock.now(),
        imported_by=actor.subject,
    )
    await store.save_result_import(session, key, recorded)
    await uow.audit(
        actor=actor.subject,
        action="results.imported",
        object_type="subject_grade",
        object_id=key.object_id,
        payload={
            "import_id": str(recorded.import_id),
            "sha256": digest,
            "format": command.file_format,
            "file_name": command.file_name,
            "rows": plan.rows,
            "annulled_rows": list(plan.annulled_rows),
            "changes": {
                change.work_code: {
                    "before": None
                    if change.before is None
                    else store.task_points_json(change.before),
                    "after": store.task_points_json(change.after),
                }
                for change in plan.changes
            },
        },
    )
    await audit_settlement(uow, key, settlement, actor=actor.subject)
    progress = SubjectGradeProgress.of(await store.work_statuses(session, key))
    await uow.commit()
    return ResultsImported(
        import_id=recorded.import_id,
        rows=found.rows,
        changes=found.changes,
        unchanged=found.unchanged,
        annulled_rows=found.annulled_rows,
        ignored_columns=found.ignored_columns,
        progress=progress,
        announced=settlement.outcome is Settled.ANNOUNCED,
    )


async def _refuse_after_final_results(uow: UnitOfWork, key: SubjectGrade, changed: int) -> None:
    final_at = await store.final_published_at(uow.session, key)
    if final_at is not None:
        raise ResultsFinal(
            f"Итоговые результаты по предмету «{key.subject_code}», {key.grade} класс, "
            f"опубликованы {final_at:%d.%m.%Y}: файл изменил бы баллы участников ({changed}), "
            "а после утверждения баллы исправляются только как техническая ошибка (п. 120)."
        )


async def result_imports(key: SubjectGrade, uow: UnitOfWork) -> list[ResultImport]:
    """The files that changed the grade's points, the first one first."""
    return await store.list_result_imports(uow.session, key)
