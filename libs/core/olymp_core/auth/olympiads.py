"""Whose olympiad it is: the check every service makes before a municipality's coordinator acts.

A token restricted on municipality (`municipality=tara`) reaches, on any route under
`/olympiads/{olympiad_id}`, only the olympiads of its municipalities. No service but registration
creates olympiads, so each one keeps the answer in a table of its own database: registration writes
it with the olympiad, the others from `OlympiadCreated` (`record_municipality` in their event
handler). An olympiad a service has not heard of is refused to a restricted caller (fail closed):
the event may still be on its way. The answer never changes, so it is read once per process.

The table is declared here once, as the outbox is; each service's migration chain creates it
(`create_olympiad_municipalities_table`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from olymp_core.auth.model import Principal, ScopeKind
from olymp_core.problems import Forbidden

if TYPE_CHECKING:
    from olymp_core.contracts.registration import OlympiadCreated
    from olymp_core.db import UnitOfWork

OLYMPIADS_STATE = "olympiad_municipalities"
OLYMPIAD_PARAM = "olympiad_id"

olympiads_metadata = sa.MetaData()

olympiad_municipalities = sa.Table(
    "olympiad_municipalities",
    olympiads_metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    # NULL: created for no municipality (an installation without OLYMP_REGISTRATION_MUNICIPALITY_ID);
    # only callers unrestricted on municipality reach it
    sa.Column("municipality_id", sa.Text),
)


def create_olympiad_municipalities_table(op: Any) -> None:
    """Revision body: the table, in a database of any age."""
    olympiad_municipalities.create(op.get_bind(), checkfirst=True)


def drop_olympiad_municipalities_table(op: Any) -> None:
    op.execute("DROP TABLE IF EXISTS olympiad_municipalities")


async def record_municipality(
    session: AsyncSession, olympiad_id: uuid.UUID, municipality_id: str | None
) -> None:
    """Idempotent: a redelivered `OlympiadCreated` changes nothing. Never commits."""
    await session.execute(
        pg_insert(olympiad_municipalities)
        .values(olympiad_id=olympiad_id, municipality_id=municipality_id or None)
        .on_conflict_do_nothing(index_elements=["olympiad_id"])
    )


class OlympiadMunicipalities:
    """Olympiad -> municipality as this service heard it, read once per olympiad and kept."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._known: dict[uuid.UUID, str | None] = {}

    async def municipality_of(self, olympiad_id: uuid.UUID) -> tuple[bool, str | None]:
        """(heard of, its municipality); an olympiad not heard of is asked again next time."""
        if olympiad_id in self._known:
            return True, self._known[olympiad_id]
        async with self._sessions() as session:
            row = (
                await session.execute(
                    sa.select(olympiad_municipalities.c.municipality_id).where(
                        olympiad_municipalities.c.olympiad_id == olympiad_id
                    )
                )
            ).first()
        if row is None:
            return False, None
        self._known[olympiad_id] = row.municipality_id
        return True, row.municipality_id

    async def admit(self, principal: Principal, olympiad: str) -> None:
        """Raise Forbidden unless `principal`, restricted on municipality, may reach `olympiad`."""
        if not principal.is_restricted(ScopeKind.MUNICIPALITY):
            return
        allowed = ", ".join(sorted(principal.scopes[ScopeKind.MUNICIPALITY]))
        try:
            olympiad_id = uuid.UUID(olympiad)
        except ValueError:
            # not an olympiad at all: the route's own validation answers 422
            return
        heard, municipality = await self.municipality_of(olympiad_id)
        if not heard:
            raise Forbidden(
                f"Ваш доступ ограничен муниципалитетом ({allowed}), а об олимпиаде {olympiad} "
                "эта служба ещё не знает, поэтому не может проверить, к какому муниципалитету "
                "она относится. Повторите запрос через минуту; если ответ тот же, проверьте "
                "адрес олимпиады или сообщите оператору.",
                missing_scope=ScopeKind.MUNICIPALITY.value,
            )
        if municipality is None or not principal.may_access(ScopeKind.MUNICIPALITY, municipality):
            whose = f"муниципалитета «{municipality}»" if municipality else "без муниципалитета"
            raise Forbidden(
                f"Олимпиада {olympiad} — {whose}, а ваш доступ ограничен муниципалитетом "
                f"({allowed}). Если это ошибка, попросите регионального координатора "
                "расширить ваш доступ.",
                olympiad_municipality=municipality,
            )


async def on_olympiad_created(event: OlympiadCreated, uow: UnitOfWork) -> None:
    """The handler of a service that keeps nothing else of an olympiad (coding, scoring); the
    others call `record_municipality` from their own. Never commits: the consumer does."""
    await record_municipality(uow.session, event.olympiad_id, event.municipality_id)


class OwnMunicipality:
    """Every olympiad served here is of one municipality: a materials mirror, which hears of
    olympiads from its hub's feed, not from events, and serves its own municipality only."""

    def __init__(self, municipality_id: str) -> None:
        self.municipality_id = municipality_id or None

    async def admit(self, principal: Principal, olympiad: str) -> None:
        if not principal.is_restricted(ScopeKind.MUNICIPALITY):
            return
        if self.municipality_id is None or not principal.may_access(
            ScopeKind.MUNICIPALITY, self.municipality_id
        ):
            allowed = ", ".join(sorted(principal.scopes[ScopeKind.MUNICIPALITY]))
            raise Forbidden(
                f"Эта служба обслуживает муниципалитет «{self.municipality_id or 'не указан'}», "
                f"а ваш доступ ограничен муниципалитетом ({allowed}). Обратитесь к службе "
                "своего муниципалитета.",
                olympiad_municipality=self.municipality_id,
            )


class OlympiadAdmission(Protocol):
    """What `authorize` asks before a route under /olympiads/{olympiad_id}."""

    async def admit(self, principal: Principal, olympiad: str) -> None: ...
