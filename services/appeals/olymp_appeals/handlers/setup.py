"""Before the hearing: the analysis and show with the filing window they open (§82–89, §96), the
commission (§102), registering appeals.

Each command handler takes `(command, uow, actor)` and commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_appeals import store
from olymp_appeals.domain import (
    AlreadyFiled,
    AppealRuleError,
    Commission,
    CommissionFrozen,
    OlympiadUnknown,
    ShowSchedule,
    WindowNotSet,
    WorkingDayCalendar,
    appeal_deadline,
    file_appeal,
)
from olymp_appeals.handlers.common import FILED, announce_state, require_subject, work_scores
from olymp_core.auth import Principal
from olymp_core.clock import zone
from olymp_core.db import UnitOfWork


@dataclass(frozen=True)
class SetShowSchedule:
    olympiad_id: uuid.UUID
    subject_code: str
    schedule: ShowSchedule


@dataclass(frozen=True)
class AppealWindow:
    opens_at: dt.datetime
    deadline: dt.datetime
    time_zone: str  # the olympiad's, in which the deadline was counted


@dataclass(frozen=True)
class SetCommission:
    olympiad_id: uuid.UUID
    subject_code: str
    members: tuple[str, ...]
    chair: str


@dataclass(frozen=True)
class FileAppeal:
    olympiad_id: uuid.UUID
    participant_id: uuid.UUID
    subject_code: str
    task_numbers: tuple[int, ...]
    statement: str
    review_without_participant: bool


async def set_show_schedule(
    command: SetShowSchedule, uow: UnitOfWork, actor: Principal, *, calendar: WorkingDayCalendar
) -> AppealWindow:
    """§82–89, §96: the analysis of tasks and the show of works; filing opens when the show
    starts and closes at the end of the second working day after it ends.

    The working days are counted in the olympiad's own time zone, which registration announced
    with OlympiadCreated — never in one a caller names.
    """
    time_zone = await store.olympiad_zone(uow.session, command.olympiad_id)
    if time_zone is None:
        raise OlympiadUnknown(
            f"Служба апелляций ещё не получила от регистрации сведения об олимпиаде "
            f"{command.olympiad_id}, а срок подачи считается в её часовом поясе. Проверьте "
            "идентификатор олимпиады; если она создана только что, повторите через минуту."
        )
    try:
        zone(time_zone)
    except ValueError:
        raise AppealRuleError(
            f"Часовой пояс олимпиады «{time_zone}» не известен этой службе: обновите базу "
            "часовых поясов (пакет tzdata) на сервере апелляций."
        ) from None
    schedule = command.schedule
    deadline = appeal_deadline(schedule.show_ends_at, calendar, time_zone)
    window = store.Window(schedule.show_ends_at, time_zone, deadline, schedule.opens_at, schedule)
    await store.upsert_window(
        uow.session, command.olympiad_id, command.subject_code, window, uow.clock.now()
    )
    await uow.audit(
        actor=actor.subject,
        action="show_schedule.set",
        object_type="subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={
            "schedule": store.schedule_to_json(schedule),
            "time_zone": time_zone,
            "opens_at": schedule.opens_at,
            "deadline": deadline,
        },
    )
    await announce_state(uow, command.olympiad_id, command.subject_code)
    await uow.commit()
    return AppealWindow(schedule.opens_at, deadline, time_zone)


async def public_schedule(olympiad_id: uuid.UUID, uow: UnitOfWork) -> dict[str, store.Window]:
    """Every subject's analysis, show and filing window, as the olympiad's page publishes them."""
    return await store.windows_of(uow.session, olympiad_id)


async def set_commission(command: SetCommission, uow: UnitOfWork, actor: Principal) -> Commission:
    """§102: the listed composition; frozen once anyone voted, since §106 counts against it."""
    commission = Commission(command.members, command.chair)
    if await store.subject_has_votes(uow.session, command.olympiad_id, command.subject_code):
        raise CommissionFrozen(
            "Члены апелляционной комиссии уже голосовали по апелляциям этого предмета: состав"
            " нельзя изменить, иначе изменится большинство от списочного состава (п. 106)."
        )
    await store.upsert_commission(
        uow.session,
        command.olympiad_id,
        command.subject_code,
        list(commission.members),
        commission.chair,
        uow.clock.now(),
    )
    await uow.audit(
        actor=actor.subject,
        action="appeal_commission.set",
        object_type="subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={"members": list(commission.members), "chair": commission.chair},
    )
    await uow.commit()
    return commission


async def register_appeal(
    command: FileAppeal, uow: UnitOfWork, actor: Principal
) -> store.AppealRow:
    """§96–98, §105: register a written appeal at the clock's now, or refuse it."""
    require_subject(actor, command.subject_code)
    session = uow.session
    window = await store.get_window(session, command.olympiad_id, command.subject_code)
    if window is None:
        raise WindowNotSet(
            "Срок подачи апелляций по этому предмету ещё не установлен: сначала организатор "
            "назначает анализ заданий и показ работ (analysis-and-show)."
        )
    work_row = await store.find_work(
        session, command.olympiad_id, command.subject_code, command.participant_id
    )
    work = work_scores(work_row, command.participant_id, command.subject_code)
    assert work_row is not None
    existing = await store.find_appeal_of(
        session, command.olympiad_id, command.subject_code, command.participant_id
    )
    if existing is not None:
        earlier = await store.get_appeal(session, command.olympiad_id, existing)
        assert earlier is not None
        if (
            sorted(earlier.task_numbers),
            earlier.statement,
            earlier.review_without_participant,
        ) == (sorted(command.task_numbers), command.statement, command.review_without_participant):
            return earlier  # the same appeal sent again (a retry after a lost answer)
        raise AlreadyFiled(
            f"Апелляция участника по этому предмету уже зарегистрирована (№ {existing})."
            " Рассмотрите её; повторная подача не предусмотрена.",
            appeal_id=str(existing),
        )
    filed_at = uow.clock.now()
    appeal = file_appeal(
        work,
        command.task_numbers,
        filed_at,
        window.deadline,
        window.time_zone,
        opens_at=window.opens_at,
        review_without_participant=command.review_without_participant,
    )
    appeal_id = uuid.uuid4()
    await store.insert_appeal(
        session,
        appeal_id=appeal_id,
        olympiad_id=command.olympiad_id,
        subject_code=command.subject_code,
        grade=work_row.grade,
        participant_id=command.participant_id,
        work_code=work_row.work_code,
        task_numbers=list(appeal.task_numbers),
        statement=command.statement,
        review_without_participant=appeal.review_without_participant,
        filed_at=filed_at,
        deadline=window.deadline,
        registered_by=actor.subject,
        status=FILED,
    )
    await uow.audit(
        actor=actor.subject,
        action="appeal.filed",
        object_type="appeal",
        object_id=str(appeal_id),
        payload={
            "work_code": work_row.work_code,
            "tasks": list(appeal.task_numbers),
            "filed_at": filed_at,
            "deadline": window.deadline,
        },
    )
    row = await store.get_appeal(session, command.olympiad_id, appeal_id)
    await announce_state(uow, command.olympiad_id, command.subject_code)
    await uow.commit()
    assert row is not None
    return row


async def appeals_of(
    olympiad_id: uuid.UUID, subject_code: str | None, uow: UnitOfWork
) -> list[store.AppealRow]:
    return await store.list_appeals(uow.session, olympiad_id, subject_code)
