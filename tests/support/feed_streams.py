"""Many mirror streams in a child process, for the hub's reconnect-storm test and benchmark.

The streams run in their own process so that the hub's event loop and the clients' do not share
one interpreter: what the hub does under load is what is measured.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any

STREAMS_PER_CHANNEL = 100  # one HTTP/2 connection carries at most this many streams here


def run_streams(
    port: int, token: str, count: int, after: int, results: Any, within_s: float
) -> None:
    """Open `count` Subscribe streams at once; put a Counter of their outcomes on `results`."""
    results.put(asyncio.run(_streams(port, token, count, after, within_s)))


async def _streams(
    port: int, token: str, count: int, after: int, within_s: float
) -> dict[str, int]:
    import grpc

    from olymp.materials.v1 import materials_pb2 as pb
    from olymp.materials.v1 import materials_pb2_grpc as pb_grpc

    metadata = (("authorization", f"Bearer {token}"),)
    channels = [
        grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        for _ in range(-(-count // STREAMS_PER_CHANNEL))
    ]
    outcome: collections.Counter[str] = collections.Counter()

    async def stream(index: int) -> None:
        stub = pb_grpc.MaterialsFeedServiceStub(channels[index // STREAMS_PER_CHANNEL])
        request = pb.SubscribeRequest(municipality_id=f"m{index}", after_sequence=after)
        try:
            async for event in stub.Subscribe(request, metadata=metadata):
                if event.HasField("key_released"):
                    outcome["key"] += 1
                    return
        except grpc.aio.AioRpcError as error:
            outcome[f"error {error.code().name}"] += 1

    tasks = [asyncio.create_task(stream(i)) for i in range(count)]  # all at once: a storm
    await asyncio.wait(tasks, timeout=within_s)
    for channel in channels:
        await channel.close(grace=None)
    await asyncio.gather(*tasks, return_exceptions=True)
    return dict(outcome)
