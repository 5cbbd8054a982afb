"""What N mirrors fetching one large package at once cost the hub: time and the hub's peak memory.

The hub is the real materials service in this process (PostgreSQL, its gRPC feed, a local object
store); the mirrors are fetch clients in a child process, each reading the whole ciphertext and
checking its SHA-256. The hub streams chunks of 1 MiB and serves `--slots` fetches at once, so its
memory should not grow with N or with the package's size. Last line JSON.

    .venv/bin/python bench/package_fetch.py                          # 100 mirrors, 20 MB
    .venv/bin/python bench/package_fetch.py --mirrors 300 --megabytes 20 --slots 16
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import multiprocessing as mp
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

CHANNEL_STREAMS = 100


def _client(port: int, token: str, count: int, package_id: str, out: Any) -> None:
    out.put(asyncio.run(_clients(port, token, count, package_id)))


async def _clients(port: int, token: str, count: int, package_id: str) -> list[str]:
    import grpc

    from olymp.materials.v1 import materials_pb2 as pb
    from olymp.materials.v1 import materials_pb2_grpc as pb_grpc

    metadata = (("authorization", f"Bearer {token}"),)
    channels = [
        grpc.aio.insecure_channel(f"127.0.0.1:{port}") for _ in range(-(-count // CHANNEL_STREAMS))
    ]

    async def fetch(index: int) -> str:
        stub = pb_grpc.MaterialsFeedServiceStub(channels[index // CHANNEL_STREAMS])
        request = pb.FetchPackageRequest(municipality_id=f"m{index}", package_id=package_id)
        digest = hashlib.sha256()
        try:
            async for chunk in stub.FetchPackage(request, metadata=metadata):
                digest.update(chunk.data)
        except grpc.aio.AioRpcError as error:
            return f"error {error.code().name}"
        return digest.hexdigest()

    digests = await asyncio.gather(*(fetch(i) for i in range(count)))
    for channel in channels:
        await channel.close()
    return list(digests)


class PeakRss:
    """The process's resident memory, sampled every 20 ms in a thread (ru_maxrss never falls)."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.wait(0.02):
            with open("/proc/self/statm") as statm:
                resident = int(statm.read().split()[1]) * page / 2**20
            self.peak_mb = max(self.peak_mb, resident)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def main(mirrors: int, megabytes: int, slots: int) -> None:
    from olymp_core.auth import Role
    from olymp_core.grpc import GrpcServer
    from olymp_core.testing.service import running_service

    with tempfile.TemporaryDirectory() as workdir:
        async with running_service(
            "materials",
            Path(workdir),
            role="hub",
            log_level="WARNING",
            feed_max_fetches=slots,
            max_package_bytes=(megabytes + 1) * 2**20,
        ) as svc:
            content = os.urandom(megabytes * 2**20)
            release_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
            pushed = await svc.client.post(
                f"/olympiads/{uuid.uuid4()}/subjects/math/packages/tasks",
                content=content,
                params={"release_at": release_at.isoformat()},
                headers=svc.auth(Role.COORDINATOR),
            )
            assert pushed.status_code == 201, pushed.text
            del content
            package_id = pushed.json()["package_id"]
            stored = await svc.service.runtime.objects.get(f"{await _object_key(svc, package_id)}")
            expected = hashlib.sha256(stored).hexdigest()
            del stored
            [server] = [p for p in svc.service.lifecycles if isinstance(p, GrpcServer)]
            token = svc.issuer.issue("bench-mirrors", [Role.SERVICE], ttl=dt.timedelta(hours=1))
            ctx = mp.get_context("spawn")
            out = ctx.Queue()
            before = _rss_mb()
            with PeakRss() as peak:
                started = time.monotonic()
                child = ctx.Process(
                    target=_client, args=(server.port, token, mirrors, package_id, out)
                )
                child.start()
                digests: list[str] = await asyncio.to_thread(out.get)
                seconds = time.monotonic() - started
                child.join()
    good = sum(1 for d in digests if d == expected)
    result = {
        "mirrors": mirrors,
        "megabytes": megabytes,
        "slots": slots,
        "fetched_intact": good,
        "seconds": round(seconds, 1),
        "hub_rss_before_mb": round(before, 1),
        "hub_peak_rss_mb": round(peak.peak_mb, 1),
        "hub_peak_growth_mb": round(peak.peak_mb - before, 1),
    }
    print(
        f"{mirrors} mirrors x {megabytes} MB: {good} intact in {result['seconds']} s; hub RSS "
        f"{result['hub_rss_before_mb']} MB before, peak {result['hub_peak_rss_mb']} MB "
        f"(+{result['hub_peak_growth_mb']} MB) with {slots} fetches at once"
    )
    print(json.dumps(result))


async def _object_key(svc: Any, package_id: str) -> str:
    import sqlalchemy as sa

    async with svc.uows() as uow:
        query = sa.text("SELECT object_key FROM packages WHERE package_id = :id")
        key: str = (await uow.session.execute(query, {"id": uuid.UUID(package_id)})).scalar_one()
        return key


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=int, default=100)
    parser.add_argument("--megabytes", type=int, default=20)
    parser.add_argument("--slots", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(main(args.mirrors, args.megabytes, args.slots))
