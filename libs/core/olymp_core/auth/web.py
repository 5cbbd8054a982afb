"""FastAPI: `authorize(...)` guards a route; `route_policies` and `undeclared_routes` audit an app.

The dependency finds the verifier at `request.app.state.token_verifier` (set it in the service's
composition root: `app.state.token_verifier = settings.auth.build_verifier()`).

    @router.get("/municipalities/{municipality}/packages")
    async def packages(
        who: Annotated[Principal, Depends(authorize(Role.MUNICIPAL_COORDINATOR,
                                                    scope=ScopeRule(ScopeKind.MUNICIPALITY,
                                                                    "municipality")))],
    ) -> ...
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import fastapi.routing
from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.routing import BaseRoute, WebSocketRoute

from olymp_core.auth.model import Policy, Principal, Role, ScopeRule
from olymp_core.auth.olympiads import OLYMPIAD_PARAM, OLYMPIADS_STATE, OlympiadAdmission
from olymp_core.auth.verifier import TokenVerifier, bearer_token

VERIFIER_STATE = "token_verifier"
_POLICY_ATTR = "__olymp_policy__"

# Used for its OpenAPI entry (the "Authorize" button, `security` on operations); the token
# itself is read from the raw header so that a wrong scheme gets its own message.
_bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="Токен доступа: «olymp token issue» или служба входа региона.",
)

PrincipalDependency = Callable[..., Awaitable[Principal]]


def authorize(*roles: Role, scope: ScopeRule | None = None) -> PrincipalDependency:
    """A dependency yielding the caller if it holds one of `roles` (and is within `scope`).

    401 for a missing or invalid token, 403 for a wrong role or an out-of-scope request, and for
    a caller restricted on municipality on an olympiad of another one (`olymp_core.auth.olympiads`).
    With `Role.PUBLIC` among `roles` no token is needed and an anonymous principal is yielded.
    """
    policy = Policy.of(*roles, scope=scope)
    dependency: PrincipalDependency
    if policy.is_public:

        async def admit_anyone(request: Request) -> Principal:
            principal = Principal.anonymous()
            policy.enforce(principal, _request_param(request))
            return principal

        dependency = admit_anyone
    else:

        async def admit_by_token(
            request: Request,
            _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        ) -> Principal:
            token = bearer_token(request.headers.get("authorization"))
            principal = await _verifier(request).verify(token)
            policy.enforce(principal, _request_param(request))
            await _admit_to_olympiad(request, principal)
            return principal

        dependency = admit_by_token
    setattr(dependency, _POLICY_ATTR, policy)
    return dependency


def _verifier(request: Request) -> TokenVerifier:
    verifier = getattr(request.app.state, VERIFIER_STATE, None)
    if not isinstance(verifier, TokenVerifier):
        raise RuntimeError(f"app.state.{VERIFIER_STATE} is not set: build it at startup")
    return verifier


async def _admit_to_olympiad(request: Request, principal: Principal) -> None:
    """A caller restricted on municipality reaches only its municipalities' olympiads; the app's
    `olympiad_municipalities` state says whose each is. An app without it keeps no olympiads
    (the portal: each of its pages calls the services with the person's own token)."""
    olympiad = request.path_params.get(OLYMPIAD_PARAM)
    admission: OlympiadAdmission | None = getattr(request.app.state, OLYMPIADS_STATE, None)
    if olympiad is not None and admission is not None:
        await admission.admit(principal, str(olympiad))


def _request_param(request: Request) -> Callable[[str], str | None]:
    def param(name: str) -> str | None:
        value = request.path_params.get(name)
        return str(value) if value is not None else request.query_params.get(name)

    return param


@dataclass(frozen=True)
class ServedRoute:
    """A route as the app serves it: `route.matches(scope)` finds it, `policy` guards it."""

    route: Any
    original: BaseRoute
    policy: Policy | None

    @property
    def keys(self) -> list[str]:
        """`"METHOD /path"` of each method served here."""
        return _route_keys(self.route, self.original)


def served_routes(app: FastAPI) -> list[ServedRoute]:
    """Every route in the order the router tries them, with the policy in force there (if any)."""
    served = []
    for route, original in _effective_routes(app):
        policy = None
        if isinstance(original, APIRoute | APIWebSocketRoute):
            policy = _policy_of(route.dependant)
        served.append(ServedRoute(route, original, policy))
    return served


def route_policies(app: FastAPI) -> dict[str, Policy]:
    """`"GET /path"` -> the policy in force there (router- and route-level ones merged)."""
    policies: dict[str, Policy] = {}
    for served in served_routes(app):
        if served.policy is not None:
            policies.update(dict.fromkeys(served.keys, served.policy))
    return policies


def undeclared_routes(app: FastAPI) -> list[str]:
    """Routes and mounts with no `authorize` dependency, FastAPI's own docs excepted."""
    docs = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    undeclared: list[str] = []
    for route, original in _effective_routes(app):
        if isinstance(original, APIRoute | APIWebSocketRoute):
            if _policy_of(route.dependant) is None:
                undeclared.extend(_route_keys(route, original))
        elif getattr(route, "path", None) not in docs:
            undeclared.extend(_route_keys(route, original))
    return sorted(undeclared)


def document_policies(app: FastAPI) -> None:
    """Put each operation's admitted roles and scope rules into OpenAPI as `x-roles`, `x-scope`."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        for key, policy in route_policies(app).items():
            method, path = key.split(" ", 1)
            operation = schema.get("paths", {}).get(path, {}).get(method.lower())
            if operation is not None:
                operation["x-roles"] = sorted(role.value for role in policy.roles)
                if policy.scopes:
                    operation["x-scope"] = [
                        {"kind": rule.kind.value, "param": rule.param} for rule in policy.scopes
                    ]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _policy_of(dependant: Dependant) -> Policy | None:
    found: Policy | None = None
    for policy in _policies_in(dependant.dependencies):
        found = policy if found is None else found.merged(policy)
    return found


def _policies_in(dependencies: Iterable[Dependant]) -> Iterable[Policy]:
    for dependency in dependencies:
        policy = getattr(dependency.call, _POLICY_ATTR, None)
        if isinstance(policy, Policy):
            yield policy
        yield from _policies_in(dependency.dependencies)


def _effective_routes(app: FastAPI) -> Iterator[tuple[Any, BaseRoute]]:
    """(route as served, route as declared) pairs, with included routers flattened.

    Newer FastAPI keeps included routers nested and applies the router's prefix and dependencies
    when serving; `iter_route_contexts` shows each route as served. Older versions copied routes
    into `app.routes` already.
    """
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    for route in iterate(app.routes) if iterate else app.routes:
        yield route, getattr(route, "original_route", route)


def _route_keys(route: Any, original: BaseRoute) -> list[str]:
    path = getattr(route, "path_format", None) or getattr(route, "path", "")
    if isinstance(original, APIWebSocketRoute | WebSocketRoute):
        return [f"WS {path}"]
    methods = getattr(route, "methods", None)
    return [f"{method} {path}" for method in sorted(methods)] if methods else [f"* {path}"]
