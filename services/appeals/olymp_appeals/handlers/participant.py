"""What a participant reads of their own works and appeals (§91, §95–98, §113).

The participant's token is pinned to them (a required participant scope on the routes), and every
query here is by that participant: no route takes a work code or an appeal of anyone else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from olymp_appeals import store
from olymp_core.db import UnitOfWork


@dataclass(frozen=True)
class ParticipantView:
    olympiad_title: str
    time_zone: str  # the olympiad's: the page shows every time in it
    subjects: list[ParticipantSubject]


@dataclass(frozen=True)
class ParticipantSubject:
    subject_code: str
    work: store.WorkRow
    window: store.Window | None  # the analysis, the show and the filing window, once set
    appeal: store.AppealRow | None


async def participant_view(
    olympiad_id: uuid.UUID, participant_id: uuid.UUID, uow: UnitOfWork
) -> ParticipantView:
    """Each checked and decoded work of the participant, with its subject's window and appeal."""
    title, time_zone = await store.olympiad_title_and_zone(uow.session, olympiad_id) or ("", "UTC")
    works = await store.works_of_participant(uow.session, olympiad_id, participant_id)
    appeals = await store.appeals_of_participant(uow.session, olympiad_id, participant_id)
    windows = await store.windows_of(uow.session, olympiad_id)
    subjects = [
        ParticipantSubject(
            found.subject_code,
            found.work,
            windows.get(found.subject_code),
            appeals.get(found.subject_code),
        )
        for found in works
    ]
    return ParticipantView(title, time_zone, subjects)
