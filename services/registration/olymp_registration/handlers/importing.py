"""The participants application: all rows or none."""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal

from sqlalchemy.exc import IntegrityError

from olymp_core.auth import Principal
from olymp_core.contracts.registration import ParticipantRegistered
from olymp_core.db import UnitOfWork
from olymp_core.subjects import subject
from olymp_registration import store
from olymp_registration.domain import (
    Column,
    FileTooLarge,
    ImportConflict,
    ImportProblem,
    ImportRejected,
    ImportReport,
    Olympiad,
    ParseBudget,
    ProblemKind,
    VenueScope,
    eligibility_problems,
    parse_participants_csv,
    parse_participants_xlsx,
)
from olymp_registration.domain.text import school_key
from olymp_registration.handlers.olympiads import get_olympiad

FileFormat = Literal["csv", "xlsx"]


@dataclass(frozen=True)
class ImportParticipants:
    olympiad_id: uuid.UUID
    source: IO[bytes]
    """The file as received (the route spools it to a temporary file), read from its start."""
    file_format: FileFormat


@dataclass(frozen=True)
class _ReadFile:
    report: ImportReport
    sha256: str


def too_large(max_bytes: int) -> FileTooLarge:
    return FileTooLarge(
        f"Файл больше {max_bytes // (1024 * 1024)} МБ: ни один участник не сохранён. "
        "Разделите файл на несколько, например по предметам, и загрузите их по очереди."
    )


async def import_participants(
    command: ImportParticipants,
    uow: UnitOfWork,
    actor: Principal,
    *,
    max_bytes: int,
    parse_seconds: float,
    monotonic: Callable[[], float] = time.monotonic,
) -> list[store.StoredParticipant]:
    """All rows or none: any problem in the file, or a person already registered, stores nothing.

    A file over `max_bytes` is refused before it is parsed: a district's application is a few
    thousand rows, so a larger upload is a mistake, not a file. The file is read in a worker
    thread, so the service keeps answering meanwhile, within `parse_seconds` (measured by
    `monotonic`), past which it is refused (ImportTooSlow).
    """
    stored = await get_olympiad(command.olympiad_id, uow)
    # The reading may take seconds: the database connection is not held for it.
    await uow.session.rollback()
    budget = ParseBudget(parse_seconds, monotonic)
    read = await asyncio.to_thread(_read_file, command, max_bytes, budget)
    earlier = await store.imported_ids(uow.session, command.olympiad_id, read.sha256)
    if earlier is not None:
        # the same file again (a retry after a lost answer): what it imported, nothing new
        found = await store.list_participants(
            uow.session, command.olympiad_id, participant_ids=earlier
        )
        by_id = {p.participant_id: p for p in found}
        return [by_id[pid] for pid in earlier if pid in by_id]
    report = read.report
    errors = list(report.errors)
    venues: dict[int, str] = {}
    if report.rows:
        errors.extend(_not_scheduled(report, stored.olympiad))
        venue_problems, venues = _assigned_venues(report, stored.olympiad)
        errors.extend(venue_problems)
        errors.extend(await _already_registered(report, command.olympiad_id, uow))
        rules = await store.eligibility_rules(
            uow.session, command.olympiad_id, {row.participant.subject_code for row in report.rows}
        )
        errors.extend(eligibility_problems(report.rows, rules))
    if errors:
        raise _rejection(errors)
    entries = [(uuid.uuid4(), row.participant) for row in report.rows]
    assigned = {
        participant_id: venues[row.row]
        for (participant_id, _), row in zip(entries, report.rows, strict=True)
        if row.row in venues
    }
    now = uow.clock.now()
    try:
        await store.add_participants(
            uow.session,
            command.olympiad_id,
            entries,
            registered_at=now,
            registered_by=actor.subject,
            venues=assigned,
        )
    except IntegrityError:
        # Another import of the same people committed between our check and our insert.
        raise ImportConflict(
            "Часть участников из файла только что зарегистрирована другим импортом: загрузите "
            "файл ещё раз, чтобы увидеть, какие строки уже внесены."
        ) from None
    await store.save_import(
        uow.session,
        command.olympiad_id,
        read.sha256,
        [participant_id for participant_id, _ in entries],
        now,
        actor.subject,
    )
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
                birth_date=p.birth_date,
            )
        )
    await uow.audit(
        actor=actor.subject,
        action="participants.imported",
        object_type="olympiad",
        object_id=str(command.olympiad_id),
        payload={
            "format": command.file_format,
            "sha256": read.sha256,
            "imported": len(entries),
            "by_subject": dict(Counter(p.subject_code for _, p in entries)),
        },
    )
    await uow.commit()
    return [
        store.StoredParticipant(pid, command.olympiad_id, p, assigned_venue=assigned.get(pid))
        for pid, p in entries
    ]


def _read_file(command: ImportParticipants, max_bytes: int, budget: ParseBudget) -> _ReadFile:
    """In a worker thread: the file's bytes, their digest and what the rows say."""
    command.source.seek(0)
    data = command.source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    parse = parse_participants_csv if command.file_format == "csv" else parse_participants_xlsx
    return _ReadFile(parse(data, budget), hashlib.sha256(data).hexdigest())


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


def _assigned_venues(
    report: ImportReport, olympiad: Olympiad
) -> tuple[list[ImportProblem], dict[int, str]]:
    """Each row's venue as the olympiad names it (matched loosely: case, quotes, «№ 1»/«№1»),
    by row number; a venue the olympiad does not have is a problem of its row."""
    known = {school_key(venue.name): venue.name for venue in olympiad.venues}
    listed = ", ".join(f"«{v.name}»" for v in olympiad.venues) or "площадки ещё не внесены"
    problems: list[ImportProblem] = []
    found: dict[int, str] = {}
    for row in report.rows:
        if not row.venue:
            continue
        name = known.get(school_key(row.venue))
        if name is None:
            problems.append(
                ImportProblem(
                    ProblemKind.UNKNOWN_VENUE,
                    row.row,
                    str(Column.VENUE),
                    row.venue,
                    f"Площадки проведения «{row.venue}» нет в этой олимпиаде (есть: {listed}): "
                    "впишите площадку так, как она названа в олимпиаде, или оставьте ячейку "
                    "пустой.",
                )
            )
        else:
            found[row.row] = name
    return problems, found


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
        "fault": problem.fault,
        "remedy": problem.remedy,
        "kind": problem.kind.value,
    }


async def list_participants(
    olympiad_id: uuid.UUID, subject_code: str | None, uow: UnitOfWork, actor: Principal
) -> list[store.StoredParticipant]:
    """The registered participants; a caller limited to venues sees only part of them.

    A venue coordinator sees those marked at one of their venues (on any round day) and those
    not marked anywhere yet that the application assigned to one of their venues or to none —
    the latter are needed to make the check-in. Anyone marked only at another venue, or by a
    caller who named no venue, or assigned to another venue, is left out: the venue coordinator
    can neither mark nor remove them.
    """
    await get_olympiad(olympiad_id, uow)
    found = await store.list_participants(uow.session, olympiad_id, subject_code=subject_code)
    scope = VenueScope.of(actor)
    if not scope.restricted:
        return found
    return [
        p
        for p in found
        if any(scope.admits(venue) for _, venue in p.mark_venues)
        or (not p.marked and (p.assigned_venue is None or scope.admits(p.assigned_venue)))
    ]
