"""Tables of the portal (its own database): local accounts, sessions, failed sign-ins, and for
OpenID Connect the authorizations under way and the accounts' links to the provider's people.

A session row is found by the SHA-256 of the cookie's value, so a copy of the table gives nobody a
cookie. Nothing of the olympiad is stored here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_portal.domain import Account, Grant

metadata = sa.MetaData()

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("login", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    # [{"role": ..., "scopes": {kind: [values]}}, ...]: the roles the person may act in
    sa.Column("grants", JSONB, nullable=False),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_hash", sa.Text, primary_key=True),
    sa.Column("login", sa.Text, sa.ForeignKey(accounts.c.login), nullable=False),
    # the role the person acts in; NULL until they pick one (several roles)
    sa.Column("grant", JSONB),
    sa.Column("csrf", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True)),
    sa.Index("sessions_by_login", "login"),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("login", sa.Text, nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("login_failures_by_login", "login", "at"),
    sa.Index("login_failures_by_address", "address", "at"),
)


# An authorization sent to the OIDC provider and not yet come back: found by the hash of its
# `state` (the browser holds the value), used once, forgotten after a few minutes.
oidc_authorizations = sa.Table(
    "oidc_authorizations",
    metadata,
    sa.Column("state_hash", sa.Text, primary_key=True),
    sa.Column("nonce", sa.Text, nullable=False),
    sa.Column("code_verifier", sa.Text, nullable=False),
    # the redirect_uri of the request: the token request must repeat it exactly
    sa.Column("redirect_url", sa.Text, nullable=False),
    sa.Column("next", sa.Text, nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("oidc_authorizations_by_time", "created_at"),
    sa.Index("oidc_authorizations_by_address", "address", "created_at"),
)

# Who an account is at the provider. The operator names the person by `identity` (the value of
# the configured claim); the first sign-in pins the provider's (issuer, subject), and from then on
# only that subject opens the account: a login or e-mail later given to someone else does not.
oidc_links = sa.Table(
    "oidc_links",
    metadata,
    sa.Column(
        "login",
        sa.Text,
        sa.ForeignKey(accounts.c.login, ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("identity", sa.Text, nullable=False, unique=True),
    sa.Column("issuer", sa.Text),
    sa.Column("subject", sa.Text),
    sa.Column("linked_at", sa.DateTime(timezone=True)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("issuer", "subject", name="oidc_links_subject"),
)


def session_key(cookie_value: str) -> str:
    return hashlib.sha256(cookie_value.encode()).hexdigest()


@dataclass(frozen=True)
class StoredSession:
    id_hash: str
    account: Account
    grant: Grant | None
    csrf: str
    created_at: dt.datetime
    last_seen_at: dt.datetime


def _account(row: sa.Row[Any]) -> Account:
    return Account(
        login=row.login,
        name=row.name,
        grants=tuple(Grant.from_json(g) for g in row.grants),
        password_hash=row.password_hash,
        disabled=row.disabled,
    )


async def save_account(session: AsyncSession, account: Account, at: dt.datetime) -> bool:
    """Create the account, or replace its name, roles and password; True when it was new."""
    values = {
        "name": account.name,
        "password_hash": account.password_hash,
        "grants": [grant.to_json() for grant in account.grants],
        "disabled": account.disabled,
        "updated_at": at,
    }
    result = await session.execute(
        pg_insert(accounts)
        .values(login=account.login, created_at=at, **values)
        .on_conflict_do_update(index_elements=[accounts.c.login], set_=values)
        .returning(accounts.c.created_at)
    )
    return bool(result.scalar_one() == at)


async def get_account(session: AsyncSession, login: str) -> Account | None:
    row = (await session.execute(sa.select(accounts).where(accounts.c.login == login))).first()
    return _account(row) if row is not None else None


async def list_accounts(session: AsyncSession) -> list[Account]:
    rows = await session.execute(sa.select(accounts).order_by(accounts.c.login))
    return [_account(row) for row in rows]


async def failures_since(
    session: AsyncSession, column: str, value: str, since: dt.datetime
) -> list[dt.datetime]:
    col = login_failures.c[column]
    rows = await session.scalars(
        sa.select(login_failures.c.at).where(col == value, login_failures.c.at > since)
    )
    return list(rows)


async def record_failure(session: AsyncSession, login: str, address: str, at: dt.datetime) -> None:
    await session.execute(sa.insert(login_failures).values(login=login, address=address, at=at))


async def forget_failures(session: AsyncSession, login: str) -> None:
    await session.execute(sa.delete(login_failures).where(login_failures.c.login == login))


async def insert_session(
    session: AsyncSession,
    id_hash: str,
    login: str,
    grant: Grant | None,
    csrf: str,
    at: dt.datetime,
) -> None:
    await session.execute(
        sa.insert(sessions).values(
            id_hash=id_hash,
            login=login,
            grant=grant.to_json() if grant else None,
            csrf=csrf,
            created_at=at,
            last_seen_at=at,
        )
    )


async def get_session(session: AsyncSession, id_hash: str) -> StoredSession | None:
    row = (
        await session.execute(
            sa.select(sessions, accounts)
            .join(accounts, accounts.c.login == sessions.c.login)
            .where(sessions.c.id_hash == id_hash, sessions.c.ended_at.is_(None))
        )
    ).first()
    if row is None:
        return None
    return StoredSession(
        id_hash=row.id_hash,
        account=_account(row),
        grant=Grant.from_json(row.grant) if row.grant else None,
        csrf=row.csrf,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
    )


async def update_session(session: AsyncSession, id_hash: str, **values: Any) -> None:
    await session.execute(sa.update(sessions).where(sessions.c.id_hash == id_hash).values(**values))


async def end_sessions_of(session: AsyncSession, login: str, at: dt.datetime) -> None:
    await session.execute(
        sa.update(sessions)
        .where(sessions.c.login == login, sessions.c.ended_at.is_(None))
        .values(ended_at=at)
    )


async def sessions_of(session: AsyncSession, logins: Sequence[str]) -> int:
    found = await session.scalar(
        sa.select(sa.func.count())
        .select_from(sessions)
        .where(sessions.c.login.in_(list(logins)), sessions.c.ended_at.is_(None))
    )
    return int(found or 0)


@dataclass(frozen=True)
class PendingAuthorization:
    nonce: str
    code_verifier: str
    redirect_url: str
    next: str
    address: str
    created_at: dt.datetime


@dataclass(frozen=True)
class OidcLink:
    login: str
    identity: str
    issuer: str | None
    subject: str | None


async def insert_authorization(
    session: AsyncSession, state_hash: str, pending: PendingAuthorization
) -> None:
    await session.execute(
        sa.insert(oidc_authorizations).values(
            state_hash=state_hash,
            nonce=pending.nonce,
            code_verifier=pending.code_verifier,
            redirect_url=pending.redirect_url,
            next=pending.next,
            address=pending.address,
            created_at=pending.created_at,
        )
    )


async def take_authorization(session: AsyncSession, state_hash: str) -> PendingAuthorization | None:
    """The authorization of this state, removed: a state (and its verifier) serves once."""
    row = (
        await session.execute(
            sa.delete(oidc_authorizations)
            .where(oidc_authorizations.c.state_hash == state_hash)
            .returning(*(c for c in oidc_authorizations.c if c.name != "state_hash"))
        )
    ).first()
    if row is None:
        return None
    return PendingAuthorization(
        row.nonce, row.code_verifier, row.redirect_url, row.next, row.address, row.created_at
    )


async def forget_authorizations_before(session: AsyncSession, before: dt.datetime) -> None:
    await session.execute(
        sa.delete(oidc_authorizations).where(oidc_authorizations.c.created_at < before)
    )


async def authorizations_since(session: AsyncSession, address: str, since: dt.datetime) -> int:
    found = await session.scalar(
        sa.select(sa.func.count())
        .select_from(oidc_authorizations)
        .where(oidc_authorizations.c.address == address, oidc_authorizations.c.created_at > since)
    )
    return int(found or 0)


def _link(row: sa.Row[Any]) -> OidcLink:
    return OidcLink(row.login, row.identity, row.issuer, row.subject)


async def link_of(session: AsyncSession, login: str) -> OidcLink | None:
    row = (await session.execute(sa.select(oidc_links).where(oidc_links.c.login == login))).first()
    return _link(row) if row is not None else None


async def links(session: AsyncSession) -> dict[str, OidcLink]:
    rows = await session.execute(sa.select(oidc_links))
    return {row.login: _link(row) for row in rows}


async def identity_owner(session: AsyncSession, identity: str) -> str | None:
    found = await session.scalar(
        sa.select(oidc_links.c.login).where(oidc_links.c.identity == identity)
    )
    return str(found) if found is not None else None


async def save_link(session: AsyncSession, login: str, identity: str, at: dt.datetime) -> None:
    """Name the account's person at the provider anew; the pinned subject is forgotten with it."""
    values = {"identity": identity, "issuer": None, "subject": None, "linked_at": None}
    await session.execute(
        pg_insert(oidc_links)
        .values(login=login, created_at=at, **values)
        .on_conflict_do_update(index_elements=[oidc_links.c.login], set_=values)
    )


async def linked_login(session: AsyncSession, issuer: str, subject: str) -> str | None:
    found = await session.scalar(
        sa.select(oidc_links.c.login).where(
            oidc_links.c.issuer == issuer, oidc_links.c.subject == subject
        )
    )
    return str(found) if found is not None else None


async def pin_link(
    session: AsyncSession, identity: str, issuer: str, subject: str, at: dt.datetime
) -> str | None:
    """Pin the provider's subject to the account named by `identity`, if none is pinned yet."""
    found = await session.scalar(
        sa.update(oidc_links)
        .where(oidc_links.c.identity == identity, oidc_links.c.subject.is_(None))
        .values(issuer=issuer, subject=subject, linked_at=at)
        .returning(oidc_links.c.login)
    )
    return str(found) if found is not None else None
