"""A big day: N participants through the whole suite's public APIs, each stage's wall time.

Starts its own suite as an operator does (`olymp up --detach`): HTTP ports +3000, databases
olymp_bench_day_<service>, broker virtual host olymp-bench-day, the object store in a temporary
directory — all fresh (the databases and the virtual host of an earlier run are dropped first).
Then runs the demo's day (`olymp_cli.demo.day.OlympiadDay`) at full size: one application file
imported, materials pushed and released at their instants, check-in room by room, coding,
two marks per work and third marks on discrepancies with `--concurrency` requests in flight
(jury members and venue desks working side by side), decoding, preliminary tables, appeals and
final tables. Every step goes through HTTP and every wait is a poll of what the services publish.

    .venv/bin/python bench/day.py                          # 10,000 participants, 60 schools
    .venv/bin/python bench/day.py --participants 1000 --concurrency 16

Prints each stage as it ends, then a table of stage times; the last line is JSON:
{"participants": …, "seconds": …, "stages": {…}, …}. "seconds" is the day without the suite's
start-up, which is reported apart. Needs PostgreSQL and RabbitMQ as for the tests (rabbitmqctl on
this machine, to make the virtual host). Stops the suite at the end, also after a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from own_suite import own_suite

PORT_OFFSET = 3000
DATABASE_PREFIX = "olymp_bench_day_"
VHOST = "olymp-bench-day"
# four coded subjects; mathematics must be one of them, the demo's appeals are in it
SUBJECTS = ("math", "physics", "chemistry", "biology")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from olymp_cli.demo.run import run_day
    from olymp_cli.suite import Layout

    jury = [f"jury-{n:02d}" for n in range(1, args.jury + 1)]
    layout = Layout.from_env(PORT_OFFSET, DATABASE_PREFIX)
    began = time.monotonic()

    def say(text: str) -> None:
        print(f"[{time.monotonic() - began:7.1f} s] {text}", flush=True)

    report = await run_day(
        layout,
        participants=args.participants,
        schools=args.schools,
        seed=args.seed,
        say=say,
        subjects=args.subjects,
        jury=jury,
        concurrency=args.concurrency,
    )
    return {
        "participants": report.participants,
        "seconds": round(time.monotonic() - began, 1),
        "stages": report.stage_seconds,
        "schools": report.schools,
        "subjects": len(args.subjects),
        "works": report.works,
        "third_marks": report.third_marks,
        "final_tables": len(report.final_tables),
        "concurrency": args.concurrency,
        "commands": report.commands,
    }


def main(args: argparse.Namespace) -> None:
    with own_suite(port_offset=PORT_OFFSET, database_prefix=DATABASE_PREFIX, vhost=VHOST) as (
        _,
        startup,
    ):
        result = asyncio.run(run(args))
    result["startup_seconds"] = round(startup, 1)
    print(f"\n{'stage':<22}{'seconds':>9}")
    for stage, seconds in result["stages"].items():
        print(f"{stage:<22}{seconds:>9.1f}")
    print(f"{'day':<22}{result['seconds']:>9.1f}")
    print(
        f"{result['participants']} participants from {result['schools']} schools, "
        f"{result['works']} works, {result['third_marks']} third marks, "
        f"{result['final_tables']} final tables, {result['commands']} commands; "
        f"{args.concurrency} requests in flight"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=10_000, help="application lines")
    parser.add_argument("--schools", type=int, default=60, help="schools they come from")
    parser.add_argument(
        "--subjects", nargs="+", default=list(SUBJECTS), help="subject codes (math among them)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=24, help="check-in and marking requests in flight"
    )
    parser.add_argument("--jury", type=int, default=30, help="jury members marking")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the synthetic day")
    main(parser.parse_args())
