"""One function per command or query of the registration service; each command owns its commit.

Domain errors become problems here, in Russian, never a 500: an invalid olympiad is 422, a
check-in or removal the participant's state forbids is 409.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError

from olymp_core.clock import to_local
from olymp_core.contracts.registration import (
    OlympiadCreated,
    ParticipantCheckedIn,
    ParticipantRegistered,
    ParticipantRemoved,
    ScheduledSubject,
)
from olymp_core.db import UnitOfWork
from olymp_core.problems import Conflict, NotFound, Problem
from olymp_core.subjects import UnknownSubject, subject
from olymp_registration import store
from olymp_registration.domain import (
    CheckInRefused,
    ImportProblem,
    ImportReport,
    InvalidOlympiad,
    Olympiad,
    ProblemKind,
    SubjectSchedule,
    Venue,
    check_in,
    mark_absent,
    parse_participants_csv,
    parse_participants_xlsx,
    remove,
)

FileFormat = Literal["csv", "xlsx"]


@dataclass(frozen=True)
class CreateOlympiad:
    title: str
    school_year: str
    time_zone: str
    subjects: tuple[SubjectSchedule, ...]
    venues: tuple[Venue, ...]
    actor: str


@dataclass(frozen=True)
class ImportParticipants:
    olympiad_id: uuid.UUID
    data: bytes
    file_format: FileFormat
    actor: str


@dataclass(frozen=True)
class CheckInEntry:
    participant_id: uuid.UUID
    present: bool


@dataclass(frozen=True)
class CheckIn:
    olympiad_id: uuid.UUID
    subject_code: str
    entries: tuple[CheckInEntry, ...]
    actor: str
    day: dt.date | None = None
    """The round day; by default today in the olympiad's time zone."""


@dataclass(frozen=True)
class RemoveParticipant:
    olympiad_id: uuid.UUID
    subject_code: str
    participant_id: uuid.UUID
    reason: str
    actor: str
    day: dt.date | None = None


@dataclass(frozen=True)
class CheckInResult:
    present: int
    absent: int


class ImportRejected(Problem):
    """The file was not imported at all; `errors` lists every row to fix."""

    status = 422
    type_ = "participants-import-rejected"
    title = "Файл участников не принят"


def scheduled_subjects(olympiad: Olympiad) -> list[ScheduledSubject]:
    """The first (or only) round of each subject, with UTC instants of its local times."""
    scheduled = []
    for schedule in olympiad.subjects:
        first = min(schedule.rounds, key=lambda slot: (slot.day, slot.starts_at))
        starts_at, ends_at = olympiad.round_instants(schedule.subject_code, first.round_code)
        scheduled.append(
            ScheduledSubject(
                subject_code=schedule.subject_code,
                day=first.day,
                round_starts_at=starts_at,
                round_ends_at=ends_at,
            )
        )
    return scheduled


async def create_olympiad(command: CreateOlympiad, uow: UnitOfWork) -> store.StoredOlympiad:
    try:
        olympiad = Olympiad(
            title=command.title,
            school_year=command.school_year,
            time_zone=command.time_zone,
            subjects=command.subjects,
            venues=command.venues,
        )
    except InvalidOlympiad as exc:
        raise Problem(
            str(exc),
            status=422,
            type_="invalid-olympiad",
            title="Олимпиада не создана",
            errors=list(exc.problems),
        ) from None
    olympiad_id = uuid.uuid4()
    now = uow.clock.now()
    await store.add_olympiad(
        uow.session, olympiad_id, olympiad, created_at=now, created_by=command.actor
    )
    subjects = scheduled_subjects(olympiad)
    uow.publish(
        OlympiadCreated(
            olympiad_id=olympiad_id,
            title=olympiad.title,
            time_zone=olympiad.time_zone,
            subjects=tuple(subjects),
        )
    )
    await uow.audit(
        actor=command.actor,
        action="olympiad.created",
        object_type="olympiad",
        object_id=str(olympiad_id),
        payload={
            "title": olympiad.title,
            "school_year": olympiad.school_year,
            "time_zone": olympiad.time_zone,
            "subjects": [s.model_dump(mode="json") for s in subjects],
            "venues": [v.name for v in olympiad.venues],
        },
    )
    await uow.commit()
    return store.StoredOlympiad(olympiad_id, olympiad, now)


async def get_olympiad(olympiad_id: uuid.UUID, uow: UnitOfWork) -> store.StoredOlympiad:
    found = await store.get_olympiad(uow.session, olympiad_id)
    if found is None:
        raise NotFound(
            f"Олимпиада {olympiad_id} не найдена: проверьте идентификатор олимпиады.",
            type_="olympiad-not-found",
        )
    return found


async def import_participants(
    command: ImportParticipants, uow: UnitOfWork
) -> list[store.StoredParticipant]:
    """All rows or none: any problem in the file, or a person already registered, stores nothing."""
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
            registered_by=command.actor,
        )
    except IntegrityError:
        # Another import of the same people committed between our check and our insert.
        raise Conflict(
            "Часть участников из файла только что зарегистрирована другим импортом: загрузите "
            "файл ещё раз, чтобы увидеть, какие строки уже внесены.",
            type_="participants-import-conflict",
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
        actor=command.actor,
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
        errors=[problem_json(e) for e in errors],
    )


def problem_json(problem: ImportProblem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": problem.message,
        "kind": problem.kind.value,
    }


async def list_participants(
    olympiad_id: uuid.UUID, subject_code: str | None, uow: UnitOfWork
) -> list[store.StoredParticipant]:
    await get_olympiad(olympiad_id, uow)
    return await store.list_participants(uow.session, olympiad_id, subject_code=subject_code)


def round_days(olympiad: Olympiad, subject_code: str) -> tuple[dt.date, ...]:
    """The days the subject is held, or 404 when it is not in this olympiad."""
    try:
        return olympiad.schedule_of(subject_code).days
    except (InvalidOlympiad, UnknownSubject) as exc:
        raise NotFound(
            f"{exc} Проверьте код предмета в адресе запроса.", type_="subject-not-scheduled"
        ) from None


def _round_day(olympiad: Olympiad, requested: dt.date | None, now: dt.datetime) -> dt.date:
    today = to_local(now, olympiad.time_zone).date()
    if requested is None:
        return today
    if requested > today:
        raise Problem(
            f"Дата {requested:%d.%m.%Y} ещё не наступила (сегодня {today:%d.%m.%Y} по времени "
            f"олимпиады, {olympiad.time_zone}): отмечать явку и удаление можно только в день тура "
            "или позже.",
            status=422,
            type_="day-in-future",
        )
    return requested


async def _participants_of(
    olympiad_id: uuid.UUID, subject_code: str, ids: Sequence[uuid.UUID], uow: UnitOfWork
) -> dict[uuid.UUID, store.StoredParticipant]:
    found = await store.list_participants(
        uow.session, olympiad_id, subject_code=subject_code, participant_ids=ids, for_update=True
    )
    by_id = {p.participant_id: p for p in found}
    missing = [str(i) for i in ids if i not in by_id]
    if missing:
        raise NotFound(
            f"По предмету «{subject(subject_code).name}» в этой олимпиаде не зарегистрированы "
            f"участники: {', '.join(missing)}. Проверьте идентификаторы и предмет.",
            type_="participant-not-found",
            participant_ids=missing,
        )
    return by_id


async def check_in_participants(command: CheckIn, uow: UnitOfWork) -> CheckInResult:
    """Day-of registration (§36) of a list; all entries or none. A removed participant is refused."""
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    days = round_days(olympiad, command.subject_code)
    ids = [e.participant_id for e in command.entries]
    if len(set(ids)) != len(ids):
        twice = sorted({str(i) for i in ids if ids.count(i) > 1})
        raise Problem(
            f"Участники указаны в списке больше одного раза: {', '.join(twice)}. "
            "Оставьте по одной отметке на участника.",
            status=422,
            type_="duplicate-check-in-entry",
        )
    now = uow.clock.now()
    day = _round_day(olympiad, command.day, now)
    by_id = await _participants_of(command.olympiad_id, command.subject_code, ids, uow)
    for entry in command.entries:
        stored = by_id[entry.participant_id]
        before = stored.attendance(days)
        try:
            after = (check_in if entry.present else mark_absent)(before, day, now)
        except CheckInRefused as exc:
            p = stored.participant
            raise Conflict(
                f"{p.full_name}: {exc}",
                type_="check-in-refused",
                participant_id=str(entry.participant_id),
            ) from None
        if after == before:
            continue  # the same mark sent again: nothing changed, nothing to announce
        mark = after.mark_on(day)
        assert mark is not None
        await store.save_mark(uow.session, entry.participant_id, mark, marked_by=command.actor)
        uow.publish(
            ParticipantCheckedIn(
                olympiad_id=command.olympiad_id,
                participant_id=entry.participant_id,
                subject_code=command.subject_code,
                task_grade=stored.participant.task_grade,
                present=entry.present,
                at=mark.marked_at,
            )
        )
    present = sum(1 for e in command.entries if e.present)
    await uow.audit(
        actor=command.actor,
        action="participants.checked_in",
        object_type="olympiad_subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={
            "day": day.isoformat(),
            "present": [str(e.participant_id) for e in command.entries if e.present],
            "absent": [str(e.participant_id) for e in command.entries if not e.present],
        },
    )
    await uow.commit()
    return CheckInResult(present=present, absent=len(command.entries) - present)


async def remove_participant(
    command: RemoveParticipant, uow: UnitOfWork
) -> store.StoredParticipant:
    """The removal act (§53): the participant's work is annulled, no further participation (§54)."""
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    days = round_days(olympiad, command.subject_code)
    now = uow.clock.now()
    day = _round_day(olympiad, command.day, now)
    ids = [command.participant_id]
    stored = (await _participants_of(command.olympiad_id, command.subject_code, ids, uow))[
        command.participant_id
    ]
    try:
        after = remove(
            stored.attendance(days),
            day=day,
            reason=command.reason,
            removed_at=now,
            removed_by=command.actor,
        )
    except CheckInRefused as exc:
        raise Conflict(str(exc), type_="removal-refused") from None
    assert after.removal is not None
    removal = after.removal
    await store.save_removal(uow.session, command.participant_id, removal)
    uow.publish(
        ParticipantRemoved(
            olympiad_id=command.olympiad_id,
            participant_id=command.participant_id,
            subject_code=command.subject_code,
            reason=removal.reason,
            removed_at=removal.removed_at,
        )
    )
    await uow.audit(
        actor=command.actor,
        action="participant.removed",
        object_type="participant",
        object_id=str(command.participant_id),
        payload={
            "olympiad_id": str(command.olympiad_id),
            "subject_code": command.subject_code,
            "day": removal.day.isoformat(),
            "reason": removal.reason,
            "removed_at": removal.removed_at.isoformat(),
        },
    )
    await uow.commit()
    return store.StoredParticipant(
        stored.participant_id, stored.olympiad_id, stored.participant, after.marks, removal
    )


async def present_participants(
    olympiad_id: uuid.UUID, subject_code: str, uow: UnitOfWork
) -> list[tuple[uuid.UUID, int, int]]:
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    round_days(olympiad, subject_code)
    return await store.present_participants(uow.session, olympiad_id, subject_code)
