"""Servicers under test, served in-process on a loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import grpc

from olymp_core.grpc import ServiceRegistration, build_server, stop_server


@asynccontextmanager
async def serve_in_process(
    register: ServiceRegistration,
    *,
    interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
) -> AsyncIterator[grpc.aio.Channel]:
    """Serve `register` on 127.0.0.1 (port 0), yield an open channel to it, then stop the server."""
    server, port = build_server(
        port=0, host="127.0.0.1", interceptors=interceptors, services=[register]
    )
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield channel
    finally:
        await stop_server(server, grace=None)
