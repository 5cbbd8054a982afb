"""Key release fan-out: N mirror streams subscribed to one hub, one release, delay per stream.

The hub is the real materials service (PostgreSQL, broker, its gRPC feed) in this process; the
mirrors are lightweight stream clients in child processes, so the hub's peak RSS is its own. Each
run announces a package whose instant is a few seconds ahead, waits, and records when each stream
receives its key, on the clock of the process that receives it (the machine's one clock). Prints
deliveries before the instant (must be 0), p50/p99/max delay after the instant and the hub's peak
RSS; the last lines are JSON, one object per N.

The streams can be spread over several client processes (`--client-processes`, 1 by default): real
mirrors are separate machines, and one Python process reading thousands of streams spends tens of
microseconds on each message, so the last stream's key waits for the client to read the others.
On a 2-core machine more client processes only take CPU share from the hub, so one is the default
there. Like a real mirror, a stream keeps following the hub after its key; all are closed after the
round.

    .venv/bin/python bench/key_release.py                     # 100, 1000, 3000
    .venv/bin/python bench/key_release.py --subscribers 100 500 --client-processes 2
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing as mp
import resource
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

CHANNEL_STREAMS = 100  # streams per HTTP/2 connection, as many municipalities share none


CLIENT_PROCESSES = 1  # more only where the clients have cores of their own


def _client(port: int, token: str, first: int, count: int, after: int, out: Any, go: Any) -> None:
    asyncio.run(_clients(port, token, first, count, after, out, go))


async def _clients(
    port: int, token: str, first: int, count: int, after: int, out: Any, go: Any
) -> None:
    import grpc

    from olymp.materials.v1 import materials_pb2 as pb
    from olymp.materials.v1 import materials_pb2_grpc as pb_grpc

    metadata = (("authorization", f"Bearer {token}"),)
    channels = [
        grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        for _ in range((count + CHANNEL_STREAMS - 1) // CHANNEL_STREAMS)
    ]
    received: list[float] = []
    everyone = asyncio.Event()

    async def stream(index: int) -> None:
        stub = pb_grpc.MaterialsFeedServiceStub(channels[index // CHANNEL_STREAMS])
        request = pb.SubscribeRequest(municipality_id=f"m{first + index}", after_sequence=after)
        call = stub.Subscribe(request, metadata=metadata)
        while (event := await call.read()) is not grpc.aio.EOF:
            if event.HasField("key_released"):
                received.append(time.time())
                break
        if len(received) == count:
            everyone.set()
        # a mirror goes on following its hub: hanging up here would make the hub and this
        # process tear streams down while other streams still wait for their key
        await everyone.wait()
        call.cancel()

    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(stream(i)))
        if i % CHANNEL_STREAMS == CHANNEL_STREAMS - 1:
            # a burst of thousands of calls at once stalls the connection set-up; mirrors
            # do not all connect in the same millisecond either
            await asyncio.sleep(0.05)
    go.put("subscribed")
    await asyncio.wait(tasks, timeout=60)
    out.put(received)
    for task in tasks:
        task.cancel()
    for channel in channels:
        await channel.close()


async def run_one(svc: Any, count: int, processes: int) -> dict[str, Any]:
    from olymp_core.auth import Role
    from olymp_core.grpc import GrpcServer
    from olymp_materials.feed.grpc_api.broadcaster import FeedBroadcaster
    from olymp_materials.handlers import Node

    [node] = [c for c in svc.service.contexts if isinstance(c, Node)]
    broadcaster = node.require_hub().feed
    assert isinstance(broadcaster, FeedBroadcaster)
    token = svc.issuer.issue("bench-mirrors", [Role.SERVICE], ttl=dt.timedelta(hours=1))
    ctx = mp.get_context("spawn")
    out, go = ctx.Queue(), ctx.Queue()
    [feed_server] = [p for p in svc.service.lifecycles if isinstance(p, GrpcServer)]
    port = feed_server.port
    after = broadcaster.last_sequence
    share = -(-count // processes)
    children = [
        ctx.Process(
            target=_client,
            args=(port, token, first, min(share, count - first), after, out, go),
        )
        for first in range(0, count, share)
    ]
    for child in children:
        child.start()
    for _ in children:
        await asyncio.to_thread(go.get)
    deadline = time.monotonic() + 120
    while broadcaster.subscribers < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {broadcaster.subscribers} of {count} streams subscribed")
        await asyncio.sleep(0.05)
    release_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    response = await svc.client.post(
        f"/olympiads/{uuid.uuid4()}/subjects/math/packages/tasks",
        content=b"tasks " * 20_000,
        params={"release_at": release_at.isoformat()},
        headers=svc.auth(Role.COORDINATOR),
    )
    assert response.status_code == 201, response.text
    received: list[float] = []
    for _ in children:
        received += await asyncio.to_thread(out.get)
    for child in children:
        await asyncio.to_thread(child.join)
    instant = release_at.timestamp()
    delays = sorted((t - instant) * 1000 for t in received)
    early = sum(1 for d in delays if d < 0)
    late = [max(d, 0.0) for d in delays]
    q = statistics.quantiles(late, n=100) if len(late) > 1 else late * 99
    return {
        "subscribers": count,
        "delivered": len(delays),
        "early": early,
        "p50_ms": round(statistics.median(late), 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(late[-1], 1),
        "hub_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def main(counts: list[int], processes: int) -> None:
    from olymp_core.testing.service import running_service
    from olymp_materials.feed.background import KeySendAudit

    results = []
    with tempfile.TemporaryDirectory() as workdir:
        async with running_service(
            "materials",
            Path(workdir),
            role="hub",
            release_poll_interval_s=1.0,
            log_level="WARNING",
        ) as svc:
            for count in counts:
                result = await run_one(svc, count, processes)
                print(
                    f"{count:>5} mirrors: delivered {result['delivered']}, before the instant "
                    f"{result['early']}, after it p50 {result['p50_ms']} ms, p99 "
                    f"{result['p99_ms']} ms, max {result['max_ms']} ms; hub peak RSS "
                    f"{result['hub_peak_rss_mb']} MB"
                )
                results.append(result)
                # every key sent is audited off the send path; let the trail catch up before the
                # next round, as a hub has minutes between two instants, and say how long it took
                started = time.monotonic()
                [key_audit] = [p for p in svc.service.lifecycles if isinstance(p, KeySendAudit)]
                while key_audit.waiting:  # noqa: ASYNC110 (a counter, polled)
                    await asyncio.sleep(0.05)
                print(
                    f"        audit of {count} key sends written {time.monotonic() - started:.1f} s later"
                )
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument(
        "--client-processes",
        type=int,
        default=CLIENT_PROCESSES,
        help="processes the mirror streams are spread over (fewer for a small N)",
    )
    args = parser.parse_args()
    asyncio.run(main(args.subscribers, args.client_processes))
