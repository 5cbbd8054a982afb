"""The final results: the jury chair submits, the organiser approves (§80, §117–121).

Approval publishes the final version; it is refused while the chair has not submitted the table,
the subject's appeal window is open, an appeal of the grade awaits its decision, or a tie at the
quota boundary waits for the chair (see `domain.approval`). Publishing learns the appeals' state
from the appeals service's `AppealsState` events (`events.on_appeals_state`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.contracts.scoring import ScoreCorrection
from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.domain import (
    FINAL,
    RankingRuleError,
    RankingTable,
    UndecidedTie,
    canonical_sha256,
    points_text,
    protocol_dict,
    public_table_dict,
    require_known_subject,
    subject_name,
)
from olymp_publishing.domain.approval import (
    AppealsSnapshot,
    ApprovalTerm,
    appeal_blockers,
    approval_term,
    submission_blockers,
)
from olymp_publishing.domain.errors import AppealsNotOver, FinalNotSubmitted
from olymp_publishing.handlers.commands import not_ready
from olymp_publishing.handlers.files import PublishedFiles
from olymp_publishing.handlers.published import write_after_publication
from olymp_publishing.handlers.tables import current_table, publish_version
from olymp_publishing.store import Olympiad, StoredVersion
from olymp_publishing.store import approval as approval_store


@dataclass(frozen=True)
class SubmitFinal:
    """The jury chair hands the final table to the organiser for approval (§117, §121)."""

    subject_grade: SubjectGrade


@dataclass(frozen=True)
class ApproveFinal:
    """The organiser approves the final results: a new final version of the table (§121)."""

    subject_grade: SubjectGrade


@dataclass(frozen=True)
class FinalStatus:
    """Where the approval of one table stands: what the chair and the organiser see."""

    submitted_by: str | None
    submitted_at: dt.datetime | None
    appeals: AppealsSnapshot | None
    blockers: tuple[str, ...]  # what of the appeals stands in the way of approval, in Russian
    term: ApprovalTerm | None  # None while the rounds' dates are unknown
    # why the chair's submission (and so the approval too) would be refused now, in Russian
    submission_blockers: tuple[str, ...] = ()


async def submit_final(command: SubmitFinal, uow: UnitOfWork, actor: Principal) -> FinalStatus:
    key = command.subject_grade
    require_known_subject(key.subject_code)
    table = await _ready_table(uow, key)
    if await approval_store.submission(uow.session, key) is not None:
        # submitted already (a retry after a lost answer, or a second click): it stands once
        return await final_status(key, uow, table=table)
    await approval_store.save_submission(uow.session, key, actor.subject, uow.clock.now())
    await uow.audit(
        actor=actor.subject,
        action="results.final_submitted",
        object_type="result_table",
        object_id=key.object_id,
        payload={},
    )
    status = await final_status(key, uow, table=table)
    await uow.commit()
    return status


async def approve_final(
    command: ApproveFinal, uow: UnitOfWork, actor: Principal, *, files: PublishedFiles
) -> StoredVersion:
    """A new FINAL version from the current scores, after appeals, and its files."""
    key = command.subject_grade
    require_known_subject(key.subject_code)
    table = await _ready_table(uow, key)
    await store.lock_table(uow.session, key)
    latest = await store.find_version(uow.session, key)
    olympiad = await store.olympiad_of(uow.session, key.olympiad_id)
    if latest is not None and latest.stage == FINAL and _same_table(latest, table, olympiad):
        # the same request again (a retry after a lost answer, a double click): the final table
        # it asks for is already the latest version, and a second copy would only confuse readers
        return latest
    status = await final_status(key, uow, table=table)
    what = f"«{subject_name(key.subject_code)}», {key.grade} класс"
    if status.submitted_by is None:
        raise FinalNotSubmitted(
            f"Итоговые результаты по предмету {what} не переданы на утверждение: председатель"
            " жюри передаёт итоговую таблицу (final/submission), затем организатор утверждает."
        )
    if status.blockers:
        raise AppealsNotOver(
            f"Итоговые результаты по предмету {what} утвердить пока нельзя: "
            + "; ".join(status.blockers)
            + ". Утвердите после окончания приёма апелляций и решений по всем апелляциям.",
            reasons=list(status.blockers),
        )
    stored = await publish_version(uow, key, table, FINAL, actor.subject, files)
    await approval_store.clear_submission(uow.session, key)
    await uow.audit(
        actor=actor.subject,
        action="results.final_approved",
        object_type="result_table",
        object_id=key.object_id,
        payload={
            "version": stored.version,
            "submitted_by": status.submitted_by,
            "term_day": None if status.term is None else status.term.day,
        },
    )
    await uow.commit()
    await write_after_publication(uow, files, key.olympiad_id)
    return stored


async def republish_corrected(
    uow: UnitOfWork, key: SubjectGrade, correction: ScoreCorrection, files: PublishedFiles | None
) -> None:
    """Final results already published are published again after a §120 correction, as a new
    final version naming the reason (an event handler's part: no commit). Before the final
    results the corrected scores simply go into them."""
    latest = await store.find_version(uow.session, key)
    if latest is None or latest.stage != FINAL:
        return
    table = await current_table(uow, key)
    olympiad = await store.olympiad_of(uow.session, key.olympiad_id)
    payload = {"work_code": correction.work_code, "reason": correction.reason}
    if table is None or table.unresolved_ties:
        # the correction made a tie at the quota boundary: the chair rules and the organiser
        # approves again, as for the first final version
        await uow.audit(
            actor=correction.corrected_by,
            action="results.correction_waits_for_tie",
            object_type="result_table",
            object_id=key.object_id,
            payload=payload,
        )
        return
    if _same_table(latest, table, olympiad):
        return  # the correction changed nothing the table shows (e.g. a task split)
    await store.lock_table(uow.session, key)
    note = f"Исправление технической ошибки (п. 120), работа {correction.work_code}: "
    stored = await publish_version(
        uow, key, table, FINAL, correction.corrected_by, files, note=note + correction.reason
    )
    await uow.audit(
        actor=correction.corrected_by,
        action="results.corrected",
        object_type="result_table",
        object_id=key.object_id,
        payload={**payload, "version": stored.version},
    )


async def final_status(
    key: SubjectGrade, uow: UnitOfWork, *, table: RankingTable | None = None
) -> FinalStatus:
    """Where approval stands; `table`: the current table when the caller has just built it."""
    session = uow.session
    now = uow.clock.now()
    olympiad = await store.olympiad_of(session, key.olympiad_id)
    time_zone = None if olympiad is None else olympiad.time_zone
    submitted = await approval_store.submission(session, key)
    state = await approval_store.appeal_state(session, key.olympiad_id, key.subject_code)
    appeals = (
        None
        if state is None
        else AppealsSnapshot(state.deadline, int(state.undecided_by_grade.get(str(key.grade), 0)))
    )
    last_round = await approval_store.last_round_ends_at(session, key)
    term = (
        None
        if last_round is None or time_zone is None
        else approval_term(last_round, time_zone, now)
    )
    try:
        if table is None:
            table = await current_table(uow, key)
        table_blockers = submission_blockers(table)
    except RankingRuleError as refused:  # data the rules cannot rank: the chair must hear why
        table_blockers = [refused.detail]
    return FinalStatus(
        submitted_by=None if submitted is None else submitted.submitted_by,
        submitted_at=None if submitted is None else submitted.submitted_at,
        appeals=appeals,
        blockers=tuple(appeal_blockers(appeals, now, time_zone)),
        term=term,
        submission_blockers=tuple(table_blockers),
    )


async def _ready_table(uow: UnitOfWork, key: SubjectGrade) -> RankingTable:
    """The current table, refused while results are missing or a boundary tie is undecided."""
    table = await current_table(uow, key)
    if table is None:
        raise not_ready(key)
    if table.unresolved_ties:
        groups = "; ".join(
            f"сумма {points_text(tie.total)} — {len(tie.participant_ids)} чел., мест по квоте"
            f" осталось {tie.places_left}, статус «{tie.upper}» или «{tie.default}»"
            for tie in table.unresolved_ties
        )
        raise UndecidedTie(
            "Итоговые результаты нельзя утвердить: на границе квоты есть группы участников с"
            f" равными баллами без решения председателя жюри ({groups}). Примите решение для"
            " каждой группы (tie-decisions) и повторите.",
            undecided_totals=[points_text(tie.total) for tie in table.unresolved_ties],
            ties=[
                {
                    "total": points_text(tie.total),
                    "participants": len(tie.participant_ids),
                    "places_left": tie.places_left,
                    # Best first: what the chair may choose for the whole group (§117).
                    "statuses": [str(s) for s in tie.choices],
                }
                for tie in table.unresolved_ties
            ],
        )
    return table


def _same_table(version: StoredVersion, table: RankingTable, olympiad: Olympiad | None) -> bool:
    """Whether a new version would say exactly what `version` says: the public table and its
    heading, and the jury's protocol (full names, annulled works, tie groups)."""
    shown = {
        "olympiad_title": None if olympiad is None else olympiad.title,
        "time_zone": None if olympiad is None else olympiad.time_zone,
        "quota_places": table.quota_places,
        **public_table_dict(table),
    }
    stored = {name: version.document.get(name) for name in shown}
    return canonical_sha256(stored) == canonical_sha256(shown) and canonical_sha256(
        version.protocol
    ) == canonical_sha256(protocol_dict(table))
