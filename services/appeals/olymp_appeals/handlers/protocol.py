"""The appeal protocol (App. 9, §115–116) of a decided appeal, for those who sign or use it:
the commission's listed members, the organiser (§116: the protocols go to the organising
committee) and the jury chair of the subject (§117: the rating table changes by them).
Every copy is audited, so it is a command and commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from olymp_appeals import store
from olymp_appeals.documents import appeal_protocol
from olymp_appeals.domain import AppealNotFound, Commission, CommissionNotSet, NotDecidedYet
from olymp_appeals.handlers.common import require_member, require_subject
from olymp_appeals.handlers.review import decision_as_taken
from olymp_core import protocol_documents
from olymp_core.auth import Principal, Role
from olymp_core.db import UnitOfWork


@dataclass(frozen=True)
class ProtocolCopy:
    data: bytes
    filename: str


async def protocol_copy(
    olympiad_id: uuid.UUID, appeal_id: uuid.UUID, extension: str, uow: UnitOfWork, actor: Principal
) -> ProtocolCopy:
    row = await store.get_appeal(uow.session, olympiad_id, appeal_id)
    if row is None:
        raise AppealNotFound(f"Апелляция {appeal_id} в этой олимпиаде не найдена. Проверьте номер.")
    require_subject(actor, row.subject_code)
    listed = await store.get_commission(uow.session, olympiad_id, row.subject_code)
    if listed is None:
        raise CommissionNotSet("Состав апелляционной комиссии по этому предмету не утверждён.")
    commission = Commission(tuple(listed[0]), listed[1])
    if not actor.has_role(Role.MUNICIPAL_COORDINATOR, Role.JURY_CHAIR):
        require_member(commission, actor)
    if row.decided_at is None or row.scores_before is None:
        raise NotDecidedYet(
            "Протокол апелляции оформляется по принятому решению (п. 115), а комиссия его ещё не "
            "приняла: проведите голосование и подведите итог."
        )
    decision = await decision_as_taken(uow, row, commission)
    title, time_zone = await store.olympiad_title_and_zone(uow.session, olympiad_id) or ("", "UTC")
    work = await store.get_work(uow.session, olympiad_id, row.subject_code, row.work_code)
    task_max = {int(n): v for n, v in ((work.task_max if work else None) or {}).items()}
    document = appeal_protocol(
        olympiad_title=title,
        time_zone=time_zone,
        row=row,
        person=await store.person_of(uow.session, row.participant_id),
        task_max=task_max,
        decision=decision,
        commission=commission,
    )
    data = protocol_documents.render(document, extension)
    await uow.audit(
        actor=actor.subject,
        action="appeal.protocol_issued",
        object_type="appeal",
        object_id=str(appeal_id),
        payload={"format": extension},
    )
    await uow.commit()
    return ProtocolCopy(data, f"appeal-{str(appeal_id)[:8]}.{extension}")
