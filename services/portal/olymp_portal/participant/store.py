"""The participants' access codes: only each code's hash, with whose it is and its history.

A participant signs in as an account of their own (`participant-…`, role «участник олимпиады»
pinned to them), which the code opens; the account has no password anyone knows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_portal.store import accounts, metadata

participant_codes = sa.Table(
    "participant_codes",
    metadata,
    sa.Column("code_hash", sa.Text, primary_key=True),
    sa.Column(
        "login", sa.Text, sa.ForeignKey(accounts.c.login, ondelete="CASCADE"), nullable=False
    ),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("participant_id", UUID(as_uuid=True), nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("issued_by", sa.Text, nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Index("participant_codes_by_participant", "olympiad_id", "participant_id"),
    sa.Index("participant_codes_by_login", "login"),
)


@dataclass(frozen=True)
class IssuedCode:
    login: str
    olympiad_id: uuid.UUID
    participant_id: uuid.UUID
    issued_at: dt.datetime
    issued_by: str
    revoked_at: dt.datetime | None


def _issued(row: sa.Row[tuple[object, ...]]) -> IssuedCode:
    m = row._mapping
    return IssuedCode(
        m["login"],
        m["olympiad_id"],
        m["participant_id"],
        m["issued_at"],
        m["issued_by"],
        m["revoked_at"],
    )


async def insert_code(
    session: AsyncSession,
    code_hash: str,
    login: str,
    olympiad_id: uuid.UUID,
    participant_id: uuid.UUID,
    at: dt.datetime,
    by: str,
) -> None:
    await session.execute(
        sa.insert(participant_codes).values(
            code_hash=code_hash,
            login=login,
            olympiad_id=olympiad_id,
            participant_id=participant_id,
            issued_at=at,
            issued_by=by,
        )
    )


async def revoke_codes(
    session: AsyncSession, olympiad_id: uuid.UUID, participant_id: uuid.UUID, at: dt.datetime
) -> int:
    """Revoke every live code of the participant; how many there were."""
    result = await session.execute(
        sa.update(participant_codes)
        .where(
            participant_codes.c.olympiad_id == olympiad_id,
            participant_codes.c.participant_id == participant_id,
            participant_codes.c.revoked_at.is_(None),
        )
        .values(revoked_at=at)
        .returning(participant_codes.c.code_hash)
    )
    return len(result.all())


async def live_code(session: AsyncSession, code_hash: str) -> IssuedCode | None:
    row = (
        await session.execute(
            sa.select(participant_codes).where(
                participant_codes.c.code_hash == code_hash,
                participant_codes.c.revoked_at.is_(None),
            )
        )
    ).first()
    return None if row is None else _issued(row)


async def latest_codes(
    session: AsyncSession, olympiad_id: uuid.UUID
) -> dict[uuid.UUID, IssuedCode]:
    """Each participant's latest code (live or revoked), by participant."""
    rows = await session.execute(
        sa.select(participant_codes)
        .where(participant_codes.c.olympiad_id == olympiad_id)
        .order_by(participant_codes.c.issued_at)
    )
    return {row.participant_id: _issued(row) for row in rows}


async def code_of_login(session: AsyncSession, login: str) -> IssuedCode | None:
    """The account's live code (a participant holds one at a time)."""
    row = (
        await session.execute(
            sa.select(participant_codes)
            .where(participant_codes.c.login == login, participant_codes.c.revoked_at.is_(None))
            .order_by(participant_codes.c.issued_at.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else _issued(row)
