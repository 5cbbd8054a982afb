"""gRPC (grpc.aio): every method under a declared Policy, deny by default.

    server = grpc.aio.server(interceptors=[AuthInterceptor(verifier, {
        "/olymp.materials.v1.Feed/Subscribe": Policy.of(
            Role.MUNICIPAL_COORDINATOR, Role.SERVICE,
            scope=ScopeRule(ScopeKind.MUNICIPALITY, "municipality_id")),
    })])

A scope rule's `param` names a field of the request message; for client-streaming methods there is
no single request, so only callers unrestricted in that kind pass. Servicers read the caller with
`current_principal()`.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any

import grpc

from olymp_core.auth.model import Policy, Principal
from olymp_core.auth.verifier import TokenVerifier, bearer_token
from olymp_core.problems import Problem

PUBLIC_METHOD_PREFIXES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)
_STATUS_BY_HTTP = {
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    503: grpc.StatusCode.UNAVAILABLE,
}

_principal: ContextVar[Principal] = ContextVar("olymp_principal")

Guard = Callable[[Any, Any], Awaitable[None]]


def current_principal() -> Principal:
    """The caller of the RPC being served."""
    try:
        return _principal.get()
    except LookupError:
        raise RuntimeError("no principal: is AuthInterceptor installed on this server?") from None


def bearer_metadata(token: str) -> tuple[tuple[str, str], ...]:
    """Call metadata that carries `token` (for service-to-service calls)."""
    return (("authorization", f"Bearer {token}"),)


class AuthInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    def __init__(self, verifier: TokenVerifier, policies: Mapping[str, Policy]) -> None:
        self._verifier = verifier
        self._policies = dict(policies)

    async def intercept_service(
        self, continuation: Callable[[Any], Awaitable[Any]], details: Any
    ) -> Any:
        handler = await continuation(details)
        method: str = details.method
        if handler is None or method.startswith(PUBLIC_METHOD_PREFIXES):
            return handler
        policy = self._policies.get(method)
        if policy is None:
            return _guarded(
                handler,
                _deny(
                    grpc.StatusCode.PERMISSION_DENIED,
                    f"Метод {method} не открыт ни одной роли: доступ к нему закрыт. "
                    "Сообщите администратору системы.",
                ),
            )
        if policy.is_public:
            return _guarded(handler, _admit(policy, Principal.anonymous()))
        try:
            token = bearer_token(_metadata_value(details.invocation_metadata, "authorization"))
            principal = await self._verifier.verify(token)
        except Problem as problem:
            code = _STATUS_BY_HTTP.get(problem.status, grpc.StatusCode.INTERNAL)
            return _guarded(handler, _deny(code, problem.detail))
        return _guarded(handler, _admit(policy, principal))


def _metadata_value(metadata: Any, wanted: str) -> str | None:
    for key, value in metadata or ():
        if key.lower() == wanted:
            return value.decode() if isinstance(value, bytes) else str(value)
    return None


def _deny(code: grpc.StatusCode, detail: str) -> Guard:
    async def guard(request: Any, context: Any) -> None:
        await context.abort(code, detail)

    return guard


def _admit(policy: Policy, principal: Principal) -> Guard:
    async def guard(request: Any, context: Any) -> None:
        def field(name: str) -> str | None:
            value = getattr(request, name, None)
            return None if value is None or value == "" else str(value)

        try:
            policy.enforce(principal, field)
        except Problem as problem:
            code = _STATUS_BY_HTTP.get(problem.status, grpc.StatusCode.PERMISSION_DENIED)
            await context.abort(code, problem.detail)
        # Each RPC runs in its own task, so the value dies with the call.
        _principal.set(principal)

    return guard


def _guarded(handler: Any, guard: Guard) -> Any:
    """`handler` with `guard` run first, for all four kinds of method."""
    kind = (
        ("stream" if handler.request_streaming else "unary")
        + "_"
        + ("stream" if handler.response_streaming else "unary")
    )
    inner = getattr(handler, kind)
    wrap = _streaming_response if handler.response_streaming else _single_response
    make = getattr(grpc, f"{kind}_rpc_method_handler")
    return make(
        wrap(inner, guard),
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )


def _single_response(inner: Callable[..., Any], guard: Guard) -> Callable[..., Awaitable[Any]]:
    async def behavior(request: Any, context: Any) -> Any:
        await guard(request, context)
        result = inner(request, context)
        return await result if inspect.isawaitable(result) else result

    return behavior


def _streaming_response(
    inner: Callable[..., Any], guard: Guard
) -> Callable[..., AsyncIterator[Any]]:
    async def behavior(request: Any, context: Any) -> AsyncIterator[Any]:
        await guard(request, context)
        result = inner(request, context)
        if inspect.isawaitable(result):
            # The servicer wrote its responses with context.write() and returned nothing.
            await result
            return
        if hasattr(result, "__aiter__"):
            async for response in result:
                yield response
        else:
            for response in result:
                yield response

    return behavior
