"""The organiser's set-up: a round's day and times with its briefing, and the commissions' rosters.

Each command locks the olympiad's row, checks every rule against what is stored, audits what
changed and commits.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.auth import Principal
from olymp_core.contracts.registration import ScheduledRound, SubjectScheduleChanged
from olymp_core.db import UnitOfWork
from olymp_core.subjects import ORAL_ROUND, UnknownSubject, subject
from olymp_registration import store
from olymp_registration.domain import (
    EndWarnings,
    InvalidOlympiad,
    Olympiad,
    RoundSlot,
    SubjectNotScheduled,
    SubjectSchedule,
    comparison_key,
)
from olymp_registration.handlers.olympiads import get_olympiad
from olymp_registration.setup import store as setup_store
from olymp_registration.setup.domain import (
    Commission,
    Member,
    MemberNotFound,
    Position,
    Roster,
    SchoolOfParticipants,
    Seat,
    SetupRefused,
    flag_conflicts,
    login_problems,
    position_problems,
    round_problems,
)


@dataclass(frozen=True)
class ScheduleRound:
    olympiad_id: uuid.UUID
    subject_code: str
    round_code: str
    day: dt.date
    starts_at: dt.time
    ends_at: dt.time
    briefing_at: dt.time | None = None


@dataclass(frozen=True)
class Schedule:
    olympiad_id: uuid.UUID
    olympiad: Olympiad
    briefings: dict[tuple[str, str], dt.time]


@dataclass(frozen=True)
class AddMember:
    olympiad_id: uuid.UUID
    member: Member


@dataclass(frozen=True)
class UpdateMember:
    olympiad_id: uuid.UUID
    member_id: uuid.UUID
    member: Member


@dataclass(frozen=True)
class RemoveMember:
    olympiad_id: uuid.UUID
    member_id: uuid.UUID


async def schedule(olympiad_id: uuid.UUID, uow: UnitOfWork) -> Schedule:
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    return Schedule(olympiad_id, olympiad, await setup_store.briefings(uow.session, olympiad_id))


async def schedule_round(command: ScheduleRound, uow: UnitOfWork, actor: Principal) -> Schedule:
    """Add a round to a subject (the oral round of German or French, §60) or change a round's
    day and times. The day of the first round stays as the olympiad was created with it: the
    materials' release instants were set from it (§24)."""
    await store.lock_olympiad(uow.session, command.olympiad_id)
    olympiad = (await get_olympiad(command.olympiad_id, uow)).olympiad
    current = _scheduled(olympiad, command.subject_code)
    known = subject(command.subject_code)
    try:
        known.round(command.round_code)
    except ValueError:
        rounds = ", ".join(f"«{r.code}» ({r.name})" for r in known.rounds)
        raise SetupRefused(
            [
                f"У предмета «{known.name}» нет тура «{command.round_code}»: его туры — {rounds}. "
                "Устный тур проводится только по немецкому и французскому языкам (§60)."
            ]
        ) from None
    earlier = next((s for s in current.rounds if s.round_code == command.round_code), None)
    others = tuple(s for s in current.rounds if s.round_code != command.round_code)
    if earlier is not None and command.round_code != ORAL_ROUND and earlier.day != command.day:
        raise SetupRefused(
            [
                f"День письменного тура по предмету «{known.name}» ({earlier.day:%d.%m.%Y}) задан "
                "при создании олимпиады: от него отсчитана выдача паролей к заданиям и критериям "
                "(§24). Измените время тура в этот день или обратитесь к региональному "
                "координатору."
            ]
        )
    slot = RoundSlot(
        command.round_code,
        command.day,
        command.starts_at,
        command.ends_at,
        earlier.end_warnings if earlier is not None else EndWarnings.P44,
    )
    problems: list[str] = []
    changed = SubjectSchedule(command.subject_code, (*others, slot))
    try:
        olympiad = olympiad.with_subject(changed)
    except InvalidOlympiad as exc:
        problems.extend(exc.problems)
    problems.extend(round_problems(command.subject_code, slot, command.briefing_at, others))
    if problems:
        raise SetupRefused(problems)
    await setup_store.save_round(
        uow.session, command.olympiad_id, command.subject_code, slot, command.briefing_at
    )
    uow.publish(_schedule_changed(command.olympiad_id, olympiad, changed))
    await uow.audit(
        actor=actor.subject,
        action="round.scheduled",
        object_type="round",
        object_id=f"{command.olympiad_id}/{command.subject_code}/{command.round_code}",
        payload={
            "day": command.day.isoformat(),
            "starts_at": command.starts_at.isoformat("minutes"),
            "ends_at": command.ends_at.isoformat("minutes"),
            "briefing_at": (
                None if command.briefing_at is None else command.briefing_at.isoformat("minutes")
            ),
            "added": earlier is None,
        },
    )
    await uow.commit()
    return await schedule(command.olympiad_id, uow)


def _schedule_changed(
    olympiad_id: uuid.UUID, olympiad: Olympiad, changed: SubjectSchedule
) -> SubjectScheduleChanged:
    """Every round of the changed subject with UTC instants: publishing counts §121's term from
    the last one, materials gives participants the criteria after it."""
    rounds = []
    for slot in sorted(changed.rounds, key=lambda s: (s.day, s.starts_at)):
        starts_at, ends_at = olympiad.round_instants(changed.subject_code, slot.round_code)
        rounds.append(
            ScheduledRound(
                round_code=slot.round_code, day=slot.day, starts_at=starts_at, ends_at=ends_at
            )
        )
    return SubjectScheduleChanged(
        olympiad_id=olympiad_id, subject_code=changed.subject_code, rounds=tuple(rounds)
    )


def _scheduled(olympiad: Olympiad, subject_code: str) -> SubjectSchedule:
    try:
        return olympiad.schedule_of(subject_code)
    except (InvalidOlympiad, UnknownSubject) as exc:
        raise SubjectNotScheduled(
            f"{exc} Предметы олимпиады задаются при её создании; проверьте код предмета."
        ) from None


async def rosters(olympiad_id: uuid.UUID, uow: UnitOfWork) -> list[Roster]:
    """The jury and the appeal commission of every subject, in the schedule's order, then the
    orgcommittee; each with the declared conflicts among the participants' schools."""
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    seats = await setup_store.members(uow.session, olympiad_id)
    schools = await setup_store.schools_of_participants(uow.session, olympiad_id)
    found = []
    for schedule_ in olympiad.subjects:
        code = schedule_.subject_code
        for commission in (Commission.JURY, Commission.APPEAL):
            found.append(_roster(commission, code, seats, schools.get(code, [])))
    everyone = [school for listed in schools.values() for school in listed]
    found.append(_roster(Commission.ORGCOMMITTEE, None, seats, everyone))
    return found


async def subject_rosters(
    olympiad_id: uuid.UUID, subject_code: str, uow: UnitOfWork
) -> list[Roster]:
    """The jury and the appeal commission of one subject, for its chair to see the declared
    conflicts too."""
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    _scheduled(olympiad, subject_code)
    return [r for r in await rosters(olympiad_id, uow) if r.subject_code == subject_code]


def _roster(
    commission: Commission,
    subject_code: str | None,
    seats: list[Seat],
    schools: list[SchoolOfParticipants],
) -> Roster:
    # The chair first, then the secretary, then the members alphabetically, as a composition
    # is approved and printed.
    mine = tuple(
        sorted(
            (
                s
                for s in seats
                if s.member.commission is commission and s.member.subject_code == subject_code
            ),
            key=lambda s: (
                list(Position).index(s.member.position),
                comparison_key(s.member.full_name),
            ),
        )
    )
    return Roster(commission, subject_code, mine, flag_conflicts(mine, schools))


async def add_member(command: AddMember, uow: UnitOfWork, actor: Principal) -> Seat:
    await store.lock_olympiad(uow.session, command.olympiad_id)
    await _check_member(command.olympiad_id, None, command.member, uow)
    seat = Seat(uuid.uuid4(), command.member)
    await setup_store.add_member(
        uow.session, command.olympiad_id, seat, at=uow.clock.now(), by=actor.subject
    )
    await _audit(uow, actor, "commission.member_added", command.olympiad_id, seat)
    await uow.commit()
    return seat


async def update_member(command: UpdateMember, uow: UnitOfWork, actor: Principal) -> Seat:
    await store.lock_olympiad(uow.session, command.olympiad_id)
    await _find(command.olympiad_id, command.member_id, uow)
    await _check_member(command.olympiad_id, command.member_id, command.member, uow)
    seat = Seat(command.member_id, command.member)
    await setup_store.update_member(
        uow.session, command.olympiad_id, seat, at=uow.clock.now(), by=actor.subject
    )
    await _audit(uow, actor, "commission.member_changed", command.olympiad_id, seat)
    await uow.commit()
    return seat


async def remove_member(command: RemoveMember, uow: UnitOfWork, actor: Principal) -> None:
    await store.lock_olympiad(uow.session, command.olympiad_id)
    seat = await _find(command.olympiad_id, command.member_id, uow)
    await setup_store.delete_member(uow.session, command.olympiad_id, command.member_id)
    await _audit(uow, actor, "commission.member_removed", command.olympiad_id, seat)
    await uow.commit()


async def _find(olympiad_id: uuid.UUID, member_id: uuid.UUID, uow: UnitOfWork) -> Seat:
    for seat in await setup_store.members(uow.session, olympiad_id):
        if seat.member_id == member_id:
            return seat
    raise MemberNotFound(
        f"В составах комиссий этой олимпиады нет записи {member_id}: обновите страницу."
    )


async def _check_member(
    olympiad_id: uuid.UUID, member_id: uuid.UUID | None, member: Member, uow: UnitOfWork
) -> None:
    olympiad = (await get_olympiad(olympiad_id, uow)).olympiad
    if member.subject_code is not None:
        _scheduled(olympiad, member.subject_code)
    others = [
        s.member
        for s in await setup_store.members(
            uow.session, olympiad_id, commission=member.commission, subject_code=member.subject_code
        )
        if s.member_id != member_id
    ]
    problems = position_problems(member, others) + login_problems(member, others)
    if problems:
        raise SetupRefused(problems)


async def _audit(
    uow: UnitOfWork, actor: Principal, action: str, olympiad_id: uuid.UUID, seat: Seat
) -> None:
    member = seat.member
    await uow.audit(
        actor=actor.subject,
        action=action,
        object_type="commission_member",
        object_id=f"{olympiad_id}/{seat.member_id}",
        payload={
            "commission": member.commission.value,
            "subject_code": member.subject_code,
            "position": member.position.value,
            "full_name": member.full_name,
            "login": member.login,
            "conflicts": [
                {"kind": c.kind.value, "school": c.school, "note": c.note} for c in member.conflicts
            ],
        },
    )
