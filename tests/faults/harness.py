"""The fault suite's tools: its own suite (ports +2000, databases olymp_faults_*, its own broker virtual
host), a seeded plan of faults, the injector that carries it out during a day, and what is compared
afterwards (the state a day left behind, per olympiad, free of the ids and codes a run draws). The
backup drill (tests/e2e/test_backup_drill.py) compares with the same tools on a suite of its own,
given as `layout` and `vhost`."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from olymp_cli.suite import Layout
from olymp_cli.supervisor import read_state
from olymp_core.migrations import drop_database
from olymp_core.settings import SERVICES
from olymp_core.testing.databases import TEST_VHOST

# its own virtual host: the e2e suite (port offset 1000) and the integration tests run beside it
VHOST = f"{TEST_VHOST}-faults"
AMQP_URL = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
LAYOUT = Layout(port_offset=2000, database_prefix="olymp_faults_", amqp_url=AMQP_URL)

# audited reads: a polled or retried read is logged once per request, as it should be, so their
# number depends on timing; every other audit action is a change and must happen exactly as often
READ_ACTIONS = frozenset(
    {
        "code_table.read",
        "package_content_downloaded",
        "package_key_accessed",
        "package_key_refused_before_release",
    }
)


def rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["rabbitmqctl", "-q", *args], capture_output=True, text=True, check=False, timeout=60
    )


async def fresh_state(layout: Layout = LAYOUT, vhost: str = VHOST) -> None:
    """No databases of an earlier run, an empty virtual host."""
    for service in SERVICES:
        await drop_database(layout.database_url(service))
    rabbitmqctl("delete_vhost", vhost)
    created = rabbitmqctl("add_vhost", vhost)
    assert created.returncode == 0, created.stderr
    allowed = rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    assert allowed.returncode == 0, allowed.stderr


# -- faults ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    at: float  # how far into the day it strikes: a share of the day's commands
    kind: str  # "kill", "broker", "postgres"
    target: str = ""
    delay_s: float = 0.0  # after that command was sent: the request may be in flight, or answered

    def __str__(self) -> str:
        what = {
            "kill": f"SIGKILL {self.target}",
            "broker": "close the broker's connections",
            "postgres": "restart PostgreSQL",
        }
        return what[self.kind]


def plan(seed: int) -> list[Fault]:
    """Every service killed once, two of them twice, the broker's connections closed twice and
    PostgreSQL restarted once, each at a random point of the day."""
    rng = random.Random(seed)

    def fault(kind: str, target: str = "", low: float = 0.02, high: float = 0.98) -> Fault:
        return Fault(rng.uniform(low, high), kind, target, rng.uniform(0.0, 0.05))

    faults = [fault("kill", service) for service in SERVICES]
    faults += [fault("kill", service) for service in rng.sample(SERVICES, 2)]
    faults += [fault("broker") for _ in range(2)]
    faults.append(fault("postgres", low=0.2, high=0.8))
    return sorted(faults, key=lambda f: f.at)


@dataclass
class Struck:
    fault: Fault
    during: str
    note: str = ""

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return f"{self.fault}{note}  — with {self.during}"


@dataclass
class CommandLog:
    """The commands a day sent, per service (what `SuiteClient.on_command` reports)."""

    per_service: Counter[str] = field(default_factory=Counter)

    def on_command(self, number: int, what: str) -> None:
        self.per_service[service_of(what)] += 1


def service_of(command: str) -> str:
    """ "POST scoring/olympiads/..." -> "scoring"."""
    return command.split(" ", 1)[1].split("/", 1)[0]


@dataclass
class Injector:
    """Strikes each fault when the day sends its planned command: a kill with the planned command
    *to the service it kills* (so the request may be in flight, or just answered), the broker and
    database faults with the planned command of the whole day. The plan is in shares of what the
    fault-free day sent, so a fault lands at the same point of the day however fast the machine."""

    faults: list[Fault]
    reference: CommandLog
    struck: list[Struck] = field(default_factory=list)
    _strikes: list[asyncio.Task[None]] = field(default_factory=list)
    _sent: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        total = sum(self.reference.per_service.values())
        self._due: dict[Fault, tuple[str, int]] = {}
        for fault in self.faults:
            scope = fault.target if fault.kind == "kill" else ""
            count = self.reference.per_service[scope] if scope else total
            self._due[fault] = (scope, 1 + int(fault.at * max(count - 1, 0)))

    def on_command(self, number: int, what: str) -> None:
        service = service_of(what)
        self._sent[service] += 1
        self._sent[""] += 1
        for fault, (scope, due) in list(self._due.items()):
            if (scope == "" or scope == service) and self._sent[scope] == due:
                del self._due[fault]
                during = f"{scope or 'the day'}'s command {due}: {what}"
                self._strikes.append(asyncio.create_task(self._strike(fault, during)))

    async def _strike(self, fault: Fault, during: str) -> None:
        await asyncio.sleep(fault.delay_s)  # the planned moment after the command went out
        note = await strike(fault)
        self.struck.append(Struck(fault, during, note))

    async def finish(self) -> None:
        """Wait for the strikes under way; strike what the day did not reach, now."""
        for fault in list(self._due):
            del self._due[fault]
            self._strikes.append(asyncio.create_task(self._strike(fault, "the day's end")))
        await asyncio.gather(*self._strikes)


async def strike(fault: Fault) -> str:
    if fault.kind == "kill":
        return await kill(fault.target)
    if fault.kind == "broker":
        closed = rabbitmqctl(
            "close_all_connections", "--vhost", VHOST, "fault test: connections closed"
        )
        assert closed.returncode == 0, closed.stderr
        return ""
    assert fault.kind == "postgres"
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.monotonic()
    restarted = await asyncio.to_thread(
        subprocess.run,
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert restarted.returncode == 0, restarted.stderr
    return f"down for {time.monotonic() - started:.1f} s"


# every process this run has killed: until the launcher has reaped one, its pid still answers a
# signal (a zombie), so a second kill of the same service must wait for the restarted process
KILLED: set[int] = set()


async def kill(service: str) -> str:
    """SIGKILL the service's current process (waiting, if it is being restarted, for the new one)."""
    deadline = time.monotonic() + 60
    while True:
        pid = read_state(LAYOUT.state_file).get(service, {}).get("pid")
        if pid is not None and pid not in KILLED:
            KILLED.add(pid)
            try:
                os.kill(pid, signal.SIGKILL)
                return f"pid {pid}"
            except ProcessLookupError:
                pass  # killed before and not restarted yet
        assert time.monotonic() < deadline, f"{service} has no process to kill"
        await asyncio.sleep(0.2)  # the launcher restarts it after its back-off


# -- after the day --------------------------------------------------------------------------------


def engine(service: str, layout: Layout = LAYOUT) -> AsyncEngine:
    return create_async_engine(layout.database_url(service), pool_size=1)


async def scalar(service: str, sql: str, *, layout: Layout = LAYOUT, **params: Any) -> Any:
    db = engine(service, layout)
    try:
        async with db.connect() as conn:
            return (await conn.execute(sa.text(sql), params)).scalar()
    finally:
        await db.dispose()


async def rows(
    service: str, sql: str, *, layout: Layout = LAYOUT, **params: Any
) -> list[tuple[Any, ...]]:
    db = engine(service, layout)
    try:
        async with db.connect() as conn:
            return [tuple(row) for row in (await conn.execute(sa.text(sql), params)).all()]
    finally:
        await db.dispose()


def queue_depths(vhost: str = VHOST) -> dict[str, int]:
    """Every queue of the virtual host with its messages, ready and unacknowledged."""
    listed = rabbitmqctl("list_queues", "-p", vhost, "--no-table-headers", "name", "messages")
    assert listed.returncode == 0, listed.stderr
    depths = {}
    for line in listed.stdout.splitlines():
        name, _, count = line.rpartition("\t")
        if name:
            depths[name] = int(count)
    return depths


async def quiesce(within_s: float = 120.0, *, layout: Layout = LAYOUT, vhost: str = VHOST) -> None:
    """Wait until every outbox row is published and every queue is empty, twice in a row."""
    deadline = time.monotonic() + within_s
    calm = 0
    last: dict[str, Any] = {}
    while calm < 2:
        unpublished = {
            s: await scalar(
                s, "SELECT count(*) FROM outbox WHERE published_at IS NULL", layout=layout
            )
            for s in SERVICES
        }
        busy = {q: n for q, n in queue_depths(vhost).items() if n and not q.endswith(".dlq")}
        last = {"unpublished": unpublished, "queued": busy}
        calm = calm + 1 if not any(unpublished.values()) and not busy else 0
        assert time.monotonic() < deadline, f"the suite did not settle: {last}"
        await asyncio.sleep(0.5)  # polling the databases and the broker


def dead_letters() -> dict[str, int]:
    return {q: n for q, n in queue_depths().items() if q.endswith(".dlq") and n}


async def dead_letter_reasons(queues: Iterable[str]) -> dict[str, list[str]]:
    """Why each dead letter was dead-lettered: the consumer's `x-error` headers, or nothing when
    the broker's delivery limit did it. Read without acknowledging: closing the channel puts them
    back."""
    import aio_pika

    connection = await aio_pika.connect(f"amqp://guest:guest@127.0.0.1:5672/{VHOST}")
    reasons: dict[str, list[str]] = {}
    try:
        for name in queues:
            channel = await connection.channel()
            queue = await channel.get_queue(name, ensure=False)
            found: list[str] = []
            while (message := await queue.get(no_ack=False, fail=False)) is not None:
                headers = message.headers or {}
                error = headers.get("x-error", "no x-error: the broker's delivery limit")
                kind = headers.get("x-error-type", "-")
                count = headers.get("x-delivery-count", 0)
                found.append(f"{message.type}: {kind!s}: {error!s} (x-delivery-count {count!s})")
            reasons[name] = found
            await channel.close()
    finally:
        await connection.close()
    return reasons


async def audit_heads() -> dict[str, int]:
    return {
        s: int(await scalar(s, "SELECT coalesce(max(seq), 0) FROM audit_log")) for s in SERVICES
    }


async def audit_actions(after: dict[str, int], upto: dict[str, int]) -> dict[str, Counter[str]]:
    """Changes audited by each service between two points (reads left out, see READ_ACTIONS)."""
    counted = {}
    for service in SERVICES:
        found = await rows(
            service,
            "SELECT action, count(*) FROM audit_log WHERE seq > :a AND seq <= :b GROUP BY action",
            a=after[service],
            b=upto[service],
        )
        counted[service] = Counter({action: n for action, n in found if action not in READ_ACTIONS})
    return counted


async def state_of(olympiad_id: str, layout: Layout = LAYOUT) -> dict[str, Any]:
    """What the day left in every service's database about one olympiad, free of drawn ids.

    Row counts of every table that belongs to the olympiad, events produced per routing key and
    applied per consumer, and every mark as (participant, jury member, task, points).
    """
    state: dict[str, Any] = {}
    message_ids: set[str] = set()
    for service in SERVICES:
        tables = await rows(
            service,
            "SELECT table_name, array_agg(column_name::text) FROM information_schema.columns "
            "WHERE table_schema = 'public' GROUP BY table_name ORDER BY table_name",
            layout=layout,
        )
        for table, columns in tables:
            where = _belongs_to_olympiad(table, set(columns), {t for t, _ in tables})
            if where is None:
                continue
            count = await scalar(
                service, f"SELECT count(*) FROM {table} WHERE {where}", o=olympiad_id, layout=layout
            )
            state[f"{service}.{table}"] = count
        for key, count in await rows(
            service,
            "SELECT routing_key, count(*) FROM outbox WHERE payload->>'olympiad_id' = :o "
            "GROUP BY routing_key",
            o=olympiad_id,
            layout=layout,
        ):
            state[f"{service} published {key}"] = count
        message_ids |= {
            str(m)
            for (m,) in await rows(
                service,
                "SELECT message_id FROM outbox WHERE payload->>'olympiad_id' = :o",
                o=olympiad_id,
                layout=layout,
            )
        }
    for service in SERVICES:
        for consumer, count in await rows(
            service,
            "SELECT consumer, count(*) FROM inbox WHERE message_id::text = ANY(:ids) "
            "GROUP BY consumer",
            ids=sorted(message_ids),
            layout=layout,
        ):
            state[f"{consumer} applied"] = count
    state["marks"] = await marks_of(olympiad_id, layout)
    return state


def _belongs_to_olympiad(table: str, columns: set[str], tables: set[str]) -> str | None:
    if table in ("outbox", "inbox", "audit_log", "audit_head", "alembic_version"):
        return None  # compared on their own terms
    if "olympiad_id" in columns:
        return "olympiad_id::text = :o"
    for key, owner in (
        ("participant_id", "participants"),
        ("appeal_id", "appeals"),
        ("package_id", "packages"),
    ):
        if key in columns and owner in tables:
            return f"{key} IN (SELECT {key} FROM {owner} WHERE olympiad_id::text = :o)"
    return None


async def marks_of(olympiad_id: str, layout: Layout = LAYOUT) -> list[tuple[str, ...]]:
    """Every mark of the olympiad, as (person, jury member, task, points), sorted."""
    people: dict[str, str] = {
        str(row[0]): "|".join(map(str, row[1:]))
        for row in await rows(
            "registration",
            "SELECT participant_id, subject_code, surname, name, patronymic, school, grade "
            "FROM participants WHERE olympiad_id::text = :o",
            o=olympiad_id,
            layout=layout,
        )
    }
    owner = {
        code: people[str(pid)]
        for code, pid in await rows(
            "coding",
            "SELECT work_code, participant_id FROM works WHERE olympiad_id::text = :o",
            o=olympiad_id,
            layout=layout,
        )
    }
    marks = await rows(
        "scoring",
        "SELECT work_code, jury_member_id, task_number, points FROM marks "
        "WHERE olympiad_id::text = :o",
        o=olympiad_id,
        layout=layout,
    )
    return sorted(
        (owner[code], member, str(task), str(points)) for code, member, task, points in marks
    )


async def final_tables(
    olympiad_id: str, tables: Iterable[str], layout: Layout = LAYOUT
) -> dict[str, Any]:
    """The published final tables, without what differs between runs by nature (the olympiad id,
    the instant, and the hash over both)."""
    found = {}
    async with httpx.AsyncClient(timeout=30) as client:
        for name in tables:
            subject_code, grade = name.rsplit("-", 1)
            url = f"{layout.base_url('publishing')}/results/{olympiad_id}/{subject_code}/{grade}"
            response = await client.get(url, params={"stage": "final"})
            assert response.status_code == 200, (url, response.text)
            table = response.json()
            for varying in ("olympiad_id", "published_at", "sha256"):
                table.pop(varying, None)
            found[name] = table
    return found


def without_ids(value: Any) -> Any:
    """`value` without the ids and instants a run draws (keys ending in _id or _at)."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if not k.endswith(("_id", "_at"))}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def table_differences(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """Readable differences between two sets of tables: field by field, row by row."""
    differences = []
    for name in sorted(set(expected) | set(found)):
        a, b = expected.get(name, {}), found.get(name, {})
        for key in sorted(set(a) | set(b)):
            if key == "rows":
                continue
            if a.get(key) != b.get(key):
                differences.append(f"{name} {key}: {a.get(key)!r} != {b.get(key)!r}")
        rows_a, rows_b = a.get("rows", []), b.get("rows", [])
        for index in range(max(len(rows_a), len(rows_b))):
            row_a = rows_a[index] if index < len(rows_a) else None
            row_b = rows_b[index] if index < len(rows_b) else None
            if row_a != row_b:
                differences.append(f"{name} row {index}: {row_a!r} != {row_b!r}")
    return differences


def write_log(path: Path, lines: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
