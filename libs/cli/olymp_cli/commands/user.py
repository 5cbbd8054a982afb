"""`olymp user`: the staff portal's local accounts (sign-in with a login and a password, or
through the OIDC provider when the account names the person there)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping

import click
from sqlalchemy.ext.asyncio import async_sessionmaker

from olymp_cli.commands.token import _scope_option, refuse_unpinned_roles
from olymp_cli.suite import Layout
from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import SystemClock
from olymp_core.db import UnitOfWorkFactory, make_engine
from olymp_core.migrations import ensure_database, upgrade
from olymp_portal import handlers, store
from olymp_portal.domain import Account, Grant
from olymp_portal.domain.accounts import STAFF_ROLES
from olymp_portal.domain.errors import InvalidAccount
from olymp_portal.handlers.accounts import LinkIdentity, link_identity, unknown_password


def _layout_options(f: click.decorators.FC) -> click.decorators.FC:
    f = click.option(
        "--port-offset", type=int, default=0, show_default=True, help="As given to `up`."
    )(f)
    f = click.option(
        "--database-prefix",
        default="olymp_",
        show_default=True,
        help="As given to `up`: the portal's database is <prefix>portal.",
    )(f)
    return f


@click.group()
def user() -> None:
    """Local accounts of the staff portal (passwords hashed with argon2id)."""


@user.command()
@click.argument("login")
@click.option("--name", required=True, help="Full name, as on the jury's protocols.")
@click.option(
    "--role",
    "roles",
    type=click.Choice([role.value for role in STAFF_ROLES]),
    multiple=True,
    required=True,
    help="A role of the person; repeat for several (they pick one at sign-in).",
)
@click.option(
    "--scope",
    "scopes",
    metavar="KIND=VALUE",
    multiple=True,
    callback=_scope_option,
    help="Restrict the roles of this command to KIND=VALUE (region, municipality, venue, "
    "subject; VALUE '*' = all); repeat for several. Required for pinned roles: "
    "municipal_coordinator needs municipality, venue_coordinator venue, jury_member and "
    "jury_chair subject. Any other kind not given is unrestricted.",
)
@click.option(
    "--keep-roles",
    is_flag=True,
    help="Add these roles to the account's existing ones (e.g. a chair of one subject who is "
    "a jury member of another) instead of replacing them.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts); otherwise "
    "it is asked for twice, not shown.",
)
@click.option(
    "--oidc-subject",
    "identity",
    metavar="VALUE",
    help="The person at the OIDC provider: the value of the ID token's claim named by "
    "OLYMP_PORTAL_OIDC_IDENTITY_CLAIM (sub by default; preferred_username or a verified email). "
    "Their first sign-in there pins the provider's subject to this account.",
)
@click.option(
    "--no-password",
    is_flag=True,
    help="The account signs in only through the OIDC provider (needs --oidc-subject, now or "
    "given before); a password it had stops working.",
)
@_layout_options
def add(
    login: str,
    name: str,
    roles: tuple[str, ...],
    scopes: Mapping[ScopeKind, set[str]],
    keep_roles: bool,
    password_stdin: bool,
    identity: str | None,
    no_password: bool,
    port_offset: int,
    database_prefix: str,
) -> None:
    """Create a portal account, or replace its roles and password (its sessions then end);
    --oidc-subject names its person at the OIDC provider.

    \b
    Examples:
      olymp user add petrova --name "Петрова Анна Сергеевна" --role jury_member --scope subject=math
      printf '%s\\n' "$PASSWORD" | olymp user add sidorov --name "Сидоров Пётр Ильич" \\
        --role jury_chair --scope subject=math --password-stdin
      olymp user add kuzmina --name "Кузьмина Ольга Петровна" --role jury_member \\
        --scope subject=math --oidc-subject kuzmina.op --no-password
    """
    if no_password and password_stdin:
        raise click.UsageError("--no-password and --password-stdin exclude each other")
    refuse_unpinned_roles([Role(role) for role in roles], scopes)
    if no_password:
        password = unknown_password()
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Пароль", hide_input=True, confirmation_prompt="Повторите пароль")
    frozen = {kind: frozenset(values) for kind, values in scopes.items()}
    grants = tuple(Grant(Role(role), frozen) for role in roles)
    layout = Layout.from_env(port_offset, database_prefix)
    try:
        created, grants = asyncio.run(
            _add(
                layout.database_url("portal"),
                handlers.AddAccount(login, name, grants, password),
                keep_roles=keep_roles,
                identity=identity,
                no_password=no_password,
            )
        )
    except InvalidAccount as refusal:
        raise click.ClickException(refusal.detail) from None
    verb = "создана" if created else "обновлена (прежние сеансы завершены)"
    click.echo(
        f"Учётная запись {login.strip().lower()} {verb}: " + "; ".join(g.label for g in grants)
    )
    if identity is not None:
        way = "только через службу входа" if no_password else "через службу входа"
        click.echo(f"Вход {way}: «{identity.strip()}».")


async def _add(
    database_url: str,
    command: handlers.AddAccount,
    *,
    keep_roles: bool,
    identity: str | None,
    no_password: bool,
) -> tuple[bool, tuple[Grant, ...]]:
    await ensure_database(database_url)
    await asyncio.to_thread(upgrade, "olymp_portal", database_url)
    engine = make_engine(database_url, pool_size=1)
    login = command.login.strip().lower()
    try:
        uows = UnitOfWorkFactory(async_sessionmaker(engine, expire_on_commit=False), SystemClock())
        async with uows() as uow:
            existing = await store.get_account(uow.session, login)
            link = await store.link_of(uow.session, login)
            owner = await store.identity_owner(uow.session, identity.strip()) if identity else None
        # refused before anything is written: no account half made
        if no_password and not identity and link is None:
            raise InvalidAccount(
                "Без пароля войти можно только через службу входа: укажите, кто этот человек "
                "там (--oidc-subject)."
            )
        if owner is not None and owner != login:
            raise InvalidAccount(
                f"«{identity}» в службе входа уже привязан к учётной записи {owner}: один "
                "человек службы входа открывает одну учётную запись."
            )
        grants = command.grants
        if keep_roles and existing is not None:
            known = {grant.key for grant in grants}
            grants = tuple(g for g in existing.grants if g.key not in known) + grants
        async with uows() as uow:
            created = await handlers.add_account(
                handlers.AddAccount(command.login, command.name, grants, command.password),
                uow,
                operator="olymp-cli",
            )
        if identity is not None:
            async with uows() as uow:
                await link_identity(LinkIdentity(login, identity), uow, operator="olymp-cli")
        return created, grants
    finally:
        await engine.dispose()


@user.command(name="list")
@_layout_options
def list_(port_offset: int, database_prefix: str) -> None:
    """The portal's accounts with their roles and their person at the OIDC provider (never
    their passwords)."""
    layout = Layout.from_env(port_offset, database_prefix)

    async def read() -> tuple[list[Account], dict[str, store.OidcLink]]:
        engine = make_engine(layout.database_url("portal"), pool_size=1)
        try:
            uows = UnitOfWorkFactory(
                async_sessionmaker(engine, expire_on_commit=False), SystemClock()
            )
            async with uows() as uow:
                return await store.list_accounts(uow.session), await store.links(uow.session)
        finally:
            await engine.dispose()

    accounts, links = asyncio.run(read())
    for account in accounts:
        state = " (отключена)" if account.disabled else ""
        roles = "; ".join(grant.label for grant in account.grants)
        link = links.get(account.login)
        oidc = ""
        if link is not None:
            pinned = "привязан" if link.subject is not None else "ещё не входил"
            oidc = f" [служба входа: «{link.identity}», {pinned}]"
        click.echo(f"{account.login:<24} {account.name}{state}: {roles}{oidc}")
