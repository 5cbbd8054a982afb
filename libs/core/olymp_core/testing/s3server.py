"""An S3-compatible server on loopback for tests on machines where no MinIO runs."""

from __future__ import annotations

from types import TracebackType
from typing import Any


class LoopbackS3:
    """A running server; `url` is for `open_store`. Stop it with `stop()` or a `with` block."""

    def __init__(self, server: Any, url: str) -> None:
        self._server = server
        self.url = url

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> LoopbackS3:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_loopback_s3(bucket: str = "olymp-test") -> LoopbackS3:
    """Start moto's S3 on 127.0.0.1 on a free port; ensure_ready() creates the bucket."""
    from moto.server import ThreadedMotoServer  # a dev dependency: imported only when used

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    # moto accepts any credentials; a fixed region spares the SDK a bucket-location request.
    return LoopbackS3(
        server, f"s3://loopback:loopback-secret@{host}:{port}/{bucket}?region=us-east-1"
    )
