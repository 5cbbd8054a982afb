"""Bringing the whole suite up on one machine: keys, databases, migrations, broker topology, processes.

This is what the README's first command runs. Each service is its own process (`python -m olymp_<svc>`),
exactly as in a container; the launcher sets their environment and supervises them (`supervisor`):
a service that exits is restarted with a back-off, as a container would be.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from olymp_cli.supervisor import Supervisor
from olymp_core.events import (
    Binding,
    EventTable,
    connect,
    declare_binding,
    declare_exchanges,
)
from olymp_core.events.dead_letters import depths
from olymp_core.events.model import Event
from olymp_core.migrations import ensure_database, upgrade
from olymp_core.settings import SERVICE_PORTS, SERVICES

STATE_DIR = Path(".olymp")
PRIVATE_KEY = STATE_DIR / "keys" / "auth-ed25519.pem"
PUBLIC_KEY = STATE_DIR / "keys" / "auth-ed25519.pub.pem"


@dataclass(frozen=True)
class Layout:
    """Where each service listens and which database it uses on this machine."""

    port_offset: int = 0
    database_prefix: str = "olymp_"
    postgres: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    storage_url: str = f"file:{STATE_DIR}/storage"

    @classmethod
    def from_env(cls, port_offset: int = 0, database_prefix: str = "olymp_") -> Layout:
        """The layout, with the servers' addresses overridable (OLYMP_POSTGRES_URL, ...)."""
        defaults = cls()
        return cls(
            port_offset=port_offset,
            database_prefix=database_prefix,
            postgres=os.environ.get("OLYMP_POSTGRES_URL", defaults.postgres),
            amqp_url=os.environ.get("OLYMP_AMQP_URL", defaults.amqp_url),
            storage_url=os.environ.get("OLYMP_STORAGE_URL", defaults.storage_url),
        )

    @property
    def _suffix(self) -> str:
        return f"-{self.port_offset}" if self.port_offset else ""

    @property
    def pid_file(self) -> Path:
        """Where the launcher of this layout records its pid (one per port offset)."""
        return STATE_DIR / "run" / f"suite{self._suffix}.pid"

    @property
    def state_file(self) -> Path:
        """The running services' pids and restart counts, kept by the launcher."""
        return STATE_DIR / "run" / f"suite{self._suffix}.json"

    @property
    def log_dir(self) -> Path:
        """The services' logs (one directory per port offset: two suites never share a file)."""
        return STATE_DIR / f"logs{self._suffix}"

    def http_port(self, service: str) -> int:
        return SERVICE_PORTS[service][0] + self.port_offset

    def grpc_port(self, service: str) -> int:
        return SERVICE_PORTS[service][1] + self.port_offset

    def database_url(self, service: str) -> str:
        return f"{self.postgres}{self.database_prefix}{service}"

    def base_url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.http_port(service)}"

    def environment(self, service: str) -> dict[str, str]:
        prefix = f"OLYMP_{service.upper()}_"
        # the portal calls the others' HTTP APIs: their addresses in this layout
        backends = (
            {f"{prefix}{other.upper()}_URL": self.base_url(other) for other in SERVICES}
            if service == "portal"
            else {}
        )
        if service == "publishing":
            # its analytic report asks scoring for the checking protocol; its objectivity
            # monitoring asks registration for the venues and the room video too
            backends[prefix + "SCORING_URL"] = self.base_url("scoring")
            backends[prefix + "REGISTRATION_URL"] = self.base_url("registration")
            # the published results link to the portal's public page: this machine's portal,
            # unless the operator gave the address the public reaches it by
            public_page = prefix + "PUBLIC_PAGE_URL"
            backends[public_page] = os.environ.get(public_page) or self.base_url("portal")
        return {
            **backends,
            prefix + "DATABASE_URL": self.database_url(service),
            prefix + "HTTP_PORT": str(self.http_port(service)),
            prefix + "GRPC_PORT": str(self.grpc_port(service)),
            "OLYMP_AMQP_URL": self.amqp_url,
            "OLYMP_STORAGE_URL": self.storage_url,
            "OLYMP_AUTH_LOCAL_PUBLIC_KEY_FILE": str(PUBLIC_KEY.resolve()),
            # services that call others (coding's sweeper asks registration) sign their own tokens
            "OLYMP_AUTH_LOCAL_PRIVATE_KEY_FILE": str(PRIVATE_KEY.resolve()),
            "OLYMP_REGISTRATION_GRPC": f"127.0.0.1:{self.grpc_port('registration')}",
        }


def consumer_queues() -> dict[str, tuple[type[Event], ...]]:
    """Every consumer queue of every service and the events it takes, from their event tables."""
    queues: dict[str, tuple[type[Event], ...]] = {}
    for service in SERVICES:
        if importlib.util.find_spec(f"olymp_{service}.consumers") is None:
            continue  # this service consumes no events
        table: EventTable = importlib.import_module(f"olymp_{service}.consumers").EVENTS
        queues.update(table.queues)
    return queues


def serves_grpc(service: str) -> bool:
    return importlib.util.find_spec(f"olymp_{service}.grpc_api") is not None


def ensure_keys() -> None:
    from olymp_core.auth import generate_local_key

    public_pem = generate_local_key(PRIVATE_KEY)
    PUBLIC_KEY.parent.mkdir(parents=True, exist_ok=True)
    PUBLIC_KEY.write_text(public_pem)


async def prepare(layout: Layout, services: Sequence[str], say: _Say) -> None:
    for service in services:
        url = layout.database_url(service)
        created = await ensure_database(url)
        await asyncio.to_thread(upgrade, f"olymp_{service}", url)
        say(
            f"  database {layout.database_prefix}{service}: {'created, ' if created else ''}migrated"
        )
    connection = await connect(layout.amqp_url)
    try:
        channel = await connection.channel()
        await declare_exchanges(channel, SERVICES)
        for queue, events in consumer_queues().items():
            await declare_binding(channel, Binding(queue, events))
        say(
            f"  broker: {len(SERVICES)} exchanges, {len(consumer_queues())} consumer queues declared"
        )
    finally:
        await connection.close()


class _Say:
    def __call__(self, text: str) -> None:
        print(text, flush=True)


def spawner(layout: Layout) -> Callable[[str], subprocess.Popen[bytes]]:
    """Starts one service as its own process (`python -m olymp_<svc>`), its output in its log."""

    def spawn(service: str) -> subprocess.Popen[bytes]:
        layout.log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **layout.environment(service)}
        with (layout.log_dir / f"{service}.log").open("ab") as log_file:
            return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", f"olymp_{service}"],
                env=env,
                stdout=log_file,
                stderr=log_file,
                stdin=subprocess.DEVNULL,
            )

    return spawn


def supervisor(layout: Layout, services: Sequence[str], say: Callable[[str], None]) -> Supervisor:
    return Supervisor(services, spawner(layout), say=say, state_file=layout.state_file)


def wait_ready(layout: Layout, supervisor: Supervisor, timeout: float = 90.0) -> None:
    """Poll every service's /readyz until all answer 200; a service that exits meanwhile is
    restarted by `supervisor` (a crash loop raises)."""
    deadline = time.monotonic() + timeout
    pending = set(supervisor.services)
    while pending:
        supervisor.check()
        for service in sorted(pending):
            if not supervisor.alive(service):
                continue
            try:
                response = httpx.get(layout.base_url(service) + "/readyz", timeout=2.0)
                if response.status_code == 200:
                    pending.discard(service)
            except httpx.HTTPError:
                pass
        if pending and time.monotonic() > deadline:
            raise RuntimeError(
                f"not ready after {timeout:.0f} s: {', '.join(sorted(pending))}; "
                f"see the logs in {layout.log_dir}"
            )
        if pending:
            time.sleep(0.25)  # polling the services' readiness, not waiting for a guess


async def dead_letters(layout: Layout) -> dict[str, int]:
    """The consumer queues whose dead-letter queue holds messages, with how many."""
    connection = await connect(layout.amqp_url, name="olymp-status")
    try:
        measured = await depths(connection, sorted(consumer_queues()))
    finally:
        await connection.close()
    return {queue: count for queue, count in measured.items() if count}


say = _Say()
