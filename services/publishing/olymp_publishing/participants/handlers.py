"""A participant's own place in the latest published table of each subject they sat (§91:
the participant's page), read with a token pinned to them. Only their own row is read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from olymp_core.db import UnitOfWork
from olymp_core.subject_grade import SubjectGrade
from olymp_publishing import store
from olymp_publishing.domain import STAGE_LABELS, subject_name
from olymp_publishing.participants.store import tables_of_participant


@dataclass(frozen=True)
class OwnPlace:
    subject_code: str
    subject_name: str
    grade: int
    stage: str  # "preliminary" / "final"
    stage_label: str
    version: int
    place: str | None  # None: annulled, no place
    status: str
    total: str
    ranked: int  # how many hold a place in the table


async def places_of(
    olympiad_id: uuid.UUID, participant_id: uuid.UUID, uow: UnitOfWork
) -> list[OwnPlace]:
    found = []
    for subject_code, grade in await tables_of_participant(
        uow.session, olympiad_id, participant_id
    ):
        version = await store.find_version(
            uow.session, SubjectGrade(olympiad_id, subject_code, grade)
        )
        if version is None:
            continue
        protocol = version.protocol
        own = str(participant_id)
        ranked = next((r for r in protocol.get("rows", []) if r["participant_id"] == own), None)
        annulled = next(
            (r for r in protocol.get("annulled", []) if r["participant_id"] == own), None
        )
        row = ranked or annulled
        if row is None:
            continue
        found.append(
            OwnPlace(
                subject_code,
                subject_name(subject_code),
                grade,
                version.stage,
                STAGE_LABELS.get(version.stage, version.stage),
                version.version,
                str(ranked["place"]) if ranked else None,
                str(row["status"]),
                str(row["total"]),
                len(protocol.get("rows", [])),
            )
        )
    return found
