"""The HTTP protocol every service is served with: uvicorn's httptools protocol, one write per response.

uvicorn writes a response's head when the application starts it and the body when it sends it: two
writes, so two segments on the wire and two wake-ups of the client for a response that fits in one.
On results day that second write was a tenth of the publishing service's time per request. Here the
writes made in one turn of the event loop go to the socket together at the end of that turn
(`writelines`, one `writev`). A large write (a streamed file's chunk) goes at once, so the
transport's own flow control — pausing a producer while the client is slow — works as before.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Writes up to this size wait for the end of the loop's turn; a larger total goes out at once.
COALESCE_BYTES = 256 << 10


class CoalescingTransport:
    """A transport that hands the writes of one loop turn to the real one in a single call."""

    __slots__ = ("_loop", "_pending", "_pending_bytes", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._pending_bytes = 0

    def write(self, data: bytes) -> None:
        if not self._pending:
            if len(data) >= COALESCE_BYTES:
                self._transport.write(data)
                return
            self._loop.call_soon(self.flush)
        self._pending.append(data)
        self._pending_bytes += len(data)
        if self._pending_bytes >= COALESCE_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        if not self._transport.is_closing():
            self._transport.writelines(pending)

    def close(self) -> None:
        self.flush()  # what was written before close is sent, as the transport itself promises
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        coalescing = CoalescingTransport(transport, self.loop)
        super().connection_made(coalescing)  # type: ignore[arg-type]
