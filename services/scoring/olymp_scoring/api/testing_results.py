"""Routes of the testing system's results (informatics, §43, §67): the import and its history."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from olymp_core.dependencies import Uow
from olymp_core.request_limits import body_limit
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import handlers
from olymp_scoring.api.common import (
    Grade,
    ResultsImporter,
    points_read,
)
from olymp_scoring.schemas import (
    ProgressRead,
    ResultChangeRead,
    ResultImportList,
    ResultImportRead,
    ResultsImportRead,
)

router = APIRouter(prefix="/olympiads/{olympiad_id}", tags=["scoring"])

_XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post(
    "/subjects/{subject_code}/grades/{grade}/testing-results",
    summary="Import the testing system's results of a subject and grade (informatics, §67)",
    description="Instead of two markings: the body is the system's results file, CSV"
    " (`format=csv`: UTF-8 or Windows-1251, «;», «,» or tab) or an Excel workbook"
    " (`format=xlsx`). A header row names the participant's column («Регистрационный номер»,"
    " or «Логин» when the testing system's logins are the registration numbers) and one column per"
    " task («1», «Задача 1», or the system's letters «A», «B», …, A being task 1); an optional"
    " «Сумма»/«Итого» must equal the tasks' sum; other columns are ignored and listed. A blank"
    " cell or «-» is 0 points. Every work of the grade needs its row. All rows or none: 422"
    " `results-file-rejected` stores nothing and lists in `errors` every problem with its `line`,"
    " `column` (the spreadsheet letter), `header`, `value` and a Russian `message` saying what to"
    " do. The same file again changes and records nothing (`import_id` null); a corrected file"
    " replaces the points of the works it corrects, audited with the points before and after."
    " The points flow on as marked ones do: once every work of the grade is checked,"
    " SubjectGradeChecked is published (`announced`). 409 `results-import-refused`: the subject is"
    " marked by the jury; 409 `criteria-missing`: the chair sets the tasks and their maxima (the"
    " scheme) first; 409 `results-final`: the final results are out, a change is a §120"
    " correction.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
                _XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
@body_limit(setting="max_results_file_bytes")
async def post_testing_results(
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: Grade,
    request: Request,
    who: ResultsImporter,
    uow: Uow,
    file_format: Annotated[Literal["csv", "xlsx"], Query(alias="format")] = "csv",
    file_name: Annotated[
        str, Query(max_length=255, description="The uploaded file's name, kept with the import")
    ] = "",
) -> ResultsImportRead:
    command = handlers.ImportResults(
        SubjectGrade(olympiad_id, subject_code, grade),
        data=await request.body(),
        file_format=file_format,
        file_name=file_name,
    )
    found = await handlers.import_results(command, uow, who)
    return ResultsImportRead(
        import_id=found.import_id,
        rows=found.rows,
        changed=[
            ResultChangeRead(
                registration_number=change.work_code,
                task_scores_before=points_read(change.before),
                task_scores_after=points_read(change.after) or {},
            )
            for change in found.changes
        ],
        unchanged=found.unchanged,
        annulled_rows=list(found.annulled_rows),
        ignored_columns=list(found.ignored_columns),
        progress=ProgressRead(
            works_total=found.progress.total,
            works_checked=found.progress.checked,
            works_annulled=found.progress.annulled,
            all_checked=found.progress.all_checked,
        ),
        announced=found.announced,
    )


@router.get(
    "/subjects/{subject_code}/grades/{grade}/testing-results",
    summary="The testing system's results files that changed a subject and grade's points",
)
async def get_testing_results(
    olympiad_id: uuid.UUID, subject_code: str, grade: Grade, who: ResultsImporter, uow: Uow
) -> ResultImportList:
    found = await handlers.result_imports(SubjectGrade(olympiad_id, subject_code, grade), uow)
    return ResultImportList(
        imports=[
            ResultImportRead(
                import_id=item.import_id,
                sha256=item.sha256,
                file_format=item.file_format,
                file_name=item.file_name,
                rows=item.rows,
                changed=item.changed,
                imported_at=item.imported_at,
                imported_by=item.imported_by,
            )
            for item in found
        ]
    )
