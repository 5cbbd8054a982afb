"""`olymp`: the operators' single entry point to the suite."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click
import httpx

from olymp_cli import suite
from olymp_cli.commands.backup import backup, restore
from olymp_cli.commands.materials import materials
from olymp_cli.commands.scan import scan
from olymp_cli.commands.token import token
from olymp_cli.commands.user import user
from olymp_cli.commands.video import video
from olymp_cli.demo.day import STOPS
from olymp_cli.options import layout_options
from olymp_cli.supervisor import CrashLoop
from olymp_core.settings import SERVICES

ONLY = click.Choice(SERVICES)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Operate the olympiad suite: start and stop it, issue tokens, verify the audit trail, back up
    and restore."""


@cli.command()
@layout_options
@click.option(
    "--detach", is_flag=True, help="Start in the background and return once all are ready."
)
def up(port_offset: int, database_prefix: str, detach: bool) -> None:
    """Prepare and start all seven services (six and the staff portal); Ctrl-C (or `olymp down`) stops them.

    Creates the local signing key and the databases if missing, applies migrations, declares the
    broker topology, then starts each service and waits until every one answers /readyz.
    """
    layout = suite.Layout.from_env(port_offset, database_prefix)
    if detach:
        _up_detached(layout)
        return
    suite.say("olymp: preparing")
    suite.ensure_keys()
    asyncio.run(suite.prepare(layout, SERVICES, suite.say))
    supervisor = suite.supervisor(layout, SERVICES, suite.say)
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    layout.pid_file.parent.mkdir(parents=True, exist_ok=True)
    layout.pid_file.write_text(str(os.getpid()))
    supervisor.start()
    try:
        suite.wait_ready(layout, supervisor)
        suite.say("olymp: all services ready")
        for service in SERVICES:
            grpc = (
                f"  grpc 127.0.0.1:{layout.grpc_port(service)}"
                if suite.serves_grpc(service)
                else ""
            )
            suite.say(
                f"  {service:<13} http {layout.base_url(service)}  "
                f"(docs {layout.base_url(service)}/docs){grpc}"
            )
        suite.say(
            f"olymp: the staff portal is at {layout.base_url('portal')}/ — create an account "
            "with `olymp user add` (see README, 'Staff portal')"
        )
        suite.say(f"  logs in {layout.log_dir}; stop with Ctrl-C or `olymp down`")
        suite.say("  a service that exits is restarted; five restarts within a minute stop all")
        while not stopping:
            supervisor.check()
            time.sleep(0.25)  # supervising child processes
    except CrashLoop as exc:
        suite.say(f"olymp: {exc}; stopping all (see {layout.log_dir})")
        raise SystemExit(1) from None
    finally:
        suite.say("olymp: stopping")
        supervisor.stop()
        layout.pid_file.unlink(missing_ok=True)
        suite.say("olymp: stopped")


def _up_detached(layout: suite.Layout) -> None:
    log = layout.log_dir / "suite.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "olymp_cli", "up", "--port-offset", str(layout.port_offset)]
    args += ["--database-prefix", layout.database_prefix]
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603
            args, stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException(f"the suite did not start; see {log}")
        if all(_ready(layout, s) for s in SERVICES):
            click.echo(f"olymp: all services ready (pid {process.pid}); logs in {log}")
            for service in SERVICES:
                click.echo(f"  {service:<13} {layout.base_url(service)}")
            click.echo(f"olymp: the staff portal is at {layout.base_url('portal')}/")
            return
        time.sleep(0.5)  # polling readiness
    raise click.ClickException(f"the suite was not ready within 180 s; see {log}")


def _ready(layout: suite.Layout, service: str) -> bool:
    try:
        return httpx.get(layout.base_url(service) + "/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@cli.command()
@layout_options
def prepare(port_offset: int, database_prefix: str) -> None:
    """Create the signing key and databases if missing, migrate, declare the broker topology.

    `olymp up` does this first; containers run it once before the services start.
    """
    layout = suite.Layout.from_env(port_offset, database_prefix)
    suite.ensure_keys()
    asyncio.run(suite.prepare(layout, SERVICES, suite.say))


@cli.command()
@click.option("--port-offset", type=int, default=0, show_default=True, help="As given to `up`.")
def down(port_offset: int) -> None:
    """Stop a suite started with `olymp up` from this directory."""
    layout = suite.Layout(port_offset=port_offset)
    if not layout.pid_file.exists():
        raise click.ClickException(f"no running suite found ({layout.pid_file} is missing)")
    pid = int(layout.pid_file.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        layout.pid_file.unlink(missing_ok=True)
        raise click.ClickException(f"process {pid} is gone; removed the stale pid file") from None
    deadline = time.monotonic() + 30
    while layout.pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)  # waiting for the launcher to stop its services
    click.echo("olymp: stopped")


@cli.command()
@layout_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def status(port_offset: int, database_prefix: str, as_json: bool) -> None:
    """Show each service's readiness (database, broker, storage), restarts and dead letters.

    Exits with 1 when a service is not ready or a dead-letter queue holds messages.
    """
    from olymp_cli.supervisor import read_state

    layout = suite.Layout.from_env(port_offset, database_prefix)
    report: dict[str, dict[str, Any]] = {}
    supervised = read_state(layout.state_file)
    for service in SERVICES:
        try:
            response = httpx.get(layout.base_url(service) + "/readyz", timeout=2)
            report[service] = response.json()
        except httpx.HTTPError as exc:
            report[service] = {"status": "down", "error": type(exc).__name__}
        if service in supervised:
            report[service]["restarts"] = supervised[service]["restarts"]
    try:
        dead: dict[str, int] | None = asyncio.run(suite.dead_letters(layout))
    except Exception as exc:  # the broker is down: readiness says so too
        dead, broker_error = None, repr(exc)
    if as_json:
        document: dict[str, Any] = {"services": report, "dead_letters": dead}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for service, state in report.items():
            restarts = f"  restarts {state['restarts']}" if "restarts" in state else ""
            click.echo(f"{service:<13} {state.get('status')}  {state.get('checks', '')}{restarts}")
        if dead is None:
            click.echo(f"dead letters: unknown, the broker did not answer ({broker_error})")
        elif dead:
            click.echo("dead letters (messages a consumer could not apply):")
            for queue, count in dead.items():
                click.echo(f"  {queue}.dlq  {count}")
            click.echo(
                "  inspect: olymp events dead-letters <queue>; after fixing the cause, move them "
                "back: olymp events replay <queue>"
            )
        else:
            click.echo("dead letters: none")
    if any(state.get("status") != "ready" for state in report.values()) or dead:
        sys.exit(1)


@cli.group()
def events() -> None:
    """Describe the events that cross services; inspect and replay dead letters."""


@events.command("asyncapi")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to a file.")
def events_asyncapi(output: Path | None) -> None:
    """Print the AsyncAPI 3.0 document generated from the event classes."""
    from olymp_core.events.asyncapi import asyncapi_document

    text = json.dumps(
        asyncapi_document(suite.consumer_queues()), ensure_ascii=False, indent=2, default=str
    )
    if output:
        output.write_text(text + "\n")
    else:
        click.echo(text)


@events.command("dead-letters")
@layout_options
@click.argument("queue")
@click.option("--limit", type=int, default=20, show_default=True, help="Show at most this many.")
def events_dead_letters(port_offset: int, database_prefix: str, queue: str, limit: int) -> None:
    """Show the dead letters of QUEUE (e.g. scoring.on_work_coded) with their errors."""
    from olymp_core.events import connect
    from olymp_core.events.dead_letters import peek

    layout = suite.Layout.from_env(port_offset, database_prefix)

    async def show() -> None:
        connection = await connect(layout.amqp_url, name="olymp-dead-letters")
        try:
            letters = await peek(connection, queue, limit)
        finally:
            await connection.close()
        for letter in letters:
            click.echo(
                f"{letter.message_id}  {letter.event_type}  {letter.error_type}: {letter.error}"
            )
            click.echo(f"  {letter.body.decode(errors='replace')[:500]}")
        click.echo(f"{len(letters)} shown")

    asyncio.run(show())


@events.command("replay")
@layout_options
@click.argument("queue")
@click.option("--limit", type=int, default=None, help="Move at most this many.")
def events_replay(port_offset: int, database_prefix: str, queue: str, limit: int | None) -> None:
    """Move the dead letters of QUEUE back to its consumer (after the cause is fixed)."""
    from olymp_core.events import connect
    from olymp_core.events.dead_letters import replay

    layout = suite.Layout.from_env(port_offset, database_prefix)

    async def move() -> int:
        connection = await connect(layout.amqp_url, name="olymp-replay")
        try:
            return await replay(connection, queue, limit=limit)
        finally:
            await connection.close()

    click.echo(f"{asyncio.run(move())} dead letters moved back to {queue}")


@cli.group()
def audit() -> None:
    """Check the audit trails."""


@audit.command("verify")
@layout_options
@click.option("--service", "services", type=ONLY, multiple=True, help="Only these services.")
def audit_verify(port_offset: int, database_prefix: str, services: tuple[str, ...]) -> None:
    """Verify each service's hash-chained audit trail; name the first changed or removed entry."""
    from olymp_cli.audit import verify_all

    layout = suite.Layout.from_env(port_offset, database_prefix)
    results = asyncio.run(verify_all(layout, services or SERVICES))
    failed = False
    for service, result in results.items():
        if result.ok:
            click.echo(f"{service:<13} ok ({result.entries_checked} entries)")
        else:
            failed = True
            click.echo(f"{service:<13} BROKEN: {result.problem}")
    if failed:
        sys.exit(1)


@cli.command()
@layout_options
@click.option("--participants", type=int, default=320, show_default=True, help="Synthetic entries.")
@click.option("--schools", type=int, default=14, show_default=True, help="Schools they come from.")
@click.option(
    "--seed", type=int, default=2026, show_default=True, help="Seed of the synthetic data."
)
@click.option(
    "--until",
    type=click.Choice(list(STOPS)),
    help="Stop after this stage; 'coded' leaves coded works with their criteria for the jury to "
    "mark in the staff portal.",
)
@click.option(
    "--scans/--no-scans",
    default=True,
    show_default=True,
    help="Upload every work's answer sheets (synthetic scans) after coding, for the portal.",
)
def demo(
    port_offset: int,
    database_prefix: str,
    participants: int,
    schools: int,
    seed: int,
    until: str | None,
    scans: bool,
) -> None:
    """Run one olympiad day against the running suite and print each step.

    Creates an olympiad, imports participants, pushes and releases materials, checks in, codes,
    uploads the answer sheets' scans, marks (with third marks), annuls, decodes, publishes, runs appeals and approves final results.
    Creates the demo's accounts of the staff portal (password olymp-demo-2026) if missing.
    """
    from olymp_cli.demo.run import run_demo

    layout = suite.Layout.from_env(port_offset, database_prefix)
    report = asyncio.run(
        run_demo(
            layout,
            participants=participants,
            schools=schools,
            seed=seed,
            say=suite.say,
            until=until,
            scans=scans,
        )
    )
    click.echo(report)


cli.add_command(backup)
cli.add_command(materials)
cli.add_command(restore)
cli.add_command(scan)
cli.add_command(token)
cli.add_command(user)
cli.add_command(video)
