"""What writing each key send down before the key leaves costs at the instant.

N streams send the same key at once; each waits until its note is committed to the hub's journal
(materials feed.background.KeySendJournal, group commits). Prints, per N, how long the streams
waited, how many transactions it took, and the same streams' wait without the journal (the cost of
waking N tasks on this machine, for comparison); the last lines are JSON, one object per N.

    .venv/bin/python bench/key_journal.py                   # 100, 1000, 3000, 12000
    .venv/bin/python bench/key_journal.py --sends 3000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any


async def waits(count: int, send: Any) -> tuple[list[float], float]:
    """Each of `count` tasks, woken at once, awaits `send(index)`: their waits from the wake-up."""
    gate = asyncio.Event()
    waited: list[float] = []
    released = 0.0

    async def stream(index: int) -> None:
        await gate.wait()  # all woken at once, as by the broadcaster's Event
        await send(index)
        waited.append((time.perf_counter() - released) * 1000)

    tasks = [asyncio.create_task(stream(i)) for i in range(count)]
    await asyncio.sleep(0)
    released = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    return sorted(waited), (time.perf_counter() - released) * 1000


def p99(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0], 1)


async def run_one(svc: Any, count: int) -> dict[str, Any]:
    from olymp_materials.feed import handlers
    from olymp_materials.feed.background import KeySendJournal
    from olymp_materials.feed.store import KeySend

    writes: list[int] = []
    journal = KeySendJournal(svc.uows, writes.append)
    package_id = uuid.uuid4()
    await journal.record(KeySend("warm-up", "warm-up", package_id, 1))  # a running hub's pool
    writes.clear()

    async def journalled(index: int) -> None:
        await journal.record(KeySend(f"mirror:m{index}", f"m{index}", package_id, 7))

    async def bare(index: int) -> None:
        await asyncio.sleep(0)

    waited, total = await waits(count, journalled)
    baseline, _ = await waits(count, bare)
    async with svc.uows() as uow:  # leave the journal empty for the next round
        while await handlers.chain_key_sends(uow, 5_000):
            pass
    return {
        "sends": count,
        "transactions": len(writes),
        "p50_ms": round(statistics.median(waited), 1),
        "p99_ms": p99(waited),
        "all_written_ms": round(total, 1),
        "without_journal_p99_ms": p99(baseline),
    }


async def main(counts: list[int]) -> None:
    from olymp_core.testing.service import running_service

    results = []
    with tempfile.TemporaryDirectory() as workdir:
        async with running_service(
            "materials", Path(workdir), role="hub", log_level="WARNING"
        ) as svc:
            for count in counts:
                result = await run_one(svc, count)
                print(
                    f"{count:>6} sends: {result['transactions']} transactions, waited p50 "
                    f"{result['p50_ms']} ms, p99 {result['p99_ms']} ms (without the journal "
                    f"p99 {result['without_journal_p99_ms']} ms); all written in "
                    f"{result['all_written_ms']} ms"
                )
                results.append(result)
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, nargs="+", default=[100, 1000, 3000, 12000])
    asyncio.run(main(parser.parse_args().sends))
