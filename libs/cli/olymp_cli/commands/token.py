"""`olymp token`: the local signing key and the bearer tokens signed with it."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from olymp_core.auth import (
    DEFAULT_AUDIENCE,
    DEFAULT_ISSUER,
    DEFAULT_MAX_LIFETIME,
    Role,
    ScopeKind,
    TokenIssuer,
    generate_local_key,
    missing_pinned_scopes,
    read_revocations,
    unverified_claims,
    write_revocations,
)

KEY_FILE_ENV = "OLYMP_AUTH_LOCAL_PRIVATE_KEY_FILE"
DEFAULT_KEY_FILE = Path(".olymp/keys/auth-ed25519.pem")
REVOCATION_FILE_ENV = "OLYMP_AUTH_REVOCATION_FILE"
DEFAULT_REVOCATION_FILE = Path(".olymp/keys/revoked.json")
MAX_LIFETIME_ENV = "OLYMP_AUTH_MAX_TOKEN_LIFETIME_S"
_TTL_PART = re.compile(r"(\d+)([dhms])")
_TTL_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def default_key_file() -> Path:
    """$OLYMP_AUTH_LOCAL_PRIVATE_KEY_FILE, else .olymp/keys/auth-ed25519.pem under the cwd."""
    return Path(os.environ.get(KEY_FILE_ENV) or Path.cwd() / DEFAULT_KEY_FILE)


def default_revocation_file() -> Path:
    """$OLYMP_AUTH_REVOCATION_FILE, else .olymp/keys/revoked.json under the cwd."""
    return Path(os.environ.get(REVOCATION_FILE_ENV) or Path.cwd() / DEFAULT_REVOCATION_FILE)


def max_lifetime() -> timedelta:
    """The longest lifetime the services admit: $OLYMP_AUTH_MAX_TOKEN_LIFETIME_S, else 12 h."""
    configured = os.environ.get(MAX_LIFETIME_ENV)
    if not configured:
        return DEFAULT_MAX_LIFETIME
    try:
        return timedelta(seconds=int(configured))
    except ValueError:
        raise click.ClickException(
            f"{MAX_LIFETIME_ENV}={configured!r}: укажите число секунд, например 43200."
        ) from None


def parse_ttl(text: str) -> timedelta:
    """'8h', '30m', '7d', '1h30m' -> timedelta."""
    compact = text.strip().lower().replace(" ", "")
    parts = _TTL_PART.findall(compact)
    if not compact or "".join(n + u for n, u in parts) != compact:
        raise ValueError(text)
    ttl = timedelta(**{_TTL_UNITS[unit]: int(n) for n, unit in parts})
    if ttl <= timedelta(0):
        raise ValueError(text)
    return ttl


def _ttl_option(ctx: click.Context, param: click.Parameter, value: str) -> timedelta:
    try:
        return parse_ttl(value)
    except ValueError:
        raise click.BadParameter(
            f"«{value}» — не срок действия: укажите число с единицей, "
            "например 8h, 30m, 7d или 1h30m."
        ) from None


def _scope_option(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[ScopeKind, set[str]]:
    scopes: defaultdict[ScopeKind, set[str]] = defaultdict(set)
    known = {kind.value for kind in ScopeKind}
    for value in values:
        kind, sep, scoped = (part.strip() for part in value.partition("="))
        if not sep or not scoped:
            raise click.BadParameter(
                f"«{value}»: нужна запись вида вид=значение, например municipality=ust-ishim."
            )
        if kind not in known:
            raise click.BadParameter(
                f"«{kind}» — неизвестный вид области; допустимы: {', '.join(sorted(known))}."
            )
        scopes[ScopeKind(kind)].add(scoped)
    return dict(scopes)


_SCOPE_EXAMPLES = {"municipality": "ust-ishim", "venue": "school-7", "subject": "math"}


def refuse_unpinned_roles(roles: Iterable[Role], scopes: Mapping[ScopeKind, set[str]]) -> None:
    """A role pinned to a scope kind (jury: subject, municipal coordinator: municipality, venue
    coordinator: venue) is not issued without it: the services would refuse such a token."""
    missing = missing_pinned_scopes(roles, scopes)
    if missing:
        needs = "; ".join(
            f"роли {role.value} («{role.label}») — --scope {kind.value}=…"
            for role, kind in missing.items()
        )
        kind = next(iter(missing.values())).value
        example = _SCOPE_EXAMPLES.get(kind, "…")
        raise click.UsageError(
            f"Не указана область, к которой привязана роль: {needs}. Укажите значение, например "
            f"--scope {kind}={example}, или «*» (--scope {kind}='*'), если доступ нужен ко всем."
        )


_key_file_option = click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=default_key_file,
    show_default=f"${KEY_FILE_ENV}, else ./{DEFAULT_KEY_FILE}",
    help="The Ed25519 private signing key (PEM).",
)


@click.group()
def token() -> None:
    """Issue bearer tokens for people and services (local signing key)."""


@token.command()
@_key_file_option
@click.option(
    "--public-key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the public key here (services verify tokens with it).",
)
def keygen(key_file: Path, public_key_file: Path | None) -> None:
    """Create the signing key if missing; print its public key.

    The key is Ed25519 (PEM, mode 0600). An existing key is never overwritten, so tokens already
    handed out stay valid.
    """
    existed = key_file.exists()
    public_pem = generate_local_key(key_file)
    click.echo(f"{'Ключ уже был' if existed else 'Создан ключ'}: {key_file}", err=True)
    if public_key_file:
        public_key_file.parent.mkdir(parents=True, exist_ok=True)
        public_key_file.write_text(public_pem)
        click.echo(f"Открытый ключ записан: {public_key_file}", err=True)
    click.echo(public_pem, nl=False)


@token.command()
@click.option(
    "--role",
    "roles",
    type=click.Choice([role.value for role in Role if role is not Role.PUBLIC]),
    multiple=True,
    required=True,
    help="A role of the holder; repeat for several.",
)
@click.option(
    "--sub", "subject", required=True, help="Who holds the token: a person or a service id."
)
@click.option(
    "--scope",
    "scopes",
    metavar="KIND=VALUE",
    multiple=True,
    callback=_scope_option,
    help="Restrict to KIND=VALUE (kinds: region, municipality, venue, subject; VALUE '*' = all); "
    "repeat for several. Required for pinned roles: municipal_coordinator needs municipality, "
    "venue_coordinator venue, jury_member and jury_chair subject. Any other kind not given is "
    "unrestricted.",
)
@click.option(
    "--ttl",
    metavar="TTL",
    default="8h",
    callback=_ttl_option,
    show_default=True,
    help="Lifetime: 8h, 30m, 1h30m; at most what the services admit "
    f"(${MAX_LIFETIME_ENV}, 12h by default).",
)
@click.option("--name", help="The holder's full name, shown in audit records.")
@click.option(
    "--issuer",
    envvar="OLYMP_AUTH_ISSUER",
    default=DEFAULT_ISSUER,
    show_default=True,
    help="The iss claim; services accept only their configured issuer.",
)
@click.option(
    "--audience",
    envvar="OLYMP_AUTH_AUDIENCE",
    default=DEFAULT_AUDIENCE,
    show_default=True,
    help="The aud claim; services accept only their configured audience.",
)
@_key_file_option
def issue(
    roles: tuple[str, ...],
    subject: str,
    scopes: dict[ScopeKind, set[str]],
    ttl: timedelta,
    name: str | None,
    issuer: str,
    audience: str,
    key_file: Path,
) -> None:
    """Print a signed bearer token.

    \b
    Example:
      olymp token issue --role municipal_coordinator --sub ivanova \\
        --scope municipality=ust-ishim --ttl 12h --name "Иванова А. П."
    """
    refuse_unpinned_roles([Role(role) for role in roles], scopes)
    longest = max_lifetime()
    if ttl > longest:
        raise click.BadParameter(
            f"срок {ttl} больше наибольшего, который принимают службы ({longest}); выдайте токен "
            f"короче, а если службам задан другой предел, укажите его в ${MAX_LIFETIME_ENV}.",
            param_hint="--ttl",
        )
    if not key_file.exists():
        raise click.ClickException(
            f"Ключ подписи не найден: {key_file}. Создайте его командой "
            f"«olymp token keygen --key-file {key_file}» или укажите другой через --key-file."
        )
    try:
        issuer_ = TokenIssuer(key_file.read_bytes(), issuer, audience)
    except (ValueError, TypeError) as exc:
        raise click.ClickException(
            f"Файл {key_file} не является закрытым ключом Ed25519 в формате PEM ({exc}). "
            "Создайте новый ключ командой «olymp token keygen»."
        ) from exc
    click.echo(issuer_.issue(subject, [Role(role) for role in roles], scopes, ttl=ttl, name=name))


def _instant_option(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise click.BadParameter(
            f"«{value}» — не момент времени: укажите его со смещением, например "
            "2025-10-14T08:10:00+06:00."
        )
    return instant


@token.command()
@click.option("--jti", "token_ids", multiple=True, help="Revoke the token with this id; repeat.")
@click.option(
    "--token",
    "tokens",
    multiple=True,
    help="Revoke this token (its id is read from it); repeat.",
)
@click.option("--sub", "subject", help="Revoke every token of this subject issued until --before.")
@click.option(
    "--before",
    metavar="INSTANT",
    callback=_instant_option,
    help="With --sub: tokens issued before this ISO 8601 instant (default: now).",
)
@click.option("--note", default="", help="Why, for whoever reads the list later.")
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=default_revocation_file,
    show_default=f"${REVOCATION_FILE_ENV}, else ./{DEFAULT_REVOCATION_FILE}",
    help="The revocation list every service reads.",
)
def revoke(
    token_ids: tuple[str, ...],
    tokens: tuple[str, ...],
    subject: str | None,
    before: datetime,
    note: str,
    path: Path,
) -> None:
    """Revoke tokens: by id, or all of a person's tokens issued so far.

    The services read the list on every request and see a change at once; a revoked token gets
    401 everywhere. Copy the file to every machine whose services name it
    (OLYMP_AUTH_REVOCATION_FILE).

    \b
    Examples:
      olymp token revoke --token eyJhbGciOi... --note "ноутбук утерян"
      olymp token revoke --sub ivanova --note "сменила роль"
    """
    ids = list(token_ids)
    for text in tokens:
        try:
            claims = unverified_claims(text)
        except ValueError:
            raise click.BadParameter(
                "это не токен: скопируйте его целиком.", param_hint="--token"
            ) from None
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise click.BadParameter(
                f"в токене нет идентификатора (jti); отзовите все токены владельца: "
                f"--sub {claims.get('sub', '<владелец>')}",
                param_hint="--token",
            )
        ids.append(jti)
    if not ids and not subject:
        raise click.UsageError("Укажите, что отозвать: --jti, --token или --sub.")
    try:
        revocations = read_revocations(path)
    except ValueError as exc:
        raise click.ClickException(
            f"Список отзыва {path} повреждён ({exc}); исправьте или удалите его."
        ) from exc
    now = datetime.now(UTC)
    for jti in ids:
        revocations = revocations.with_token(jti, now, note)
    if subject:
        revocations = revocations.with_subject(subject, before, note)
    write_revocations(path, revocations)
    for jti in ids:
        click.echo(f"Отозван токен {jti}", err=True)
    if subject:
        held = revocations.subjects[subject].issued_before
        click.echo(f"Отозваны токены «{subject}», выданные до {held.isoformat()}", err=True)
    click.echo(
        f"Список отзыва: {path} ({len(revocations.tokens)} токенов, "
        f"{len(revocations.subjects)} владельцев)",
        err=True,
    )
