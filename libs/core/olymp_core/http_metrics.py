"""Every HTTP request counted and timed by route template, method and status.

A plain ASGI middleware: Starlette's `BaseHTTPMiddleware` (what `app.middleware("http")` adds) runs
each request in an extra task with memory streams and wraps every chunk of a body it receives; on
a scan upload that was a tenth of the service's Python time.
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("olymp_http_requests", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("olymp_http_request_seconds", "HTTP request latency", ["method", "route"])
# a client may send any method name; labelling by it would grow the metrics without bound
METRIC_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class ObservedRequests:
    """Counts each request under the template of the route that answered it ("unmatched" when
    none did), with the status it was answered with (500 when the application raised)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            # the router put the matched route into this same scope
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            method = scope["method"] if scope["method"] in METRIC_METHODS else "other"
            REQUESTS.labels(method, template, str(status)).inc()
            LATENCY.labels(method, template).observe(time.perf_counter() - started)
