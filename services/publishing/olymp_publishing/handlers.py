"""One async function per event or command; each owns its unit of work's commit."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from olymp_core.clock import zone
from olymp_core.contracts.coding import WorksDecoded
from olymp_core.contracts.registration import OlympiadCreated, ParticipantRegistered
from olymp_core.contracts.scoring import ScoredWork, SubjectGradeChecked, WorkRescored
from olymp_core.db import UnitOfWork, UnitOfWorkFactory
from olymp_core.problems import Conflict, Problem
from olymp_publishing import results, store
from olymp_publishing.domain import (
    ChairDecision,
    QuotaPolicy,
    RankingRuleError,
    Status,
    build_table,
    points_text,
)
from olymp_publishing.store import StoredVersion, TableKey

log = logging.getLogger("olymp.publishing")


@dataclass(frozen=True)
class DecideTie:
    """The jury chair's status for the whole tie group with `total` at a quota boundary (§117)."""

    key: TableKey
    total: Decimal
    status: Status


async def on_olympiad_created(event: OlympiadCreated, uow: UnitOfWork) -> None:
    """Keep the title and zone the public pages show; an unknown zone must not lose the title."""
    time_zone: str | None = event.time_zone
    try:
        zone(event.time_zone)
    except ValueError:
        log.warning(
            "olympiad %s: unknown time zone %r, pages use UTC", event.olympiad_id, event.time_zone
        )
        time_zone = None
    await store.save_olympiad(
        uow.session, store.Olympiad(event.olympiad_id, event.title, time_zone), uow.clock.now()
    )
    await uow.commit()


async def on_participant_registered(event: ParticipantRegistered, uow: UnitOfWork) -> None:
    await store.save_participant(
        uow.session,
        {
            "olympiad_id": event.olympiad_id,
            "subject_code": event.subject_code,
            "participant_id": event.participant_id,
            "surname": event.surname,
            "name": event.name,
            "patronymic": event.patronymic,
            "grade": event.grade,
            "task_grade": event.task_grade,
            "school": event.school,
            "consent_to_publish": event.consent_to_publish,
            "registered_at": uow.clock.now(),
        },
    )
    # Registration's message may arrive after decoding and scores; then it completes the table.
    for key in await store.table_keys_of_participant(
        uow.session, event.olympiad_id, event.participant_id, event.subject_code
    ):
        await _preliminary_if_ready(uow, key, "service:registration")
    await uow.commit()


async def on_works_decoded(event: WorksDecoded, uow: UnitOfWork) -> None:
    key = TableKey(event.olympiad_id, event.subject_code, event.grade)
    await store.mark_subject_grade(uow.session, key, decoded_at=uow.clock.now())
    await store.save_decoded_works(
        uow.session, key, [(work.work_code, work.participant_id) for work in event.works]
    )
    await uow.audit(
        actor="service:coding",
        action="results.decoding_received",
        object_type="result_table",
        object_id=_object_id(key),
        payload={"works": len(event.works)},
    )
    await _preliminary_if_ready(uow, key, "service:coding")
    await uow.commit()


async def on_subject_grade_checked(event: SubjectGradeChecked, uow: UnitOfWork) -> None:
    key = TableKey(event.olympiad_id, event.subject_code, event.grade)
    if event.task_max:
        max_total = sum(event.task_max.values(), Decimal(0))
    else:
        max_total = max((work.max_total for work in event.works), default=Decimal(0))
    now = uow.clock.now()
    await store.mark_subject_grade(uow.session, key, checked_at=now, max_total=max_total)
    # A repeated statement never overwrites a score an appeal has changed since.
    await store.save_scored_works(
        uow.session, key, [_score_values(work, uow) for work in event.works], replace=False
    )
    await uow.audit(
        actor="service:scoring",
        action="results.scores_received",
        object_type="result_table",
        object_id=_object_id(key),
        payload={"works": len(event.works), "max_total": str(max_total)},
    )
    await _preliminary_if_ready(uow, key, "service:scoring")
    await uow.commit()


async def on_work_rescored(event: WorkRescored, uow: UnitOfWork) -> None:
    """An appeal changed a work (§112, §116): it counts in the next (final) version only."""
    key = TableKey(event.olympiad_id, event.subject_code, event.grade)
    await store.save_scored_works(uow.session, key, [_score_values(event.work, uow)], replace=True)
    await uow.audit(
        actor="service:scoring",
        action="results.work_rescored",
        object_type="work",
        object_id=event.work.work_code,
        payload={
            "appeal_id": str(event.appeal_id),
            "total": None if event.work.total is None else str(event.work.total),
            "annulled": event.work.annulled,
        },
    )
    await uow.commit()


async def set_quota_policy(
    olympiad_id: uuid.UUID, policy: QuotaPolicy, uow: UnitOfWork, *, actor: str
) -> QuotaPolicy:
    stored = results.policy_to_json(policy)
    await store.save_policy(uow.session, olympiad_id, stored, actor, uow.clock.now())
    await uow.audit(
        actor=actor,
        action="quota_policy.set",
        object_type="olympiad",
        object_id=str(olympiad_id),
        payload=stored,
    )
    await uow.commit()
    return policy


async def quota_policy(olympiad_id: uuid.UUID, uow: UnitOfWork) -> QuotaPolicy:
    return await results.current_policy(uow, olympiad_id)


async def decide_tie(command: DecideTie, uow: UnitOfWork, *, actor: str) -> None:
    """Record the chair's ruling after checking that the group really stands at a boundary."""
    key = command.key
    rows = await results.result_rows(uow, key)
    if rows is None:
        raise _not_ready(key)
    policy = await results.current_policy(uow, key.olympiad_id)
    others = [d for d in await results.chair_rulings(uow, key) if d.total != command.total]
    try:
        standing = results.standing_rulings(rows, policy, others)
        build_table(rows, policy, [*standing, ChairDecision(command.total, command.status)])
    except RankingRuleError as exc:
        raise Conflict(str(exc), type_="ranking-rule") from exc
    except ValueError as exc:
        raise Conflict(
            f"Рейтинговую таблицу построить нельзя: {exc}", type_="ranking-rule"
        ) from exc
    await store.save_chair_decision(
        uow.session, key, command.total, str(command.status), actor, uow.clock.now()
    )
    await uow.audit(
        actor=actor,
        action="results.tie_decided",
        object_type="result_table",
        object_id=_object_id(key),
        payload={"total": points_text(command.total), "status": str(command.status)},
    )
    await uow.commit()


async def publish_final(key: TableKey, uow: UnitOfWork, *, actor: str) -> StoredVersion:
    """A new FINAL version from the current scores, after appeals (§117–121)."""
    table = await results.current_table(uow, key)
    if table is None:
        raise _not_ready(key)
    if table.unresolved_ties:
        groups = "; ".join(
            f"сумма {points_text(tie.total)} — {len(tie.participant_ids)} чел., мест по квоте"
            f" осталось {tie.places_left}, статус «{tie.upper}» или «{tie.default}»"
            for tie in table.unresolved_ties
        )
        raise Conflict(
            "Итоговые результаты нельзя утвердить: на границе квоты есть группы участников с"
            f" равными баллами без решения председателя жюри ({groups}). Примите решение для"
            " каждой группы (tie-decisions) и повторите.",
            type_="undecided-tie",
            undecided_totals=[points_text(tie.total) for tie in table.unresolved_ties],
            ties=[
                {
                    "total": points_text(tie.total),
                    "participants": len(tie.participant_ids),
                    "places_left": tie.places_left,
                    # Best first: what the chair may choose for the whole group (§117).
                    "statuses": [
                        str(s) for s in Status if tie.upper.rank <= s.rank <= tie.default.rank
                    ],
                }
                for tie in table.unresolved_ties
            ],
        )
    stored = await results.publish_version(uow, key, table, results.FINAL, actor)
    await uow.commit()
    return stored


async def heal_preliminary(uows: UnitOfWorkFactory) -> int:
    """Sweep job: publish preliminary tables a lost or out-of-order message left unbuilt."""
    healed = 0
    async with uows() as uow:
        pending = await store.pending_preliminary(uow.session)
    for key in pending:
        async with uows() as uow:
            if await _preliminary_if_ready(uow, key, "service:publishing-sweeper"):
                healed += 1
            await uow.commit()
    return healed


async def _preliminary_if_ready(uow: UnitOfWork, key: TableKey, actor: str) -> bool:
    try:
        return await results.try_preliminary(uow, key, actor) is not None
    except Problem as problem:
        # The copies just received must still be kept; the table waits for the chair or a fix.
        log.error(
            "preliminary table not built",
            extra={"table": _object_id(key), "detail": problem.detail},
        )
        return False


def _score_values(work: ScoredWork, uow: UnitOfWork) -> dict[str, object]:
    return {
        "work_code": work.work_code,
        "total": work.total,
        "annulled": work.annulled,
        "annulment_reason": work.annulment_reason,
        "task_scores": {task: str(points) for task, points in work.task_scores.items()},
        "updated_at": uow.clock.now(),
    }


def _not_ready(key: TableKey) -> Conflict:
    return Conflict(
        f"Результаты по предмету «{results.subject_name(key.subject_code)}», {key.grade} класс,"
        " ещё не готовы: нужны расшифровка работ и проверенные баллы всех работ. Дождитесь"
        " расшифровки (§61, §65) и повторите.",
        type_="results-not-ready",
    )


def _object_id(key: TableKey) -> str:
    return f"{key.olympiad_id}/{key.subject_code}/{key.grade}"
