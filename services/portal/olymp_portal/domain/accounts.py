"""Local accounts: a login, a name, a password hash (argon2id) and the roles the person holds.

A person may hold several roles (a jury member of mathematics who is also the chair of physics):
each is a `Grant`, a role with its scopes, and the person picks one per session, so every token
the portal signs carries exactly the role the person is acting in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from olymp_core.auth import Role, ScopeKind
from olymp_portal.domain.errors import InvalidAccount

# the portal's accounts are staff's; the public and the services never sign in here, and a
# participant signs in with a personal access code, never with an account an operator made
STAFF_ROLES = tuple(
    role for role in Role if role not in (Role.PUBLIC, Role.SERVICE, Role.PARTICIPANT)
)
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD = 10

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@dataclass(frozen=True)
class Grant:
    """One role with its scopes (a kind absent from `scopes` is not restricted)."""

    role: Role
    scopes: Mapping[ScopeKind, frozenset[str]] = field(default_factory=dict, hash=False)

    @property
    def key(self) -> str:
        """A stable name of the grant, used by the role chooser's form."""
        parts = [self.role.value]
        for kind in sorted(self.scopes):
            parts.append(f"{kind.value}={','.join(sorted(self.scopes[kind]))}")
        return ";".join(parts)

    @property
    def label(self) -> str:
        """The role as officials call it, with its scopes: «член жюри (предмет: math)»; a
        participant's scope is the person themselves, so it goes unsaid."""
        if not self.scopes or self.role is Role.PARTICIPANT:
            return self.role.label
        scopes = "; ".join(
            f"{kind.label}: {', '.join(sorted(values))}"
            for kind, values in sorted(self.scopes.items())
        )
        return f"{self.role.label} ({scopes})"

    def to_json(self) -> dict[str, object]:
        return {
            "role": self.role.value,
            "scopes": {kind.value: sorted(values) for kind, values in self.scopes.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Grant:
        scopes = data.get("scopes") or {}
        assert isinstance(scopes, Mapping)
        return cls(
            Role(str(data["role"])),
            {ScopeKind(kind): frozenset(values) for kind, values in scopes.items()},
        )


@dataclass(frozen=True)
class Account:
    login: str
    name: str
    grants: tuple[Grant, ...]
    password_hash: str
    disabled: bool = False

    @classmethod
    def new(cls, login: str, name: str, grants: tuple[Grant, ...], password: str) -> Account:
        login = login.strip().lower()
        if not LOGIN.match(login):
            raise InvalidAccount(
                f"Логин «{login}» не подходит: латинские строчные буквы, цифры, точка, дефис или "
                "подчёркивание, от 2 до 63 знаков, например ivanova.jury."
            )
        if not name.strip():
            raise InvalidAccount("Укажите фамилию, имя и отчество владельца учётной записи.")
        if not grants:
            raise InvalidAccount("Укажите хотя бы одну роль (--role).")
        for grant in grants:
            if grant.role not in STAFF_ROLES:
                raise InvalidAccount(
                    f"Роль «{grant.role.label}» не выдаётся учётной записи портала."
                )
        if len(password) < MIN_PASSWORD:
            raise InvalidAccount(
                f"Пароль короче {MIN_PASSWORD} знаков: придумайте длиннее (удобно — несколько слов)."
            )
        return cls(login, name.strip(), grants, hash_password(password))

    def grant(self, key: str) -> Grant | None:
        return next((grant for grant in self.grants if grant.key == key), None)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """True when `password` is the account's; a damaged hash never matches."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# the cost of a miss must not reveal whether the login exists: verify against this when it doesn't
DUMMY_HASH = hash_password("no such account, the same cost as a real one")
