"""The participants application: all rows or none."""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError

from olymp_core.auth import Principal
from olymp_core.contracts.registration import ParticipantRegistered
from olymp_core.db import UnitOfWork
from olymp_core.subjects import subject
from olymp_registration import store
from olymp_registration.domain import (
    FileTooLarge,
    ImportConflict,
    ImportProblem,
    ImportRejected,
    ImportReport,
    Olympiad,
    ProblemKind,
    VenueScope,
    parse_participants_csv,
    parse_participants_xlsx,
)
from olymp_registration.handlers.olympiads import get_olympiad

FileFormat = Literal["csv", "xlsx"]


@dataclass(frozen=True)
class ImportParticipants:
    olympiad_id: uuid.UUID
    data: bytes
    file_format: FileFormat


async def import_participants(
    command: ImportParticipants, uow: UnitOfWork, actor: Principal, *, max_bytes: int
) -> list[store.StoredParticipant]:
    """All rows or none: any problem in the file, or a person already registered, stores nothing.

    A file over `max_bytes` is refused before anything else is looked at: a district's application
    is a few thousand rows, so a larger upload is a mistake, not a file.
    """
    if len(command.data) > max_bytes:
        raise FileTooLarge(
            f"Файл больше {max_bytes // (1024 * 1024)} МБ: разделите его на несколько файлов, "
            "например по предметам."
        )
    stored = await get_olympiad(command.olympiad_id, uow)
    parse = parse_participants_csv if command.file_format == "csv" else parse_participants_xlsx
    report = parse(command.data)
    errors = list(report.errors)
    if report.rows:
        errors.extend(_not_scheduled(report, stored.olympiad))
        errors.extend(await _already_registered(report, command.olympiad_id, uow))
    if errors:
        raise _rejection(errors)
    entries = [(uuid.uuid4(), row.participant) for row in report.rows]
    now = uow.clock.now()
    try:
        await store.add_participants(
            uow.session,
            command.olympiad_id,
            entries,
            registered_at=now,
            registered_by=actor.subject,
        )
    except IntegrityError:
        # Another import of the same people committed between our check and our insert.
        raise ImportConflict(
            "Часть участников из файла только что зарегистрирована другим импортом: загрузите "
            "файл ещё раз, чтобы увидеть, какие строки уже внесены."
        ) from None
    for participant_id, p in entries:
        uow.publish(
            ParticipantRegistered(
                olympiad_id=command.olympiad_id,
                participant_id=participant_id,
                subject_code=p.subject_code,
                surname=p.surname,
                name=p.name,
                patronymic=p.patronymic,
                grade=p.grade,
                task_grade=p.task_grade,
                school=p.school,
                consent_to_publish=p.consent_to_publish,
            )
        )
    await uow.audit(
        actor=actor.subject,
        action="participants.imported",
        object_type="olympiad",
        object_id=str(command.olympiad_id),
        payload={
            "format": command.file_format,
            "sha256": hashlib.sha256(command.data).hexdigest(),
            "imported": len(entries),
            "by_subject": dict(Counter(p.subject_code for _, p in entries)),
        },
    )
    await uow.commit()
    return [store.StoredParticipant(pid, command.olympiad_id, p) for pid, p in entries]


def _not_scheduled(report: ImportReport, olympiad: Olympiad) -> list[ImportProblem]:
    scheduled = {s.subject_code for s in olympiad.subjects}
    names = ", ".join(f"«{subject(code).name}»" for code in sorted(scheduled)) or "нет предметов"
    return [
        ImportProblem(
            ProblemKind.UNKNOWN_SUBJECT,
            row.row,
            "Предмет",
            subject(row.participant.subject_code).name,
            f"Предмет «{subject(row.participant.subject_code).name}» не включён в расписание "
            f"олимпиады (в расписании: {names}): исправьте предмет или удалите строку.",
        )
        for row in report.rows
        if row.participant.subject_code not in scheduled
    ]


async def _already_registered(
    report: ImportReport, olympiad_id: uuid.UUID, uow: UnitOfWork
) -> list[ImportProblem]:
    registered = await store.registered_person_keys(
        uow.session, olympiad_id, {row.participant.subject_code for row in report.rows}
    )
    problems = []
    for row in report.rows:
        p = row.participant
        if (store.person_key_text(p), p.subject_code) in registered:
            problems.append(
                ImportProblem(
                    ProblemKind.DUPLICATE_ROW,
                    row.row,
                    None,
                    p.full_name,
                    f"Участник {p.full_name} ({p.grade} класс, {p.school}) уже зарегистрирован "
                    f"по предмету «{subject(p.subject_code).name}»: удалите строку из файла.",
                )
            )
    return problems


def _rejection(errors: Sequence[ImportProblem]) -> ImportRejected:
    rows = sorted({e.row for e in errors if e.row is not None})
    where = f" в строках: {', '.join(map(str, rows))}" if rows else ""
    return ImportRejected(
        f"Файл не загружен, ни один участник не сохранён: найдено ошибок — {len(errors)}{where}. "
        "Исправьте всё, что перечислено в errors, и загрузите файл целиком ещё раз.",
        errors=[_problem_json(e) for e in errors],
    )


def _problem_json(problem: ImportProblem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": problem.message,
        "kind": problem.kind.value,
    }


async def list_participants(
    olympiad_id: uuid.UUID, subject_code: str | None, uow: UnitOfWork, actor: Principal
) -> list[store.StoredParticipant]:
    """The registered participants; a caller limited to venues sees only part of them.

    Participants have no venue until they are checked in, so a venue coordinator sees those
    marked at one of their venues (on any round day) and those not marked anywhere yet — the
    latter are needed to make the check-in. Anyone marked only at another venue, or by a caller
    who named no venue, is left out: the venue coordinator can neither mark nor remove them.
    """
    await get_olympiad(olympiad_id, uow)
    found = await store.list_participants(uow.session, olympiad_id, subject_code=subject_code)
    scope = VenueScope.of(actor)
    if not scope.restricted:
        return found
    return [
        p for p in found if not p.marked or any(scope.admits(venue) for _, venue in p.mark_venues)
    ]
