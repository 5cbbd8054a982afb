"""The jury's marking through the staff portal: M members claiming and marking N works at once.

Starts its own suite (`own_suite`: ports +3200, databases olymp_bench_marking_*, virtual host
olymp-bench-marking), runs the demo's day up to coded works with their criteria (one subject,
N participants), creates M portal accounts, and lets each member work as a person does in the
browser, over HTTP with their own session: open the next work (the portal asks scoring's queue),
read the work's page, type the points and "save and next" (Enter), until no work is left for them.
Members are spread over the grades and move to another grade when theirs runs dry. Their first
task's points differ now and then by more than the threshold, so third marks happen too.

    .venv/bin/python bench/marking.py                      # 30 members, 3,000 works
    .venv/bin/python bench/marking.py --members 10 --works 300
    .venv/bin/python bench/marking.py --think-ms 2000       # members who read before saving

Prints claims per second, the server time of "save and next" (the POST that records the marks
and claims the next work, as the browser waits for it; p50/p99) and of opening a work page, and
checks from scoring's database that no work was marked by more members than the rules allow.
Where the time goes: the CPU each service process, the PostgreSQL server and the whole machine
spent per work opened while the members marked (from /proc; the PostgreSQL server and the
machine include whatever else runs on them, so note the load average printed with it).
The last line is JSON: {"members": …, "works": …, "claims_per_s": …, "next_p99_ms": …,
"double_claims": …, "cpu_ms_per_claim": {…}, "load_1m": …}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from own_suite import own_suite

PORT_OFFSET = 3200
DATABASE_PREFIX = "olymp_bench_marking_"
VHOST = "olymp-bench-marking"
PASSWORD = "bench-marking-пароль"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TASK = re.compile(r'name="(task-\d+)"')
ALERT = re.compile(r'role="alert">([^<]*)<')


@dataclass
class Tally:
    saves_ms: list[float] = field(default_factory=list)
    opens_ms: list[float] = field(default_factory=list)
    claims: int = 0
    refused: list[str] = field(default_factory=list)  # saves the portal did not accept


async def create_accounts(layout: Any, logins: list[str]) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from olymp_core.auth import Role, ScopeKind
    from olymp_core.clock import SystemClock
    from olymp_core.db import UnitOfWorkFactory, make_engine
    from olymp_portal import handlers
    from olymp_portal.domain import Grant

    engine = make_engine(layout.database_url("portal"), pool_size=1)
    try:
        uows = UnitOfWorkFactory(async_sessionmaker(engine, expire_on_commit=False), SystemClock())
        for login in logins:
            async with uows() as uow:
                command = handlers.AddAccount(
                    login,
                    f"Член жюри {login}",
                    (Grant(Role.JURY_MEMBER, {ScopeKind.SUBJECT: frozenset({"math"})}),),
                    PASSWORD,
                )
                await handlers.add_account(command, uow, operator="bench")
    finally:
        await engine.dispose()


async def sign_in(portal: str, login: str) -> httpx.AsyncClient:
    # idle connections are dropped before the server's own 5 s keep-alive ends: a request sent on
    # a connection the server is closing at that instant fails ("disconnected without a response")
    client = httpx.AsyncClient(
        base_url=portal, timeout=60, limits=httpx.Limits(keepalive_expiry=2.0)
    )
    form = await client.get("/login")
    csrf = CSRF.search(form.text)
    assert csrf, form.text
    signed = await client.post(
        "/login", data={"login": login, "password": PASSWORD, "csrf": csrf.group(1), "next": "/"}
    )
    assert signed.status_code == 303, signed.text
    return client


async def member(
    client: httpx.AsyncClient,
    grades: list[str],
    rng: random.Random,
    tally: Tally,
    think_s: float = 0.0,
) -> None:
    """One jury member: open the next work, mark it, save and next, until nothing is left."""
    home = await client.get("/")
    csrf_found = CSRF.search(home.text)
    assert csrf_found, home.text
    csrf = csrf_found.group(1)
    for grade_page in grades:
        answer = await client.post(grade_page + "/next", data={"csrf": csrf})
        while answer.status_code == 303 and "/works/" in answer.headers["location"]:
            tally.claims += 1
            started = time.perf_counter()
            page = await client.get(answer.headers["location"])
            tally.opens_ms.append((time.perf_counter() - started) * 1000)
            tasks = TASK.findall(page.text)
            if not tasks:
                said = ALERT.search(page.text)  # the portal's explanation, on an error page
                tally.refused.append(
                    f"{page.status_code}: no fields on {answer.headers['location']} "
                    + (said.group(1) if said else page.headers.get("location", ""))
                )
                break
            if think_s:  # reading the scan and typing: a person, not a loop
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)
            points = {name: str(rng.choice((8, 8.5, 9, 9.5, 10))) for name in tasks}
            if rng.random() < 0.1:
                points[tasks[0]] = "0"  # a discrepancy: the task goes to a third member
            started = time.perf_counter()
            answer = await client.post(answer.headers["location"], data={"csrf": csrf, **points})
            tally.saves_ms.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 303:
                tally.refused.append(f"{answer.status_code} {answer.text[:200]}")
                break


async def over_marked(layout: Any) -> int:
    """Works with more hands than §69/§73 allow: three markers only with a disputed task."""
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(layout.database_url("scoring"))
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT work_code, count(DISTINCT jury_member_id) AS hands,"
                    " count(*) FILTER (WHERE task_number = 1) AS firsts"
                    " FROM marks GROUP BY work_code"
                )
            )
            return sum(1 for row in rows if row.hands > 3 or row.firsts > 3)
    finally:
        await engine.dispose()


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int, *, children: bool = False) -> int:
    """User and system CPU of a process (and of its reaped children), in clock ticks; 0 if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    own = int(fields[11]) + int(fields[12])
    return own + (int(fields[13]) + int(fields[14]) if children else 0)


def postgres_ticks() -> int:
    """CPU of the whole PostgreSQL server: the running backends, and through the postmaster's
    reaped children those that ended (the services' pools open and close connections)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv0 = (entry / "cmdline").read_bytes().split(b"\0", 1)[0]
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if b"postgres" in argv0:
            parents[int(entry.name)] = parent
    # the postmaster, the one whose parent is not PostgreSQL, also carries its reaped children
    return sum(cpu_ticks(pid, children=parent not in parents) for pid, parent in parents.items())


def machine_ticks() -> int:
    """Busy CPU of the machine (all cores, every process), in clock ticks."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4]  # minus idle and iowait


def cpu_snapshot(layout: Any) -> dict[str, int]:
    services = json.loads(Path(layout.state_file).read_text())["services"]
    found = {name: cpu_ticks(entry["pid"]) for name, entry in services.items()}
    found["postgres_server"] = postgres_ticks()
    found["bench_client"] = cpu_ticks(os.getpid())
    found["machine"] = machine_ticks()
    return found


def cpu_per_claim(before: dict[str, int], after: dict[str, int], claims: int) -> dict[str, float]:
    spent = {name: (after[name] - before[name]) * TICK_MS / max(claims, 1) for name in before}
    shown = {name: spent[name] for name in ("portal", "scoring", "coding")}
    others = set(before) - {*shown, "postgres_server", "bench_client", "machine"}
    shown["other_services"] = sum(spent[name] for name in others)
    for name in ("postgres_server", "bench_client", "machine"):
        shown[name] = spent[name]
    return {name: round(ms, 1) for name, ms in shown.items()}


async def run(layout: Any, args: argparse.Namespace) -> dict[str, Any]:
    from olymp_cli.demo.run import run_day

    began = time.monotonic()
    report = await run_day(
        layout,
        participants=args.works,
        schools=max(8, args.works // 50),
        seed=args.seed,
        say=lambda text: print(f"[{time.monotonic() - began:6.1f} s] {text}", flush=True),
        subjects=("math",),
        until="coded",
    )
    logins = [f"bench-jury-{n:02d}" for n in range(1, args.members + 1)]
    await create_accounts(layout, logins)
    portal = layout.base_url("portal")
    base = f"/marking/{report.olympiad_id}/math"
    clients = [await sign_in(portal, login) for login in logins]
    grades_page = await clients[0].get("/marking")
    grades = sorted(set(re.findall(rf'href="({re.escape(base)}/\d+)"', grades_page.text)))
    assert grades, grades_page.text
    tally = Tally()
    print(f"{report.works} works coded; {args.members} members marking in {len(grades)} grades")
    load_1m = os.getloadavg()[0]
    cpu_before = cpu_snapshot(layout)
    started = time.monotonic()
    rng = random.Random(args.seed)
    await asyncio.gather(
        *(
            member(
                client,
                grades[n % len(grades) :] + grades[: n % len(grades)],
                rng,
                tally,
                args.think_ms / 1000,
            )
            for n, client in enumerate(clients)
        )
    )
    seconds = time.monotonic() - started
    cpu = cpu_per_claim(cpu_before, cpu_snapshot(layout), tally.claims)
    for client in clients:
        await client.aclose()
    double = await over_marked(layout) + sum("claimed-by-others" in r for r in tally.refused)
    saves = sorted(tally.saves_ms)
    opens = sorted(tally.opens_ms)
    return {
        "members": args.members,
        "works": report.works,
        "claims": tally.claims,
        "seconds": round(seconds, 1),
        "claims_per_s": round(tally.claims / seconds, 1),
        "next_p50_ms": round(statistics.median(saves), 1),
        "next_p99_ms": round(saves[int(len(saves) * 0.99) - 1], 1),
        "open_p50_ms": round(statistics.median(opens), 1),
        "open_p99_ms": round(opens[int(len(opens) * 0.99) - 1], 1),
        "think_ms": args.think_ms,
        "refused": len(tally.refused),
        "refusals": tally.refused[:5],
        "double_claims": double,
        "cpu_ms_per_claim": cpu,
        "load_1m": round(load_1m, 2),
    }


def main(args: argparse.Namespace) -> None:
    with own_suite(port_offset=PORT_OFFSET, database_prefix=DATABASE_PREFIX, vhost=VHOST) as (
        layout,
        _,
    ):
        result = asyncio.run(run(layout, args))
    print(
        f"{result['claims']} works opened in {result['seconds']} s: {result['claims_per_s']}/s; "
        f"save and next p50 {result['next_p50_ms']} ms, p99 {result['next_p99_ms']} ms; "
        f"opening a work p50 {result['open_p50_ms']} ms, p99 {result['open_p99_ms']} ms; "
        f"refused {result['refused']}, double claims {result['double_claims']}"
    )
    print(
        "CPU per work opened (ms): "
        + ", ".join(f"{name} {ms}" for name, ms in result["cpu_ms_per_claim"].items())
        + f"; load average at the start {result['load_1m']}"
    )
    for refusal in result.pop("refusals"):
        print(f"refused: {refusal}")
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=30, help="jury members marking at once")
    parser.add_argument("--works", type=int, default=3000, help="participants, hence works")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the synthetic day")
    parser.add_argument(
        "--think-ms",
        type=int,
        default=0,
        help="a member's time with a work before saving, on average (0: as fast as the suite "
        "answers, which measures its capacity; a person takes a minute or more)",
    )
    main(parser.parse_args())
