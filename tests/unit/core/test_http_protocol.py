"""One write per response: the writes of one loop turn reach the socket together, large ones at
once, and nothing written before a close is lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from olymp_core.http_protocol import (
    COALESCE_BYTES,
    CoalescingHttpToolsProtocol,
    CoalescingTransport,
)


class Recorder:
    """The real transport's side: what it was asked to send, call by call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[bytes]]] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.calls.append(("write", [data]))

    def writelines(self, data: list[bytes]) -> None:
        self.calls.append(("writelines", list(data)))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.calls.append(("close", []))
        self.closing = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


async def test_the_head_and_body_of_a_response_go_out_in_one_call_after_the_turn() -> None:
    real = Recorder()
    transport = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"body")
    assert real.calls == []  # still this turn
    await asyncio.sleep(0)
    assert real.calls == [("writelines", [b"HTTP/1.1 200 OK\r\n\r\n", b"body"])]


async def test_a_large_write_goes_at_once_so_flow_control_sees_it() -> None:
    real = Recorder()
    transport = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    chunk = b"x" * COALESCE_BYTES
    transport.write(chunk)
    assert real.calls == [("write", [chunk])]
    transport.write(b"head")
    transport.write(chunk)  # the pending total passes the limit: sent now, in order
    assert real.calls[1:] == [("writelines", [b"head", chunk])]
    await asyncio.sleep(0)
    assert len(real.calls) == 2  # the scheduled flush finds nothing left


async def test_close_sends_what_was_written_first_and_other_calls_reach_the_transport() -> None:
    real = Recorder()
    transport = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    transport.write(b"last words")
    transport.close()
    assert real.calls == [("writelines", [b"last words"]), ("close", [])]
    await asyncio.sleep(0)
    assert len(real.calls) == 2
    assert transport.get_extra_info("peername") == "info:peername"


@pytest.fixture
async def server() -> AsyncIterator[int]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        if scope["path"] == "/stream":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            for n in range(5):
                body = bytes([65 + n]) * (COALESCE_BYTES // 2)
                await send({"type": "http.response.body", "body": body, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
            return
        body = scope["path"].encode()
        headers = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    config = uvicorn.Config(
        app, port=0, http=CoalescingHttpToolsProtocol, lifespan="off", log_config=None
    )
    served = uvicorn.Server(config)
    task = asyncio.create_task(served.serve())
    deadline = asyncio.get_running_loop().time() + 10
    while not served.started:
        assert asyncio.get_running_loop().time() < deadline, "the server did not start"
        await asyncio.sleep(0.01)
    [listener] = served.servers
    yield listener.sockets[0].getsockname()[1]
    served.should_exit = True
    await task


async def test_a_served_connection_answers_keep_alive_requests_and_streams(server: int) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server}") as client:
        for path in ("/a", "/bb", "/results/ccc"):
            answer = await client.get(path)
            assert (answer.status_code, answer.content) == (200, path.encode())
        streamed = await client.get("/stream")
        half = COALESCE_BYTES // 2
        assert streamed.content == b"".join(bytes([65 + n]) * half for n in range(5))
