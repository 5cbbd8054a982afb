"""Local accounts, created by the operator (`olymp user add`), and their people at the OIDC provider."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from olymp_core.db import UnitOfWork
from olymp_portal import store
from olymp_portal.domain import Account, Grant
from olymp_portal.domain.errors import InvalidAccount


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
    found = {account.login: account.name for account in await store.list_accounts(uow.session)}
    await uow.release()
    return found


def unknown_password() -> str:
    """The password of an account that signs in only through the OIDC provider: random, never
    shown, never kept. Its hash costs a password sign-in the same time as any other account's."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class LinkIdentity:
    login: str
    # the value of the provider's claim that names the person (OLYMP_PORTAL_OIDC_IDENTITY_CLAIM)
    identity: str


async def link_identity(command: LinkIdentity, uow: UnitOfWork, operator: str) -> bool:
    """Name the account's person at the provider; True when that changed anything.

    The same name again keeps the subject pinned at the first sign-in; a new one unpins it and
    ends the account's sessions (they were opened by someone the operator no longer means).
    """
    login = command.login.strip().lower()
    identity = command.identity.strip()
    if not identity:
        raise InvalidAccount(
            "Укажите, кто этот человек в службе входа (--oidc-subject): его sub, логин или "
            "адрес — смотря по OLYMP_PORTAL_OIDC_IDENTITY_CLAIM."
        )
    if await store.get_account(uow.session, login) is None:
        raise InvalidAccount(f"Учётной записи {login} нет: сначала создайте её (olymp user add).")
    owner = await store.identity_owner(uow.session, identity)
    if owner is not None and owner != login:
        raise InvalidAccount(
            f"«{identity}» в службе входа уже привязан к учётной записи {owner}. Один человек "
            "службы входа открывает одну учётную запись: дайте ему вторую роль в ней "
            "(--keep-roles)."
        )
    current = await store.link_of(uow.session, login)
    if current is not None and current.identity == identity:
        return False
    now = uow.clock.now()
    await store.save_link(uow.session, login, identity, now)
    await store.end_sessions_of(uow.session, login, now)
    await uow.audit(
        actor=operator,
        action="account.oidc_identity_set",
        object_type="account",
        object_id=login,
        payload={"identity": identity},
    )
    await uow.commit()
    return True
