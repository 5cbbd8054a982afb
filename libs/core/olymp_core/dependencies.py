"""The dependencies every route may ask for, declared once as `Annotated` aliases.

    async def post_marks(body: MarkingCreate, who: Jury, uow: Uow) -> MarkingRead:
        result = await handlers.record_marking(command, uow, who)

`Uow` is a unit of work opened for the request and closed when the route returns (rolled back if
the handler did not commit). A service's own contexts (the scan desk, the appeals calendar, the
hub's keys) are given to `Service(contexts=[...])` in `main.build()` and reached by their type:

    Desk = Annotated[ScanDesk, Depends(context(ScanDesk))]

The service's settings are a context too: `context(CodingSettings)`.

Every dependency here is `async def` though none awaits: FastAPI runs a plain `def` dependency in
its thread pool, a hand-off per request for a dictionary look-up (a fifth of scoring's time per
request under the jury's load). `test_service_shape` keeps every service's dependencies so.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from olymp_core.clock import Clock
from olymp_core.db import UnitOfWork, UnitOfWorkFactory
from olymp_core.runtime import Runtime

T = TypeVar("T")

RUNTIME_STATE = "runtime"
CONTEXTS_STATE = "contexts"


async def _runtime(request: Request) -> Runtime[Any]:
    runtime: Runtime[Any] = getattr(request.app.state, RUNTIME_STATE)
    return runtime


CurrentRuntime = Annotated[Runtime[Any], Depends(_runtime)]


async def _uows(runtime: CurrentRuntime) -> UnitOfWorkFactory:
    return runtime.uows


Uows = Annotated[UnitOfWorkFactory, Depends(_uows)]


async def _uow(uows: Uows) -> AsyncIterator[UnitOfWork]:
    async with uows() as uow:
        yield uow


# scope="function": the unit of work closes when the route returns, before the response is sent
Uow = Annotated[UnitOfWork, Depends(_uow, scope="function")]


async def _clock(runtime: CurrentRuntime) -> Clock:
    return runtime.clock


CurrentClock = Annotated[Clock, Depends(_clock)]


def context_of(request: Request, cls: type[T]) -> T:
    """The service's context of type `cls`, as built in `main.build()` (outside a dependency)."""
    contexts: dict[type[Any], Any] = getattr(request.app.state, CONTEXTS_STATE)
    try:
        found: T = contexts[cls]
    except KeyError:
        raise RuntimeError(f"no {cls.__name__} in this service's contexts") from None
    return found


@functools.cache
def context(cls: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency returning the service's context of type `cls`, as built in `main.build()`."""

    async def provide(request: Request) -> T:
        return context_of(request, cls)

    provide.__name__ = f"context_{cls.__name__}"
    return provide
