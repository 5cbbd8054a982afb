"""A whole olympiad day while services are SIGKILLed (the launcher restarts them), the broker's
connections are closed and PostgreSQL restarts — and it must end exactly as the same day without
faults: the same final tables, the same state in every database, nothing in a dead-letter queue,
every audit chain intact, no mark and no event applied twice.

Seeded: the seed is printed; `OLYMP_FAULTS_SEED=<seed> pytest tests/faults` runs the same day with
the same faults at the same points of it. Deselect with `-m "not faults"`.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from olymp_cli.demo.run import run_day
from olymp_cli.supervisor import read_state
from tests.faults import harness
from tests.faults.harness import LAYOUT, Injector
from tests.support.cli import olymp_command

pytestmark = pytest.mark.faults

PARTICIPANTS = 60
SCHOOLS = 12
SEED = int(os.environ.get("OLYMP_FAULTS_SEED") or random.SystemRandom().randrange(1, 1_000_000))
LAYOUT_ARGS = (
    "--port-offset",
    str(LAYOUT.port_offset),
    "--database-prefix",
    LAYOUT.database_prefix,
)
ENV = {
    "OLYMP_AMQP_URL": harness.AMQP_URL,
    # restarts load compiled modules: this machine's PYTHONDONTWRITEBYTECODE would make every
    # restarted service compile its imports again (seconds of CPU each, on two cores)
    "PYTHONDONTWRITEBYTECODE": "",
    "PYTHONPYCACHEPREFIX": str(Path(".olymp/pycache").resolve()),
}


@pytest.fixture(scope="module")
def suite() -> Iterator[None]:
    asyncio.run(harness.fresh_state())
    started = olymp_command("up", "--detach", *LAYOUT_ARGS, env=ENV)
    assert started.returncode == 0, started.stdout + started.stderr
    try:
        yield
    finally:
        stopped = olymp_command("down", "--port-offset", str(LAYOUT.port_offset), env=ENV)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


async def test_a_day_under_faults_ends_exactly_as_the_day_without_them(
    suite: None, capsys: pytest.CaptureFixture[str]
) -> None:
    def say(text: str) -> None:
        with capsys.disabled():
            print(f"[faults seed {SEED}] {text}", flush=True)

    say(f"reproduce with OLYMP_FAULTS_SEED={SEED}")
    started = time.monotonic()
    async with asyncio.timeout(240):
        # the day without faults
        heads = [await harness.audit_heads()]
        began = time.monotonic()
        sent = harness.CommandLog()
        reference = await run_day(
            LAYOUT,
            participants=PARTICIPANTS,
            schools=SCHOOLS,
            seed=SEED,
            say=lambda _: None,
            on_command=sent.on_command,
        )
        day_s = time.monotonic() - began
        await harness.quiesce()
        heads.append(await harness.audit_heads())
        say(f"fault-free day: {day_s:.1f} s, commands: {dict(sent.per_service)}")

        # the same day, with faults at seeded points of it
        injector = Injector(harness.plan(SEED), sent)
        began = time.monotonic()
        faulty = await run_day(
            LAYOUT,
            participants=PARTICIPANTS,
            schools=SCHOOLS,
            seed=SEED,
            say=lambda _: None,
            retry_within_s=90,
            on_command=injector.on_command,
        )
        say(f"day under faults: {time.monotonic() - began:.1f} s")
        await injector.finish()
        for struck in injector.struck:
            say(str(struck))
        for retried in faulty.retried:
            say(f"retried: {retried}")
        await harness.quiesce()
        heads.append(await harness.audit_heads())

        # what the launcher did: every kill was answered with a restart
        restarts = {s: v["restarts"] for s, v in read_state(LAYOUT.state_file).items()}
        kills = [f.fault.target for f in injector.struck if f.fault.kind == "kill"]
        for service in set(kills):
            assert restarts[service] >= kills.count(service), (SEED, restarts)

        dead = harness.dead_letters()
        if dead:
            reasons = await harness.dead_letter_reasons(dead)
            raise AssertionError(f"seed {SEED}: dead letters {dead}: {reasons}")
        status = olymp_command("status", *LAYOUT_ARGS, env=ENV)
        assert status.returncode == 0, (SEED, status.stdout + status.stderr)
        assert "dead letters: none" in status.stdout
        verified = olymp_command("audit", "verify", *LAYOUT_ARGS, env=ENV)
        assert verified.returncode == 0, (SEED, verified.stdout)

        tables = [name for name, _ in reference.final_tables]
        assert [name for name, _ in faulty.final_tables] == tables
        expected_tables = await harness.final_tables(reference.olympiad_id, tables)
        found_tables = await harness.final_tables(faulty.olympiad_id, tables)
        table_differences = harness.table_differences(expected_tables, found_tables)
        for difference in table_differences[:40]:
            say(f"final tables differ: {difference}")
        assert table_differences == [], f"seed {SEED}: final tables differ"
        assert harness.without_ids(faulty.appeals) == harness.without_ids(reference.appeals), (
            f"seed {SEED}: appeal decisions differ"
        )

        expected = await harness.state_of(reference.olympiad_id)
        found = await harness.state_of(faulty.olympiad_id)
        differences = {
            key: (expected.get(key), found.get(key))
            for key in sorted(set(expected) | set(found))
            if expected.get(key) != found.get(key) and key != "marks"
        }
        assert differences == {}, f"seed {SEED}: state differs (fault-free, faulty)"
        assert found["marks"] == expected["marks"], f"seed {SEED}: marks differ"

        changes = await harness.audit_actions(heads[1], heads[2])
        assert changes == await harness.audit_actions(heads[0], heads[1]), (
            f"seed {SEED}: audited changes differ"
        )
    say(f"fault suite: {time.monotonic() - started:.1f} s after the suite was up")
