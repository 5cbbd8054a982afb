"""Keeping the services of a one-machine suite running: what compose's `restart: unless-stopped` and
Kubernetes do for a deployment.

A service that exits — crashed, killed by the OOM killer or by an operator's SIGKILL — is started again
after a back-off (`olymp_core.retry.Backoff`), and the launcher says so. Only a crash loop stops the
suite: a service that had to be restarted `crash_loop_restarts` times within `crash_loop_window_s`
is not going to come up by itself, and restarting it for ever would hide that.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from olymp_core.retry import Backoff


@dataclass(frozen=True)
class RestartPolicy:
    backoff: Backoff = field(default_factory=lambda: Backoff(first=0.5, cap=10.0))
    crash_loop_restarts: int = 5
    crash_loop_window_s: float = 60.0


class CrashLoop(RuntimeError):
    """A service keeps exiting right after its restarts: the suite stops."""


Spawn = Callable[[str], "subprocess.Popen[bytes]"]


class Supervisor:
    """Starts `services` with `spawn`, restarts those that exit; `check()` is called periodically."""

    def __init__(
        self,
        services: Iterable[str],
        spawn: Spawn,
        *,
        say: Callable[[str], None],
        policy: RestartPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        state_file: Path | None = None,
    ) -> None:
        self.services = tuple(services)
        self._spawn = spawn
        self._say = say
        self.policy = policy or RestartPolicy()
        self._clock = clock
        self._state_file = state_file
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.restarts: dict[str, int] = dict.fromkeys(self.services, 0)
        self._recent: dict[str, deque[float]] = {s: deque() for s in self.services}
        self._due: dict[str, float] = {}  # service -> when its restart is due

    def start(self) -> None:
        for service in self.services:
            self.processes[service] = self._spawn(service)
        self._write_state()

    def check(self) -> None:
        """Restart what is due, notice what exited; raises CrashLoop when a service keeps dying."""
        now = self._clock()
        changed = False
        for service in self.services:
            due = self._due.get(service)
            if due is not None:
                if now >= due:
                    del self._due[service]
                    self.processes[service] = self._spawn(service)
                    self.restarts[service] += 1
                    changed = True
                    self._say(
                        f"olymp: {service} restarted (pid {self.processes[service].pid}, "
                        f"restart {self.restarts[service]})"
                    )
                continue
            code = self.processes[service].poll()
            if code is None:
                continue
            recent = self._recent[service]
            while recent and now - recent[0] > self.policy.crash_loop_window_s:
                recent.popleft()
            if len(recent) >= self.policy.crash_loop_restarts:
                raise CrashLoop(
                    f"{service} exited ({describe_exit(code)}) after {len(recent)} restarts within "
                    f"{self.policy.crash_loop_window_s:.0f} s: a crash loop"
                )
            recent.append(now)
            pause = self.policy.backoff.pause(len(recent))
            self._due[service] = now + pause
            self._say(
                f"olymp: {service} exited ({describe_exit(code)}); restarting in {pause:.1f} s"
            )
        if changed:
            self._write_state()

    @property
    def pending_restarts(self) -> tuple[str, ...]:
        return tuple(sorted(self._due))

    def alive(self, service: str) -> bool:
        return service not in self._due and self.processes[service].poll() is None

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to every service, SIGKILL to those still there after `grace` seconds."""
        self._due.clear()
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._state_file is not None:
            self._state_file.unlink(missing_ok=True)

    def _write_state(self) -> None:
        """Pids and restart counts, for `olymp status` (and the fault tests, which kill by pid)."""
        if self._state_file is None:
            return
        state = {
            "launcher": os.getpid(),
            "services": {
                s: {"pid": p.pid, "restarts": self.restarts[s]} for s, p in self.processes.items()
            },
        }
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._state_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(state, indent=2))
        temporary.replace(self._state_file)


def read_state(state_file: Path) -> dict[str, dict[str, int]]:
    """The services' pids and restart counts written by a running launcher ({} if none runs)."""
    try:
        services: dict[str, dict[str, int]] = json.loads(state_file.read_text())["services"]
    except (OSError, ValueError, KeyError):
        return {}
    return services


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
