"""Who is calling and what a route admits: roles, scopes, principals and policies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from olymp_core.problems import Forbidden

ANY = "*"


class Role(StrEnum):
    COORDINATOR = "coordinator"
    MUNICIPAL_COORDINATOR = "municipal_coordinator"
    VENUE_COORDINATOR = "venue_coordinator"
    SCANNER = "scanner"
    CODING_OFFICER = "coding_officer"
    JURY_MEMBER = "jury_member"
    JURY_CHAIR = "jury_chair"
    APPEAL_MEMBER = "appeal_member"
    OBSERVER = "observer"
    # a participant who signed in with their personal access code: always scoped to themselves
    PARTICIPANT = "participant"
    PUBLIC = "public"
    SERVICE = "service"

    @property
    def label(self) -> str:
        """The role as officials call it (shown in error messages)."""
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.COORDINATOR: "региональный координатор",
    Role.MUNICIPAL_COORDINATOR: "муниципальный координатор",
    Role.VENUE_COORDINATOR: "координатор на площадке",
    Role.SCANNER: "оператор сканирования",
    Role.CODING_OFFICER: "член оргкомитета по кодированию работ",
    Role.JURY_MEMBER: "член жюри",
    Role.JURY_CHAIR: "председатель жюри",
    Role.APPEAL_MEMBER: "член апелляционной комиссии",
    Role.OBSERVER: "общественный наблюдатель",
    Role.PARTICIPANT: "участник олимпиады",
    Role.PUBLIC: "любой посетитель",
    Role.SERVICE: "служба системы",
}


class ScopeKind(StrEnum):
    REGION = "region"
    MUNICIPALITY = "municipality"
    VENUE = "venue"
    SUBJECT = "subject"
    PARTICIPANT = "participant"

    @property
    def label(self) -> str:
        return _SCOPE_LABELS[self]


_SCOPE_LABELS = {
    ScopeKind.REGION: "регион",
    ScopeKind.MUNICIPALITY: "муниципалитет",
    ScopeKind.VENUE: "место проведения",
    ScopeKind.SUBJECT: "предмет",
    ScopeKind.PARTICIPANT: "участник",
}


# The scope kind a role's token must carry: a jury member marks their subject, a municipal
# coordinator organises their municipality. A route with a rule of that kind refuses such a token
# without it rather than admitting it everywhere; `*` there is an operator's deliberate "all".
PINNED_SCOPES: Mapping[Role, ScopeKind] = {
    Role.MUNICIPAL_COORDINATOR: ScopeKind.MUNICIPALITY,
    Role.VENUE_COORDINATOR: ScopeKind.VENUE,
    Role.JURY_MEMBER: ScopeKind.SUBJECT,
    Role.JURY_CHAIR: ScopeKind.SUBJECT,
    Role.PARTICIPANT: ScopeKind.PARTICIPANT,
}


def missing_pinned_scopes(
    roles: Iterable[Role], scopes: Mapping[ScopeKind, Iterable[str]]
) -> dict[Role, ScopeKind]:
    """The roles among `roles` whose pinned scope kind `scopes` does not carry."""
    return {
        role: PINNED_SCOPES[role]
        for role in sorted(set(roles))
        if role in PINNED_SCOPES and not set(scopes.get(PINNED_SCOPES[role], ()))
    }


@dataclass(frozen=True)
class Principal:
    """An authenticated caller. A scope kind absent from `scopes` means "not restricted there",
    except for the kind its roles are pinned to (`PINNED_SCOPES`): there, absent means refused.
    """

    subject: str
    roles: frozenset[Role]
    scopes: Mapping[ScopeKind, frozenset[str]] = field(default_factory=dict, hash=False)
    name: str | None = None

    @classmethod
    def anonymous(cls) -> Principal:
        return cls(subject="anonymous", roles=frozenset({Role.PUBLIC}))

    def has_role(self, *roles: Role) -> bool:
        """True when the principal holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)

    def is_restricted(self, kind: ScopeKind) -> bool:
        allowed = self.scopes.get(kind)
        return allowed is not None and ANY not in allowed

    def may_access(self, kind: ScopeKind, value: str) -> bool:
        return not self.is_restricted(kind) or value in self.scopes[kind]


@dataclass(frozen=True)
class ScopeRule:
    """The request parameter `param` names a `kind` value the caller must be scoped to.

    `required`: a caller with no scope of this kind is refused instead of admitted everywhere —
    for the routes whose callers must always be pinned to one value (a participant to themselves).
    """

    kind: ScopeKind
    param: str
    required: bool = False


@dataclass(frozen=True)
class Policy:
    """What a route or RPC admits: any of `roles`, and every scope rule satisfied."""

    roles: frozenset[Role]
    scopes: tuple[ScopeRule, ...] = ()

    @classmethod
    def of(cls, *roles: Role, scope: ScopeRule | None = None) -> Policy:
        if not roles:
            raise ValueError("a policy must admit at least one role (Role.PUBLIC for everyone)")
        return cls(frozenset(roles), (scope,) if scope else ())

    @property
    def is_public(self) -> bool:
        return Role.PUBLIC in self.roles

    def merged(self, other: Policy) -> Policy:
        """Both policies at once, as when a router and its route each declare one."""
        if self.is_public:
            roles = other.roles
        elif other.is_public:
            roles = self.roles
        else:
            roles = self.roles & other.roles
        return Policy(roles, self.scopes + other.scopes)

    def enforce(self, principal: Principal, param: Callable[[str], str | None]) -> None:
        """Raise Forbidden unless `principal` passes; `param(name)` reads a request parameter."""
        if not self.is_public and not principal.has_role(*self.roles):
            admitted = ", ".join(sorted(role.label for role in self.roles)) or "никому"
            held = ", ".join(sorted(role.label for role in principal.roles)) or "нет ролей"
            raise Forbidden(
                f"Действие доступно только ролям: {admitted}. Ваши роли: {held}. "
                "Если доступ вам положен, попросите координатора выдать токен с нужной ролью.",
                admitted_roles=sorted(role.value for role in self.roles),
            )
        for rule in self.scopes:
            if rule.required and not principal.is_restricted(rule.kind):
                raise Forbidden(
                    f"Ваш доступ не ограничен значением «{rule.kind.label}», а это действие "
                    "доступно только с таким ограничением. Войдите заново по своему коду доступа "
                    "или попросите координатора выдать токен с нужным ограничением."
                )
            self._refuse_unpinned(principal, rule)
            if not principal.is_restricted(rule.kind):
                continue
            value = param(rule.param)
            allowed = ", ".join(sorted(principal.scopes[rule.kind]))
            if value is None:
                raise Forbidden(
                    f"Ваш доступ ограничен ({rule.kind.label}: {allowed}), а в запросе не указан "
                    f"параметр «{rule.param}»: укажите его и повторите запрос."
                )
            if not principal.may_access(rule.kind, value):
                raise Forbidden(
                    f"Ваш доступ ограничен ({rule.kind.label}: {allowed}), а запрошено «{value}». "
                    "Если это ошибка, попросите координатора расширить ваш доступ."
                )

    def _refuse_unpinned(self, principal: Principal, rule: ScopeRule) -> None:
        """Refuse a caller admitted here only by roles pinned to `rule.kind` yet carrying no such
        scope: a jury member's token without a subject must not mark every subject."""
        admitted = principal.roles & self.roles
        if self.is_public or not admitted or rule.kind in principal.scopes:
            return
        if any(PINNED_SCOPES.get(role) is not rule.kind for role in admitted):
            return
        labels = ", ".join(sorted(role.label for role in admitted))
        raise Forbidden(
            f"Токен роли «{labels}» должен быть ограничен видом «{rule.kind.label}», а в нём "
            "такого ограничения нет. Попросите координатора выдать токен с ним "
            f"(olymp token issue … --scope {rule.kind.value}=…; «*» — все значения).",
            missing_scope=rule.kind.value,
        )
