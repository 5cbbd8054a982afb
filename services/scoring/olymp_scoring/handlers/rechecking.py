"""Selective re-checking (§21; seed 000 §2): samples, regional requests, the blind re-check queue
and the report comparing re-checks with the official scores.

The rules are `domain.rechecking`; here they meet the database. A re-check never touches the marks,
the works' scores or the announcements: it lives in its own rows, so the official results cannot
move because of it (a revision, if the organiser orders one, is a §120 correction). Lock order:
the subject-grade row (a draw), or one re-check row (the queue, the points), never both with a
work row, so the re-check commands cannot deadlock with marking.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from olymp_core import protocol_documents
from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.scoring import RecheckRequested
from olymp_core.db import UnitOfWork
from olymp_core.errors import NotPermitted
from olymp_core.subject_grade import SubjectGrade
from olymp_scoring import documents, store
from olymp_scoring.domain import WorkStatus
from olymp_scoring.domain.errors import RecheckRefused, WorkNotFound
from olymp_scoring.domain.rechecking import (
    SEED_MAX_CHARS,
    RecheckOrigin,
    RecheckSample,
    RecheckSummary,
    WorkComparison,
    compare,
    draw_sample,
    may_recheck,
    sample_size,
)
from olymp_scoring.handlers.marking import required_scheme
from olymp_scoring.handlers.protocols import ProtocolFile
from olymp_scoring.store import RecheckRow


@dataclass(frozen=True)
class DrawSample:
    subject_grade: SubjectGrade
    size: int | None
    share: Decimal | None
    seed: str | None = None  # None: the service draws one, and returns and audits it


@dataclass(frozen=True)
class SampleDrawn:
    sample: RecheckSample
    work_codes: tuple[str, ...]


@dataclass(frozen=True)
class RequestRechecks:
    subject_grade: SubjectGrade
    work_codes: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RechecksRequested:
    added: tuple[str, ...]
    already: tuple[str, ...]  # up for re-checking before this request


@dataclass(frozen=True)
class ClaimRecheck:
    subject_grade: SubjectGrade
    lifetime: dt.timedelta


@dataclass(frozen=True)
class RecheckClaim:
    work_code: str
    tasks: tuple[int, ...]
    expires_at: dt.datetime


@dataclass(frozen=True)
class RecordRecheck:
    olympiad_id: uuid.UUID
    work_code: str
    task_scores: Mapping[int, Decimal]


@dataclass(frozen=True)
class ReleaseRecheck:
    olympiad_id: uuid.UUID
    work_code: str


async def draw_recheck_sample(
    command: DrawSample, uow: UnitOfWork, actor: Principal
) -> SampleDrawn:
    """The organiser's seeded sample of the grade's checked works; the seed and the sample are
    audited with what was eligible, so the draw can be repeated by anyone."""
    key = command.subject_grade
    seed = command.seed if command.seed is not None else secrets.token_hex(8)
    if len(seed) > SEED_MAX_CHARS:
        raise RecheckRefused(f"Зерно выборки длиннее {SEED_MAX_CHARS} символов.")
    await required_scheme(uow, key)
    # one draw of a grade at a time: two at once would each draw from the same eligible works
    await store.lock_subject_grade(uow.session, key)
    eligible = await store.eligible_for_sample(uow.session, key)
    if not eligible:
        raise RecheckRefused(
            f"По предмету «{key.subject_code}», {key.grade} класс, нет проверенных жюри работ, "
            "которые ещё не перепроверяются: выборку делают после проверки работ."
        )
    size = sample_size(len(eligible), size=command.size, share=command.share)
    drawn = draw_sample(seed, eligible, size)
    sample = RecheckSample(
        sample_id=uuid.uuid4(),
        seed=seed,
        eligible=len(eligible),
        drawn=len(drawn),
        drawn_at=uow.clock.now(),
        drawn_by=actor.subject,
    )
    await store.save_sample(uow.session, key, sample)
    await store.add_rechecks(
        uow.session,
        key.olympiad_id,
        drawn,
        origin=RecheckOrigin.SAMPLE,
        sample_id=sample.sample_id,
        requested_by=actor.subject,
        requested_at=sample.drawn_at,
    )
    await uow.audit(
        actor=actor.subject,
        action="recheck.sample_drawn",
        object_type="subject_grade",
        object_id=key.object_id,
        payload={
            "sample_id": str(sample.sample_id),
            "seed": seed,
            "eligible": eligible,
            "drawn": list(drawn),
        },
    )
    await uow.commit()
    return SampleDrawn(sample, drawn)


async def request_rechecks(
    command: RequestRechecks, uow: UnitOfWork, actor: Principal
) -> RechecksRequested:
    """The regional coordinator's request for particular works (§21): all of them or none."""
    key = command.subject_grade
    wanted = tuple(dict.fromkeys(code.strip() for code in command.work_codes))
    rows = {row.work_code: row for row in await store.list_works(uow.session, key)}
    problems = []
    for code in wanted:
        row = rows.get(code)
        if row is None:
            problems.append(
                f"работы с шифром «{code}» нет по предмету «{key.subject_code}», {key.grade} класс"
            )
        elif row.checked_automatically:
            problems.append(
                f"работа «{code}» проверена тестирующей системой (п. 67), жюри её не перепроверяет"
            )
        elif row.status is not WorkStatus.CHECKED:
            problems.append(f"работа «{code}» — «{row.status.label}»: перепроверяют проверенные")
    if problems:
        raise RecheckRefused(
            "Запрос на перепроверку не принят, ни одна работа не добавлена: "
            + "; ".join(problems)
            + ". Исправьте список шифров и отправьте запрос снова.",
            errors=problems,
        )
    added = await store.add_rechecks(
        uow.session,
        key.olympiad_id,
        wanted,
        origin=RecheckOrigin.REGIONAL_REQUEST,
        sample_id=None,
        requested_by=actor.subject,
        requested_at=uow.clock.now(),
        reason=command.reason,
    )
    # every code, new or not: the coordinator may open each requested work's pages
    uow.publish(
        RecheckRequested(
            olympiad_id=key.olympiad_id,
            subject_code=key.subject_code,
            grade=key.grade,
            work_codes=wanted,
            requested_by=actor.subject,
        )
    )
    await uow.audit(
        actor=actor.subject,
        action="recheck.requested",
        object_type="subject_grade",
        object_id=key.object_id,
        payload={"work_codes": list(wanted), "added": added, "reason": command.reason},
    )
    await uow.commit()
    return RechecksRequested(tuple(added), tuple(c for c in wanted if c not in set(added)))


async def claim_recheck(
    command: ClaimRecheck, uow: UnitOfWork, actor: Principal
) -> RecheckClaim | None:
    """The next work the caller re-checks, held for them; None when none is left for them.

    Never a work the caller marked; a re-check held already is answered again (a reloaded page).
    """
    key = command.subject_grade
    member = actor.subject
    now = uow.clock.now()
    stored = await required_scheme(uow, key)
    # a double click must not take two works: the member's second request waits for the first
    await store.lock_claimant(uow.session, key, member)
    held = await store.held_recheck(uow.session, key, member, now)
    if held is not None:
        await uow.release()
        return RecheckClaim(held.work_code, stored.scheme.task_numbers, _expiry(held))
    found = await store.next_recheck(uow.session, key, member, now)
    if found is None:
        await uow.release()
        return None
    expires_at = now + command.lifetime
    await store.claim_recheck(uow.session, key.olympiad_id, found.work_code, member, expires_at)
    await uow.commit()
    return RecheckClaim(found.work_code, stored.scheme.task_numbers, expires_at)


def _expiry(row: RecheckRow) -> dt.datetime:
    assert row.claim_expires_at is not None, "a held re-check has its expiry"
    return row.claim_expires_at


async def record_recheck(command: RecordRecheck, uow: UnitOfWork, actor: Principal) -> RecheckRow:
    """The re-check's points of every task; the official scores stay as they are."""
    member = actor.subject
    work = await store.get_work(uow.session, command.olympiad_id, command.work_code)
    if work is None:
        raise WorkNotFound(f"Работа с шифром «{command.work_code}» не найдена.")
    if not actor.may_access(ScopeKind.SUBJECT, work.key.subject_code):
        raise NotPermitted(
            f"Работа «{command.work_code}» относится к предмету, к которому у вас нет доступа."
        )
    row = await store.get_recheck(uow.session, command.olympiad_id, command.work_code, lock=True)
    if row is None:
        raise RecheckRefused(
            f"Работа {command.work_code} не отобрана для перепроверки: перепроверяют работы из "
            "выборки организатора и по запросу регионального координатора."
        )
    points = dict(command.task_scores)
    if row.rechecked_at is not None:
        if row.rechecked_by == member and row.task_scores == points:
            return row  # the same points again (a retry after a lost answer)
        raise RecheckRefused(f"Работа {command.work_code} уже перепроверена.")
    now = uow.clock.now()
    marks = await store.marks_of(uow.session, command.olympiad_id, [command.work_code])
    if not may_recheck(member, {m.jury_member_id for m in marks[command.work_code]}):
        raise RecheckRefused(
            f"Вы проверяли работу {command.work_code}: перепроверку выполняет член жюри, который "
            "эту работу не оценивал."
        )
    if row.held_by_another(member, now):
        raise RecheckRefused(
            f"Работу {command.work_code} сейчас перепроверяет другой член жюри: возьмите "
            "следующую работу на перепроверку."
        )
    if work.status is not WorkStatus.CHECKED:
        raise RecheckRefused(
            f"Работа {command.work_code} — «{work.status.label}»: перепроверяют проверенные."
        )
    stored = await required_scheme(uow, work.key)
    for number, value in points.items():
        stored.scheme.validate_points(number, value)
    missing = [n for n in stored.scheme.task_numbers if n not in points]
    if missing:
        raise RecheckRefused(
            "Перепроверка оценивает каждое задание: нет баллов за задания "
            + ", ".join(map(str, missing))
            + "."
        )
    await store.save_recheck_scores(
        uow.session, command.olympiad_id, command.work_code, member, points, now
    )
    await uow.audit(
        actor=member,
        action="work.rechecked",
        object_type="work",
        object_id=f"{command.olympiad_id}/{command.work_code}",
        payload={"task_scores": store.task_points_json(points), "origin": row.origin.value},
    )
    await uow.commit()
    saved = await store.get_recheck(uow.session, command.olympiad_id, command.work_code)
    assert saved is not None
    await uow.release()
    return saved


async def release_recheck(command: ReleaseRecheck, uow: UnitOfWork, actor: Principal) -> bool:
    """The caller gives the re-check back unmarked; False when they held none (a retry)."""
    row = await store.get_recheck(uow.session, command.olympiad_id, command.work_code, lock=True)
    if row is None:
        await uow.release()
        return False
    released = await store.release_recheck(
        uow.session, command.olympiad_id, command.work_code, actor.subject
    )
    await uow.commit()
    return released


@dataclass(frozen=True)
class RecheckItem:
    row: RecheckRow
    comparison: WorkComparison | None  # None: the work was annulled since it was put up

    @property
    def state(self) -> Literal["awaiting", "rechecked", "annulled"]:
        if self.comparison is None:
            return "annulled"
        if self.row.rechecked_at is not None:
            return "rechecked"
        return "awaiting"


@dataclass(frozen=True)
class RecheckReport:
    key: SubjectGrade
    samples: tuple[RecheckSample, ...]
    items: tuple[RecheckItem, ...]
    summary: RecheckSummary


async def recheck_report(key: SubjectGrade, uow: UnitOfWork) -> RecheckReport:
    """Each work up for re-checking: its official scores beside the re-check, task by task."""
    stored = await required_scheme(uow, key)
    rows = await store.list_rechecks(uow.session, key)
    works = {row.work_code: row for row in await store.list_works(uow.session, key)}
    marks = await store.marks_of(uow.session, key.olympiad_id, [row.work_code for row in rows])
    items = []
    for row in rows:
        work = works[row.work_code]
        comparison = None
        if work.status is WorkStatus.CHECKED:
            official = (
                work.appealed_scores
                or store.sheet_of(work, stored, marks[row.work_code]).final_scores()
            )
            comparison = compare(
                row.work_code, stored.scheme, stored.policy.threshold, official, row.task_scores
            )
        items.append(RecheckItem(row, comparison))
    samples = tuple(await store.list_samples(uow.session, key))
    summary = RecheckSummary.of(item.comparison for item in items if item.comparison is not None)
    await uow.release()
    return RecheckReport(key, samples, tuple(items), summary)


async def recheck_report_file(
    key: SubjectGrade, extension: str, uow: UnitOfWork, actor: Principal
) -> ProtocolFile:
    """The report as PDF or XLSX; every copy handed out is audited."""
    found = await recheck_report(key, uow)
    document = documents.recheck_report(
        key, _report_rows(found.items), found.summary, found.samples
    )
    body = await asyncio.to_thread(protocol_documents.render, document, extension)
    await uow.audit(
        actor=actor.subject,
        action="document.generated",
        object_type="subject_grade",
        object_id=key.object_id,
        payload={
            "document": documents.RECHECK_TITLE,
            "format": extension,
            "works": len(found.items),
        },
    )
    await uow.commit()
    return ProtocolFile(
        body,
        protocol_documents.FORMATS[extension],
        f"recheck-report-{key.subject_code}-{key.grade}.{extension}",
    )


def _report_rows(items: Sequence[RecheckItem]) -> list[documents.RecheckedWork]:
    return [
        documents.RecheckedWork(item.row.work_code, item.row.origin, item.comparison)
        for item in items
    ]
