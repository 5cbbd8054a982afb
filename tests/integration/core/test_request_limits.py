"""H1: a huge request body must not grow a service by its size (issue "Holds on the day").

The probe, made a test: the materials service's real application runs in its own process under
uvicorn; a client streams a few hundred megabytes at a JSON route, without a token and with one, and
the service's peak resident memory (VmHWM) is read from /proc before and after. Before request bodies
were limited, a 400 MB unauthenticated PATCH took the process from 128 MB to 1.2 GB and answered 422.

The application's background parts (broker, feed) are not started: the refusal happens before any of
them would be used, and the memory of the HTTP path is what is measured.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from olymp_core.auth import Role, TokenIssuer, generate_local_key

BODY_BYTES = 256 << 20  # what a hostile client sends
MAX_GROWTH = 48 << 20  # what the service may grow by while refusing it (its own work, buffers)
CHUNK = 1 << 20

SERVER = """
import socket, sys
from pathlib import Path
import uvicorn
from olymp_materials.main import build
from olymp_materials.settings import MaterialsSettings

workdir = Path(sys.argv[1])
settings = MaterialsSettings(
    profile="test",
    database_url="postgresql+asyncpg://postgres@127.0.0.1:5432/olymp_unused_by_this_probe",
    storage_url=f"file:{workdir / 'storage'}",
    auth_local_public_key_file=workdir / "auth.pub.pem",
    grpc_port=0,
)
service = build(settings)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print(listener.getsockname()[1], flush=True)
config = uvicorn.Config(service.app, lifespan="off", log_level="warning", access_log=False)
uvicorn.Server(config).run(sockets=[listener])
"""


@dataclass
class RunningService:
    process: subprocess.Popen[str]
    port: int
    issuer: TokenIssuer

    def peak_rss(self) -> int:
        """The process's peak resident memory so far, in bytes (VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024


# One process for the module: the peak only rises, so any refusal that read the body shows in the
# test that sent it (and in every later one).
@pytest.fixture(scope="module")
def materials(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    workdir = tmp_path_factory.mktemp("limits")
    (workdir / "auth.pub.pem").write_text(generate_local_key(workdir / "auth.pem"))
    issuer = TokenIssuer((workdir / "auth.pem").read_bytes(), "olymp-local", "olymp")
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(workdir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        service = RunningService(process, port, issuer)
        _wait_until_answering(service)
        yield service
    finally:
        process.terminate()
        process.wait(10)


def _wait_until_answering(service: RunningService) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            answer = exchange(service, b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", body=None)
            if answer.status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the materials process did not answer /healthz within 30 s")
        time.sleep(0.05)  # polling the starting process, with a deadline


@dataclass
class Answer:
    status: int
    head: str
    body: bytes
    sent: int  # body bytes the client got to send before the service answered


def exchange(service: RunningService, head: bytes, body: Iterator[bytes] | None) -> Answer:
    """Send `head`, stream `body` from another thread, and read the answer as it comes.

    The sender stops at the first refused write: a service that answers early and closes the
    connection is the behaviour wanted, not an error of the test.
    """
    sent = [0]
    with socket.create_connection(("127.0.0.1", service.port), timeout=60) as sock:
        sock.sendall(head)

        def stream() -> None:
            try:
                for chunk in body or ():
                    sock.sendall(chunk)
                    sent[0] += len(chunk)
            except OSError:
                return

        sender = threading.Thread(target=stream, daemon=True)
        sender.start()
        answer = b""
        while not _complete(answer):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
        sent_when_answered = sent[0]
        sender.join(60)
    raw_head, _, raw_body = answer.partition(b"\r\n\r\n")
    status = int(raw_head.split(b" ", 2)[1]) if raw_head.startswith(b"HTTP/1.1 ") else 0
    return Answer(status, raw_head.decode("latin-1"), raw_body, sent_when_answered)


def _complete(answer: bytes) -> bool:
    head, found, body = answer.partition(b"\r\n\r\n")
    if not found:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def garbage(total: int) -> Iterator[bytes]:
    chunk = b"x" * CHUNK
    for _ in range(total // CHUNK):
        yield chunk


def chunked(total: int) -> Iterator[bytes]:
    for chunk in garbage(total):
        yield b"%x\r\n%s\r\n" % (len(chunk), chunk)
    yield b"0\r\n\r\n"


def patch_head(headers: str) -> bytes:
    path = f"/olympiads/{uuid.uuid4()}/packages/{uuid.uuid4()}"
    return (
        f"PATCH {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n{headers}\r\n"
    ).encode()


def test_unauthenticated_huge_body_is_refused_before_it_is_read(
    materials: RunningService,
) -> None:
    before = materials.peak_rss()
    answer = exchange(
        materials, patch_head(f"Content-Length: {BODY_BYTES}\r\n"), garbage(BODY_BYTES)
    )
    grown = materials.peak_rss() - before
    assert answer.status == 401, answer
    assert "application/problem+json" in answer.head
    assert json.loads(answer.body)["reason"] == "missing"
    assert answer.sent < MAX_GROWTH  # answered at the headers, not after the body
    assert grown < MAX_GROWTH, f"grew by {grown >> 20} MiB for a {BODY_BYTES >> 20} MiB body"


def test_authenticated_chunked_body_is_cut_at_the_route_limit(materials: RunningService) -> None:
    token = materials.issuer.issue("ivanova", [Role.COORDINATOR])
    before = materials.peak_rss()
    answer = exchange(
        materials,
        patch_head(f"Authorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\n"),
        chunked(BODY_BYTES),
    )
    grown = materials.peak_rss() - before
    assert answer.status == 413, answer
    problem = json.loads(answer.body)
    assert problem["type"].endswith("/body-too-large")
    assert problem["max_bytes"] == 1 << 20
    assert "Тело запроса больше 1.0 МБ" in problem["detail"]
    assert answer.sent < MAX_GROWTH
    assert grown < MAX_GROWTH, f"grew by {grown >> 20} MiB for a {BODY_BYTES >> 20} MiB body"


def test_declared_huge_body_with_a_token_is_refused_unread(materials: RunningService) -> None:
    token = materials.issuer.issue("ivanova", [Role.COORDINATOR])
    before = materials.peak_rss()
    answer = exchange(
        materials,
        patch_head(f"Authorization: Bearer {token}\r\nContent-Length: {BODY_BYTES}\r\n"),
        garbage(BODY_BYTES),
    )
    grown = materials.peak_rss() - before
    assert answer.status == 413, answer
    assert "connection: close" in answer.head.lower()
    assert "Тело запроса — 256.0 МБ" in json.loads(answer.body)["detail"]
    assert answer.sent < MAX_GROWTH
    assert grown < MAX_GROWTH, f"grew by {grown >> 20} MiB for a {BODY_BYTES >> 20} MiB body"
