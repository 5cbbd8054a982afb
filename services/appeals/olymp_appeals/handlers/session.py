"""What the commission has before it at a hearing (§103, §105–108): the appeal, the work's code
(to open the checked work and the marking rounds, §108), the current points, the listed members
and the votes cast so far. Only a listed member of the subject's commission reads it: the code
beside the participant is theirs to see, no one else's (§60–62).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from olymp_appeals import store
from olymp_appeals.domain import AppealNotFound, Commission, CommissionNotSet
from olymp_appeals.handlers.common import require_member, require_subject
from olymp_core.auth import Principal
from olymp_core.db import UnitOfWork


@dataclass(frozen=True)
class HearingView:
    appeal: store.AppealRow
    work: store.WorkRow | None
    commission: Commission
    votes: list[store.VoteRow]
    person: store.Person | None  # None until registration's event arrived


async def hearing_view(
    olympiad_id: uuid.UUID, appeal_id: uuid.UUID, uow: UnitOfWork, actor: Principal
) -> HearingView:
    row = await store.get_appeal(uow.session, olympiad_id, appeal_id)
    if row is None:
        raise AppealNotFound(f"Апелляция {appeal_id} в этой олимпиаде не найдена. Проверьте номер.")
    require_subject(actor, row.subject_code)
    listed = await store.get_commission(uow.session, olympiad_id, row.subject_code)
    if listed is None:
        raise CommissionNotSet(
            "Состав апелляционной комиссии по этому предмету не утверждён: организатор должен"
            " указать её членов и председателя."
        )
    commission = Commission(tuple(listed[0]), listed[1])
    require_member(commission, actor)
    work = await store.get_work(uow.session, olympiad_id, row.subject_code, row.work_code)
    votes = await store.list_votes(uow.session, row.appeal_id)
    person = await store.person_of(uow.session, row.participant_id)
    return HearingView(row, work, commission, votes, person)
