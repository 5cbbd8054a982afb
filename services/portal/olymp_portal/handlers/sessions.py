"""Sign-in, the choice of role, sign-out, and who is behind a request's cookie.

A failed sign-in says only that the login or the password is wrong (never which), costs the same
time whether the login exists or not, and counts towards the throttle of the login and of the
address it came from. Every sign-in, refusal and sign-out is in the audit trail.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import secrets
from dataclasses import dataclass

from olymp_core.db import UnitOfWork
from olymp_portal import store
from olymp_portal.domain import Grant, LoginThrottle, SessionPolicy, SessionState, password_matches
from olymp_portal.domain.accounts import DUMMY_HASH, Account
from olymp_portal.domain.errors import RoleNeeded, SignInNeeded, SignInRefused, TooManyAttempts


@dataclass(frozen=True)
class SignIn:
    login: str
    password: str
    address: str
    next: str = "/"  # where the person goes after signing in (kept on a refusal)


@dataclass(frozen=True)
class SignedIn:
    cookie: str  # the session cookie's value; only its hash is stored
    account: Account
    grant: Grant | None  # chosen already when the person holds one role


@dataclass(frozen=True)
class ChooseRole:
    grant_key: str


@dataclass(frozen=True)
class Visitor:
    """The signed-in person of a request, in the role they act in."""

    id_hash: str
    account: Account
    grant: Grant | None
    csrf: str
    expires_at: dt.datetime

    @property
    def role(self) -> Grant:
        if self.grant is None:
            raise RoleNeeded("Выберите роль, в которой вы работаете сейчас.")
        return self.grant


async def sign_in(
    command: SignIn,
    uow: UnitOfWork,
    *,
    throttle: LoginThrottle,
    address_throttle: LoginThrottle,
) -> SignedIn:
    login = command.login.strip().lower()
    now = uow.clock.now()
    since = now - max(throttle.window, address_throttle.window)
    waits = [
        throttle.retry_at(await store.failures_since(uow.session, "login", login, since), now),
        address_throttle.retry_at(
            await store.failures_since(uow.session, "address", command.address, since), now
        ),
    ]
    retry_at = max((at for at in waits if at is not None), default=None)
    if retry_at is not None:
        minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
        raise TooManyAttempts(
            f"Слишком много неудачных попыток входа. Повторите через {minutes} мин. "
            "Если пароль забыт, его заново задаёт оператор системы (olymp user add).",
            retry_at=retry_at,
            login=command.login,
            next_=command.next,
        )
    account = await store.get_account(uow.session, login)
    known = account is not None and not account.disabled
    checked_hash = account.password_hash if account is not None and known else DUMMY_HASH
    matches = await asyncio.to_thread(password_matches, checked_hash, command.password)
    if not (known and matches):
        await store.record_failure(uow.session, login, command.address, now)
        await uow.audit(
            actor=login or "anonymous",
            action="portal.sign_in_refused",
            object_type="account",
            object_id=login,
            payload={"address": command.address},
        )
        await uow.commit()
        raise SignInRefused(
            "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock.",
            login=command.login,
            next_=command.next,
        )
    assert account is not None
    await store.forget_failures(uow.session, login)
    cookie = secrets.token_urlsafe(32)
    grant = account.grants[0] if len(account.grants) == 1 else None
    await store.insert_session(
        uow.session, store.session_key(cookie), login, grant, secrets.token_urlsafe(32), now
    )
    await uow.audit(
        actor=login,
        action="portal.signed_in",
        object_type="account",
        object_id=login,
        payload={"address": command.address, "grant": grant.to_json() if grant else None},
    )
    await uow.commit()
    return SignedIn(cookie, account, grant)


async def choose_role(command: ChooseRole, uow: UnitOfWork, who: Visitor) -> Grant:
    grant = who.account.grant(command.grant_key)
    if grant is None:
        raise RoleNeeded("Такой роли у вас нет: выберите одну из списка.")
    # a new role is a new authority: a fresh CSRF token goes with it
    await store.update_session(
        uow.session, who.id_hash, grant=grant.to_json(), csrf=secrets.token_urlsafe(32)
    )
    await uow.audit(
        actor=who.account.login,
        action="portal.role_chosen",
        object_type="account",
        object_id=who.account.login,
        payload=grant.to_json(),
    )
    await uow.commit()
    return grant


async def sign_out(uow: UnitOfWork, who: Visitor) -> None:
    await store.update_session(uow.session, who.id_hash, ended_at=uow.clock.now())
    await uow.audit(
        actor=who.account.login,
        action="portal.signed_out",
        object_type="account",
        object_id=who.account.login,
    )
    await uow.commit()


async def visitor(cookie: str | None, uow: UnitOfWork, policy: SessionPolicy) -> Visitor:
    """The person behind the cookie, or SignInNeeded saying why the session is over."""
    if not cookie:
        raise SignInNeeded("Войдите в портал, чтобы продолжить.")
    found = await store.get_session(uow.session, store.session_key(cookie))
    if found is None or found.account.disabled:
        raise SignInNeeded("Сеанс завершён. Войдите снова.")
    now = uow.clock.now()
    state = policy.state(found.created_at, found.last_seen_at, now)
    if state is not SessionState.ACTIVE:
        await store.update_session(uow.session, found.id_hash, ended_at=now)
        await uow.commit()
        reason = (
            "Сеанс завершён после долгого перерыва в работе."
            if state is SessionState.IDLE
            else "Сеанс завершён: истёк его срок (рабочий день)."
        )
        raise SignInNeeded(reason + " Войдите снова.")
    if policy.needs_touch(found.last_seen_at, now):
        await store.update_session(uow.session, found.id_hash, last_seen_at=now)
        await uow.commit()
    else:
        await uow.release()  # the page now waits on the services; the connection is not needed
    return Visitor(
        found.id_hash, found.account, found.grant, found.csrf, policy.expires_at(found.created_at)
    )


async def open_session(
    uow: UnitOfWork, account: Account, address: str, *, method: str, **details: object
) -> SignedIn:
    """A session for a person whose identity another way established (the OIDC provider).

    The same session as after a password: a new cookie, the role chosen at once when the person
    holds one, a CSRF token. The caller commits (and audits the refusals it makes itself).
    """
    cookie = secrets.token_urlsafe(32)
    grant = account.grants[0] if len(account.grants) == 1 else None
    await store.insert_session(
        uow.session,
        store.session_key(cookie),
        account.login,
        grant,
        secrets.token_urlsafe(32),
        uow.clock.now(),
    )
    await uow.audit(
        actor=account.login,
        action="portal.signed_in",
        object_type="account",
        object_id=account.login,
        payload={
            "address": address,
            "grant": grant.to_json() if grant else None,
            "method": method,
            **details,
        },
    )
    return SignedIn(cookie, account, grant)
