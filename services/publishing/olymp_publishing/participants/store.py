"""The tables a participant's places are read from (publishing's own)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_publishing.store.tables import decoded_works


async def tables_of_participant(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID
) -> list[tuple[str, int]]:
    """(subject, grade) of every decoded work of the participant."""
    rows = await session.execute(
        sa.select(decoded_works.c.subject_code, decoded_works.c.grade)
        .where(
            decoded_works.c.olympiad_id == olympiad_id,
            decoded_works.c.participant_id == participant_id,
        )
        .distinct()
        .order_by(decoded_works.c.subject_code, decoded_works.c.grade)
    )
    return [(subject_code, int(grade)) for subject_code, grade in rows]
