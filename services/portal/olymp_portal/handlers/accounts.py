"""Local accounts, created by the operator (`olymp user add`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from olymp_core.db import UnitOfWork
from olymp_portal import store
from olymp_portal.domain import Account, Grant


@dataclass(frozen=True)
class AddAccount:
    login: str
    name: str
    grants: tuple[Grant, ...]
    password: str


async def add_account(command: AddAccount, uow: UnitOfWork, operator: str) -> bool:
    """Create the account or replace its roles and password (ending its sessions); True if new."""
    # argon2 costs tens of milliseconds of CPU on purpose: off the event loop
    account = await asyncio.to_thread(
        Account.new, command.login, command.name, command.grants, command.password
    )
    now = uow.clock.now()
    created = await store.save_account(uow.session, account, now)
    if not created:
        # new roles or a new password: sessions opened with the old ones end
        await store.end_sessions_of(uow.session, account.login, now)
    await uow.audit(
        actor=operator,
        action="account.created" if created else "account.replaced",
        object_type="account",
        object_id=account.login,
        payload={"name": account.name, "grants": [g.to_json() for g in account.grants]},
    )
    await uow.commit()
    return created


async def names(uow: UnitOfWork) -> dict[str, str]:
    """Each account's full name by login: the services know people by their login only."""
    return {account.login: account.name for account in await store.list_accounts(uow.session)}
