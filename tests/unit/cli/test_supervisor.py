"""`olymp up` supervises its services: a service that exits is restarted with a back-off and the
launcher says so; only a crash loop (5 restarts within 60 s) stops everything. Real child processes,
a manual clock for the back-off."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from olymp_cli.supervisor import CrashLoop, RestartPolicy, Supervisor, read_state
from olymp_core.retry import Backoff

LIVES = "import time; time.sleep(120)"
DIES = "raise SystemExit(3)"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def lines() -> list[str]:
    return []


@pytest.fixture
def programs() -> dict[str, str]:
    return {"coding": LIVES, "scoring": LIVES}


@pytest.fixture
def supervisor(
    programs: dict[str, str], lines: list[str], tmp_path: Path
) -> Iterator[tuple[Supervisor, Clock]]:
    clock = Clock()

    def spawn(service: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", programs[service]])

    policy = RestartPolicy(backoff=Backoff(first=0.5, cap=10.0))
    supervised = Supervisor(
        list(programs),
        spawn,
        say=lines.append,
        policy=policy,
        clock=clock,
        state_file=tmp_path / "suite.json",
    )
    supervised.start()
    try:
        yield supervised, clock
    finally:
        supervised.stop(grace=2)


def until(condition: Callable[[], bool], within_s: float = 10.0) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_a_killed_service_is_restarted_after_a_back_off_and_the_others_keep_running(
    supervisor: tuple[Supervisor, Clock], lines: list[str], tmp_path: Path
) -> None:
    supervised, clock = supervisor
    first = supervised.processes["coding"]
    untouched = supervised.processes["scoring"]
    first.send_signal(signal.SIGKILL)
    until(lambda: first.poll() is not None)

    supervised.check()
    assert lines == ["olymp: coding exited (killed by SIGKILL); restarting in 0.5 s"]
    assert not supervised.alive("coding")
    clock.now += 0.4
    supervised.check()
    assert supervised.processes["coding"] is first  # the back-off is not over yet

    clock.now += 0.1
    supervised.check()
    restarted = supervised.processes["coding"]
    assert restarted is not first and restarted.poll() is None
    assert lines[-1] == f"olymp: coding restarted (pid {restarted.pid}, restart 1)"
    assert supervised.processes["scoring"] is untouched and untouched.poll() is None
    state = read_state(tmp_path / "suite.json")
    assert state["coding"] == {"pid": restarted.pid, "restarts": 1}
    assert json.loads((tmp_path / "suite.json").read_text())["services"]["scoring"]["restarts"] == 0


@pytest.mark.parametrize("programs", [{"coding": DIES, "scoring": LIVES}])
def test_five_restarts_within_a_minute_are_a_crash_loop_that_stops_the_suite(
    supervisor: tuple[Supervisor, Clock], lines: list[str]
) -> None:
    supervised, clock = supervisor
    pauses = []
    for _ in range(5):
        until(lambda: supervised.processes["coding"].poll() is not None)
        supervised.check()
        pauses.append(float(lines[-1].rsplit(" in ", 1)[1].removesuffix(" s")))
        clock.now += pauses[-1]
        supervised.check()
    assert pauses == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert "exit code 3" in lines[0]
    until(lambda: supervised.processes["coding"].poll() is not None)
    with pytest.raises(
        CrashLoop, match=r"coding exited .exit code 3. after 5 restarts within 60 s"
    ):
        supervised.check()


@pytest.mark.parametrize("programs", [{"coding": DIES}])
def test_restarts_spread_over_more_than_a_minute_are_no_crash_loop(
    supervisor: tuple[Supervisor, Clock], lines: list[str]
) -> None:
    supervised, clock = supervisor
    for _ in range(8):
        until(lambda: supervised.processes["coding"].poll() is not None)
        supervised.check()
        clock.now += 30.0  # a service that dies twice a minute is sick, not a crash loop
        supervised.check()
    assert supervised.restarts["coding"] == 8
    # the back-off follows the recent restarts only: one or two within the window
    assert {line.rsplit(" in ", 1)[1] for line in lines if "restarting" in line} <= {
        "0.5 s",
        "1.0 s",
        "2.0 s",
    }
