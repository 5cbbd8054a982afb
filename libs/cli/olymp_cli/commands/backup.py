"""`olymp backup DIR` and `olymp restore DIR`: the suite's databases and object store, out and back.

The layout of a backup is described in `olymp_cli.backup`. A restore trusts nothing it has not
checked: every checksum first, then only into databases that hold nothing and over no object the
store holds with other bytes (unless asked), then every object of the listing is looked for in the
store by its bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.metadata
import os
import time
from collections.abc import Iterator
from pathlib import Path

import click

from olymp_cli.backup import databases, manifest, objects
from olymp_cli.options import layout_options
from olymp_cli.suite import Layout
from olymp_core.settings import SERVICES
from olymp_core.storage import StorageError, open_store

DUMPS = "databases"


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


@click.command()
@layout_options
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--copy-objects",
    is_flag=True,
    help="Copy every object's bytes into the backup too; without it the backup lists each "
    "object's key, size and sha256 only (for a store that keeps its own replicas or versions).",
)
def backup(port_offset: int, database_prefix: str, directory: Path, copy_objects: bool) -> None:
    """Back up every service's database (pg_dump, custom format) and the object store into
    DIRECTORY, with a manifest of sizes and sha256 checksums.

    Runs beside the working suite. Each database is read as one consistent snapshot; the store
    is listed after the dumps, so every object they name is in the listing. Each service's
    database is OLYMP_<SERVICE>_DATABASE_URL when set (as the service reads it), else the
    layout's (OLYMP_POSTGRES_URL + <prefix><service>); the store is OLYMP_STORAGE_URL. DIRECTORY
    must be new or empty; it and everything in it are readable by the owner only (0700, 0600):
    a backup holds participants' personal data. pg_dump must be of the server's major version.
    """
    if directory.exists() and any(directory.iterdir()):
        raise click.ClickException(f"{directory} is not empty: give a new directory per backup")
    layout = Layout.from_env(port_offset, database_prefix)
    with _owner_only():
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)  # it may have been made empty beforehand, by anyone's mask
        _back_up(layout, directory, copy_objects)


@contextlib.contextmanager
def _owner_only() -> Iterator[None]:
    """Whatever is created meanwhile, pg_dump's files included (it inherits the mask), is the
    owner's alone: participants are mostly minors, and a backup is full dumps of their data."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _back_up(layout: Layout, directory: Path, copy_objects: bool) -> None:
    started = time.monotonic()
    created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    dumps: dict[str, manifest.DatabaseDump] = {}
    try:
        version = databases.tool_version("pg_dump")
        for service in SERVICES:
            url = databases.database_url(layout, service)
            relative = f"{DUMPS}/{service}.dump"
            databases.dump(url, directory / relative)
            described = manifest.describe(directory, relative)
            dumps[service] = manifest.DatabaseDump(
                **described.model_dump(), database=databases.database_name(url)
            )
            click.echo(f"database {dumps[service].database}: {_megabytes(described.bytes)}")
    except databases.ToolFailed as exc:
        raise click.ClickException(f"{exc}; the backup in {directory} is incomplete") from None
    try:
        listing = asyncio.run(
            objects.back_up(open_store(layout.storage_url), directory, copy=copy_objects)
        )
    except StorageError as exc:
        raise click.ClickException(
            f"the object store: {exc}; the backup in {directory} is incomplete"
        ) from None
    copied = ", bytes copied" if copy_objects else ", checksums only"
    click.echo(f"objects: {listing.count} ({_megabytes(listing.total_bytes)}){copied}")
    listed = manifest.describe(directory, manifest.OBJECTS_LIST)
    seconds = round(time.monotonic() - started, 2)
    manifest.write_manifest(
        directory,
        manifest.Manifest(
            suite_version=importlib.metadata.version("olymp-cli"),
            created_at=created_at,
            pg_dump_version=version,
            databases=dumps,
            objects=manifest.ObjectsListing(
                **listed.model_dump(),
                count=listing.count,
                total_bytes=listing.total_bytes,
                copied=copy_objects,
            ),
            seconds=seconds,
        ),
    )
    size = sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())
    click.echo(f"backup in {directory}: {_megabytes(size)} in {seconds:.1f} s")


@click.command()
@layout_options
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Only check the backup's checksums, restore nothing.",
)
@click.option(
    "--overwrite-objects",
    is_flag=True,
    help="Put the backup's bytes over objects whose key holds other bytes in the store; without "
    "it such objects are listed and nothing is restored. Only for the suite's own store, stopped.",
)
def restore(
    port_offset: int,
    database_prefix: str,
    directory: Path,
    check_only: bool,
    overwrite_objects: bool,
) -> None:
    """Restore a backup made by `olymp backup` into fresh databases, and check the object store.

    First every file's size and sha256 is checked against the manifest: a damaged backup is
    refused whole. Then each service's database (named as for `olymp backup`) must be missing or
    empty, and no object of the listing may hold other bytes in the store when the backup has
    their copies (a live suite rewrites its published results index in place), unless
    --overwrite-objects. Each database is created and restored with pg_restore, owned by the user
    that restores, and objects missing from the store (with --overwrite-objects changed ones too)
    are written back from the backup when it holds their bytes (--copy-objects). Stop the suite
    first; start it again (`olymp up`) after. Exits with 1 when an object is still missing or
    differs.
    """
    started = time.monotonic()
    try:
        found, listing = manifest.check(directory)
    except manifest.DamagedBackup as exc:
        raise click.ClickException(
            f"the backup in {directory} is damaged, nothing restored: {exc}"
        ) from None
    click.echo(
        f"backup of {found.created_at} (suite {found.suite_version}): {len(found.databases)} "
        f"databases and {found.objects.count} objects, every checksum matches"
    )
    if check_only:
        return
    layout = Layout.from_env(port_offset, database_prefix)
    targets = {service: databases.database_url(layout, service) for service in found.databases}
    asyncio.run(_refuse_used_databases(targets))
    store = open_store(layout.storage_url)
    try:
        held = asyncio.run(objects.compare(store, listing))
    except StorageError as exc:
        raise click.ClickException(f"the object store: {exc}; nothing restored") from None
    copied = found.objects.copied
    if copied and held.changed and not overwrite_objects:
        raise click.ClickException(
            f"{len(held.changed)} objects in the store differ from the backup: "
            f"{_keys([entry.key for entry in held.changed])}; nothing restored. The store may be "
            "a running suite's (publishing rewrites its results index in place): restore beside "
            "it with a store of its own (OLYMP_STORAGE_URL). To put the backup's bytes back over "
            "them in the suite's own store, stopped, run the restore with --overwrite-objects"
        )
    try:
        for service, dump in found.databases.items():
            asyncio.run(databases.restore(targets[service], directory / dump.path))
            click.echo(f"database {databases.database_name(targets[service])}: restored")
    except databases.ToolFailed as exc:
        raise click.ClickException(str(exc)) from None
    # with copies, anything changed is here only with --overwrite-objects (refused above)
    to_write = [*held.absent, *held.changed] if copied else []
    try:
        failed = asyncio.run(objects.write_back(store, directory, to_write))
    except StorageError as exc:
        raise click.ClickException(
            f"the object store: {exc}; the databases are restored. Once the store answers, "
            "check the objects with a restore under a new --database-prefix"
        ) from None
    click.echo(
        f"objects: {held.present} in the store with their checksums, "
        f"{len(to_write) - len(failed)} written back from the backup"
    )
    if not copied:
        failed = sorted(entry.key for entry in [*held.absent, *held.changed])
    if failed:
        click.echo(
            f"{len(failed)} objects are missing or changed in the store and the backup "
            f"has no copy of them: {_keys(failed)}",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"restored in {time.monotonic() - started:.1f} s; start the suite: olymp up")


def _keys(keys: list[str]) -> str:
    shown = ", ".join(keys[:10])
    return shown + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")


async def _refuse_used_databases(targets: dict[str, str]) -> None:
    """A restore never mixes into data: every target database is checked before any is touched."""
    used = []
    for url in targets.values():
        relations = await databases.relations_in(url)
        if relations > 0:
            used.append(f"{databases.database_name(url)} ({relations} tables and sequences)")
    if used:
        raise click.ClickException(
            f"not empty: {', '.join(used)}. A restore goes into fresh databases: stop the suite "
            "(olymp down) and drop them, or restore beside them under another --database-prefix "
            "with a store of its own (OLYMP_STORAGE_URL)"
        )
