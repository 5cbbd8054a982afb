"""Events, commands and queries of coding: check-ins and removals, the code table, decoding.

Event handlers `on_<event>(event, uow)` never commit: the consumer commits their work with the inbox
row. A command handler takes `(command, uow, actor)` and commits; a query takes its arguments and
the uow and does not.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from olymp_coding import store
from olymp_coding.domain import (
    Attendance,
    CheckState,
    CodeAssignment,
    Decision,
    DecodingRefused,
    GradeGate,
    JuryTableRow,
    RandomSource,
    WorkCheck,
    WorkToCode,
    assign_codes,
    can_decode,
    grade_gate,
    jury_table,
)
from olymp_coding.scans import store as scans_store
from olymp_coding.store import StoredDecoding, StoredWork
from olymp_core.auth import Principal, ScopeKind
from olymp_core.contracts.coding import DecodedWork, WorkCoded, WorksDecoded, WorkWithdrawn
from olymp_core.contracts.registration import ParticipantCheckedIn, ParticipantRemoved
from olymp_core.contracts.scoring import SubjectGradeChecked
from olymp_core.db import UnitOfWork
from olymp_core.subjects import subject

log = logging.getLogger("olymp.coding")

SYSTEM_ACTOR = "coding"
# What a withdrawn work carries instead of the act's free text, which may name the person (§53).
WITHDRAWAL_REASON = "Участник удалён с олимпиады по акту (п. 53)"
CODE_PROBES = 20  # drawn codes found taken before the whole list of issued codes is read


@dataclass(frozen=True)
class ReadCodeTable:
    olympiad_id: uuid.UUID
    subject_code: str


@dataclass(frozen=True)
class Decode:
    olympiad_id: uuid.UUID
    subject_code: str
    grade: int


async def code_work(
    uow: UnitOfWork,
    *,
    olympiad_id: uuid.UUID,
    participant_id: uuid.UUID,
    subject_code: str,
    task_grade: int,
    rng: RandomSource,
    prefix: str = "",
) -> CodeAssignment | None:
    """Code a present participant's work unless it exists or was removed; does not commit.

    Returns the new assignment, or None when there was nothing to do. Shared by the check-in
    consumer and the sweeper, so both heal the same way.
    """
    session = uow.session
    await store.lock_participant(session, olympiad_id, participant_id, subject_code)
    mark = await store.attendance_of(session, olympiad_id, participant_id, subject_code)
    if mark is Attendance.REMOVED:
        return None
    await store.record_attendance(
        session,
        olympiad_id=olympiad_id,
        participant_id=participant_id,
        subject_code=subject_code,
        mark=Attendance.PRESENT,
        task_grade=task_grade,
        at=uow.clock.now(),
    )
    if await store.work_of(session, olympiad_id, participant_id, subject_code) is not None:
        return None
    work = WorkToCode(
        work_id=str(uuid.uuid4()),
        registration_id=str(participant_id),
        subject=subject_code,
        grade=task_grade,
        attendance=Attendance.PRESENT,
    )
    # A fresh code is checked against the olympiad's codes one indexed lookup at a time: reading
    # every issued code for each check-in made coding a day of 10,000 works quadratic. Drawn
    # codes are rarely taken (17^6 of them); after CODE_PROBES misses the whole list is read,
    # so a prefix that has run out of codes is refused as before.
    taken: set[str] = set()
    while True:
        (assignment,) = assign_codes(
            [work], rng, taken, coded=subject(subject_code).coded, prefix=prefix
        )
        if not assignment.coded or not await store.code_taken(
            session, olympiad_id, assignment.work_code
        ):
            break
        taken.add(assignment.work_code)
        if len(taken) >= CODE_PROBES:
            taken = await store.codes_of_olympiad(session, olympiad_id)
    inserted = await store.insert_work(
        session,
        work_id=uuid.UUID(assignment.work_id),
        olympiad_id=olympiad_id,
        participant_id=participant_id,
        subject_code=subject_code,
        task_grade=task_grade,
        work_code=assignment.work_code,
        coded=assignment.coded,
        at=uow.clock.now(),
    )
    if not inserted:
        return None
    uow.publish(
        WorkCoded(
            olympiad_id=olympiad_id,
            work_code=assignment.work_code,
            subject_code=subject_code,
            task_grade=task_grade,
        )
    )
    # The audit trail is readable by observers: it names the work, never the participant.
    await uow.audit(
        actor=SYSTEM_ACTOR,
        action="work.coded",
        object_type="work",
        object_id=assignment.work_id,
        payload={"subject_code": subject_code, "task_grade": task_grade, "coded": assignment.coded},
    )
    return assignment


async def on_participant_checked_in(
    event: ParticipantCheckedIn, uow: UnitOfWork, *, prefix: str = ""
) -> None:
    """Present: a work with a fresh code (§60). Absent: remembered, no work.

    `prefix` is the service's `code_prefix`, bound in `main.build` (the default is the settings'
    own: no prefix).
    """
    if event.present:
        await code_work(
            uow,
            olympiad_id=event.olympiad_id,
            participant_id=event.participant_id,
            subject_code=event.subject_code,
            task_grade=event.task_grade,
            rng=random.SystemRandom(),
            prefix=prefix,
        )
    else:
        await store.lock_participant(
            uow.session, event.olympiad_id, event.participant_id, event.subject_code
        )
        existing = await store.work_of(
            uow.session, event.olympiad_id, event.participant_id, event.subject_code
        )
        if existing is None:
            await store.record_attendance(
                uow.session,
                olympiad_id=event.olympiad_id,
                participant_id=event.participant_id,
                subject_code=event.subject_code,
                mark=Attendance.ABSENT,
                task_grade=event.task_grade,
                at=uow.clock.now(),
            )
        else:
            log.warning(
                "absence reported for a participant whose work is already coded; kept the work",
                extra={"olympiad_id": str(event.olympiad_id), "subject": event.subject_code},
            )


async def on_participant_removed(event: ParticipantRemoved, uow: UnitOfWork) -> None:
    """Removal (§53): withdraw the work, or remember it so that no work is ever coded."""
    session = uow.session
    await store.lock_participant(
        session, event.olympiad_id, event.participant_id, event.subject_code
    )
    work = await store.work_of(session, event.olympiad_id, event.participant_id, event.subject_code)
    await store.record_attendance(
        session,
        olympiad_id=event.olympiad_id,
        participant_id=event.participant_id,
        subject_code=event.subject_code,
        mark=Attendance.REMOVED,
        removal_reason=event.reason,
        at=uow.clock.now(),
    )
    if work is not None and not work.withdrawn:
        # The act's free text may name the participant; beside a work code it would undo the
        # coding, so it stays on the attendance row and the work carries the fixed wording.
        await store.withdraw_work(session, work.work_id, WITHDRAWAL_REASON, uow.clock.now())
        uow.publish(
            WorkWithdrawn(
                olympiad_id=event.olympiad_id, work_code=work.work_code, reason=WITHDRAWAL_REASON
            )
        )
        await uow.audit(
            actor=SYSTEM_ACTOR,
            action="work.withdrawn",
            object_type="work",
            object_id=str(work.work_id),
            payload={"work_code": work.work_code, "reason": WITHDRAWAL_REASON},
        )


async def on_subject_grade_checked(event: SubjectGradeChecked, uow: UnitOfWork) -> None:
    """Scoring's word on which works are checked or annulled: the decoding gate's truth.

    A subject and grade decoded before a late work was coded (a participant checked in late, a
    lost check-in healed by the sweeper) has that work decoded here, once scoring says it too is
    checked: without it the work's scores would never meet a name and never reach the results.
    """
    states = {
        scored.work_code: CheckState.ANNULLED if scored.annulled else CheckState.CHECKED
        for scored in event.works
    }
    await store.set_check_states(uow.session, event.olympiad_id, event.subject_code, states)
    late = await _decode_late_works(
        uow, event.olympiad_id, event.subject_code, event.grade, actor=SYSTEM_ACTOR
    )
    if late is not None and late.added:
        log.info(
            "works coded after decoding were decoded",
            extra={
                "olympiad_id": str(event.olympiad_id),
                "subject": event.subject_code,
                "grade": event.grade,
                "works": late.added,
            },
        )


async def list_works(
    olympiad_id: uuid.UUID, subject_code: str, grade: int | None, uow: UnitOfWork
) -> Sequence[StoredWork]:
    return await store.works_of(uow.session, olympiad_id, subject_code, grade)


async def read_code_table(
    command: ReadCodeTable, uow: UnitOfWork, actor: Principal
) -> Sequence[StoredWork]:
    """The sealed code↔participant table; every read leaves an audit entry, hence the commit."""
    entries = await store.works_of(uow.session, command.olympiad_id, command.subject_code)
    await uow.audit(
        actor=actor.subject,
        action="code_table.read",
        object_type="subject",
        object_id=f"{command.olympiad_id}/{command.subject_code}",
        payload={"entries": len(entries)},
    )
    await uow.commit()
    return entries


async def jury_table_rows(
    olympiad_id: uuid.UUID, subject_code: str, grade: int, uow: UnitOfWork
) -> tuple[JuryTableRow, ...]:
    """Codes for the jury (§64); withdrawn works are annulled and never checked, so left out."""
    stored = await store.works_of(uow.session, olympiad_id, subject_code, grade)
    return jury_table(
        CodeAssignment(
            work_id=str(work.work_id),
            registration_id=str(work.participant_id),
            subject=work.subject_code,
            grade=work.task_grade,
            work_code=work.work_code,
            coded=work.coded,
        )
        for work in stored
        if not work.withdrawn
    )


@dataclass(frozen=True)
class Decoding:
    decoded: int
    first_time: bool


@dataclass(frozen=True)
class LateDecoding:
    """Works coded after their subject and grade was decoded, and what became of them."""

    decoded: int  # works the decoding covers now
    added: int  # decoded by this call
    waiting: Decision | None  # the gate's refusal while a late work is not checked yet


async def _decode_late_works(
    uow: UnitOfWork, olympiad_id: uuid.UUID, subject_code: str, grade: int, *, actor: str
) -> LateDecoding | None:
    """Decode the works coded after the subject and grade was decoded, once the gate (§61) holds
    again; does not commit.

    The officer's decision to decode covers the subject and grade: a work that joins it later
    is decoded under it as soon as it is checked, and `WorksDecoded` is announced again with every
    work of the subject and grade (its consumers keep pairs idempotently).
    """
    session = uow.session
    # taken by every decoding (the first one comes through here too): the manual queue waits
    await store.lock_grade(session, olympiad_id, subject_code, grade)
    decoded = await store.lock_decoding(session, olympiad_id, subject_code, grade)
    if decoded is None:
        return None  # not decoded yet: the officer decodes every work at once
    stored = await store.works_of(session, olympiad_id, subject_code, grade)
    if len(stored) <= decoded:
        return LateDecoding(decoded, 0, None)
    decision = can_decode(WorkCheck(work.work_code, work.state) for work in stored)
    if not decision.allowed:
        return LateDecoding(decoded, 0, decision)
    await store.set_decoded_count(session, olympiad_id, subject_code, grade, len(stored))
    await _announce_decoding(
        uow,
        olympiad_id,
        subject_code,
        grade,
        stored,
        actor=actor,
        payload={"decoded": len(stored), "coded_after_decoding": len(stored) - decoded},
    )
    return LateDecoding(len(stored), len(stored) - decoded, None)


async def _announce_decoding(
    uow: UnitOfWork,
    olympiad_id: uuid.UUID,
    subject_code: str,
    grade: int,
    stored: Sequence[StoredWork],
    *,
    actor: str,
    payload: dict[str, int],
) -> None:
    """WorksDecoded with every work of the subject and grade, and its audit entry (no commit)."""
    uow.publish(
        WorksDecoded(
            olympiad_id=olympiad_id,
            subject_code=subject_code,
            grade=grade,
            works=tuple(
                DecodedWork(work_code=work.work_code, participant_id=work.participant_id)
                for work in stored
            ),
        )
    )
    await uow.audit(
        actor=actor,
        action="works.decoded",
        object_type="subject_grade",
        object_id=f"{olympiad_id}/{subject_code}/{grade}",
        payload=payload,
    )


async def decode(command: Decode, uow: UnitOfWork, actor: Principal) -> Decoding:
    """Open the codes of a subject and grade once every work is checked or annulled (§61, §65).

    Raises DecodingRefused while the gate is closed. A second call returns the first result —
    unless works were coded after it: those are decoded now if checked, and refused visibly while
    any is not (they are also decoded without a call, when scoring reports them checked).
    """
    session = uow.session
    olympiad_id, subject_code, grade = command.olympiad_id, command.subject_code, command.grade
    late = await _decode_late_works(uow, olympiad_id, subject_code, grade, actor=actor.subject)
    if late is not None:
        if late.waiting is not None:
            raise DecodingRefused(
                f"Работы этого класса уже декодированы ({late.decoded}), но после этого "
                "зашифрованы ещё работы (участник зарегистрирован позже), и не все они "
                f"проверены: {', '.join(late.waiting.unchecked_codes)}. Они будут декодированы "
                "сами, как только жюри их проверит (п. 61).",
                unchecked_codes=list(late.waiting.unchecked_codes),
            )
        if late.added:
            await uow.commit()
        return Decoding(decoded=late.decoded, first_time=False)
    stored = await store.works_of(session, olympiad_id, subject_code, grade)
    decision = can_decode(WorkCheck(work.work_code, work.state) for work in stored)
    if not decision.allowed:
        raise DecodingRefused(decision.reason, unchecked_codes=list(decision.unchecked_codes))
    recorded = await store.insert_decoding(
        session,
        olympiad_id=olympiad_id,
        subject_code=subject_code,
        grade=grade,
        count=len(stored),
        at=uow.clock.now(),
        by=actor.subject,
    )
    if not recorded:  # a concurrent request decoded first; its result stands
        count = await store.decoded_count(session, olympiad_id, subject_code, grade)
        return Decoding(decoded=count or 0, first_time=False)
    await _announce_decoding(
        uow,
        olympiad_id,
        subject_code,
        grade,
        stored,
        actor=actor.subject,
        payload={"decoded": len(stored)},
    )
    await uow.commit()
    return Decoding(decoded=len(stored), first_time=True)


@dataclass(frozen=True)
class SubjectGradeGate:
    """The decoding gate of one subject and grade, for the officer's screen."""

    subject_code: str
    grade: int
    gate: GradeGate
    decoding: StoredDecoding | None
    queued_pages: int  # pages of the subject still in the manual queue: a work may lack one


async def decoding_overview(
    olympiad_id: uuid.UUID, uow: UnitOfWork, who: Principal
) -> list[SubjectGradeGate]:
    """Every subject and grade with works, of the subjects `who` is assigned to, with its gate."""
    session = uow.session
    by_grade: dict[tuple[str, int], list[WorkCheck]] = {}
    for work in await store.works_of_olympiad(session, olympiad_id):
        if who.may_access(ScopeKind.SUBJECT, work.subject_code):
            key = (work.subject_code, work.task_grade)
            by_grade.setdefault(key, []).append(WorkCheck(work.work_code, work.state))
    decodings = await store.decodings_of(session, olympiad_id)
    queued = await scans_store.queued_by_subject(session, olympiad_id)
    overview = []
    for (subject_code, grade), checks in sorted(by_grade.items()):
        decoding = decodings.get((subject_code, grade))
        overview.append(
            SubjectGradeGate(
                subject_code,
                grade,
                grade_gate(checks, decoding.decoded_count if decoding else None),
                decoding,
                queued.get(subject_code, 0),
            )
        )
    return overview
