"""Results day: every published version is a set of immutable files in the object store, written at
publication, laid out for nginx or a CDN; the service's own addresses send the same bytes from an
in-process cache, with validators and cache headers."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import sqlalchemy as sa

from olymp_core.auth import Principal, Role
from olymp_core.storage import ObjectStore, StorageError
from olymp_core.subject_grade import SubjectGrade
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_publishing import handlers, store
from olymp_publishing.handlers import PublishedFiles, TableAddress
from olymp_publishing.store.tables import published_files

from .conftest import GRADE, OLYMPIAD_TITLE, SUBJECT, Subject, approve_final

pytestmark = pytest.mark.integration

SUFFIXES = {"json": "", "html": ".html", "csv": ".csv", "xlsx": ".xlsx"}
IMMUTABLE = "public, max-age=31536000, immutable"
LATEST = "public, max-age=10"


def files_of(svc: ServiceHarness) -> PublishedFiles:
    found = [c for c in svc.service.contexts if isinstance(c, PublishedFiles)]
    assert len(found) == 1
    return found[0]


def prefix(subject: Subject) -> str:
    return f"results/{subject.olympiad_id}/{SUBJECT}/{GRADE}"


def etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()}"'


async def stored(svc: ServiceHarness, key: str) -> bytes:
    return await svc.service.runtime.objects.get(key)


async def preliminary_written(svc: ServiceHarness, subject: Subject) -> None:
    objects = svc.service.runtime.objects

    async def written() -> bool:
        return await objects.exists(f"results/{subject.olympiad_id}/index.json") and all(
            [await objects.exists(f"{prefix(subject)}/latest.{ext}") for ext in SUFFIXES]
        )

    await eventually(written)


async def test_a_published_version_is_written_as_files_the_app_serves_byte_for_byte(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(subject.created())
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    # The event handler cannot write after its commit: the files writer it wakes does.
    await preliminary_written(svc, subject)

    for ext, suffix in SUFFIXES.items():
        version = await stored(svc, f"{prefix(subject)}/v1.{ext}")
        assert await stored(svc, f"{prefix(subject)}/latest.{ext}") == version
        assert await stored(svc, f"{prefix(subject)}/preliminary.{ext}") == version
        latest = await svc.client.get(subject.base + suffix)
        pinned = await svc.client.get(subject.base + suffix, params={"version": 1})
        for response in (latest, pinned):
            assert response.status_code == 200
            assert response.content == version
            assert response.headers["etag"] == etag(version)
        assert latest.headers["cache-control"] == LATEST
        assert pinned.headers["cache-control"] == IMMUTABLE
    assert not await svc.service.runtime.objects.exists(f"{prefix(subject)}/final.html")
    assert (await svc.client.get(f"{subject.base}.csv")).headers["content-disposition"] == (
        'attachment; filename="math-9-v1.csv"'
    )

    index = await svc.client.get(f"/results/{subject.olympiad_id}")
    assert index.content == await stored(svc, f"results/{subject.olympiad_id}/index.json")
    assert index.headers["cache-control"] == LATEST
    assert index.json()["tables"][0]["latest"]["version"] == 1
    page = await svc.client.get(f"/results/{subject.olympiad_id}/index.html")
    assert page.content == await stored(svc, f"results/{subject.olympiad_id}/index.html")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert OLYMPIAD_TITLE in page.text
    assert f'href="{subject.base}.html"' in page.text


async def test_the_final_version_is_written_by_the_command_that_publishes_it(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await preliminary_written(svc, subject)
    first_html = await stored(svc, f"{prefix(subject)}/v1.html")
    await svc.deliver(subject.rescored("Жукова", "49"))

    final = await approve_final(svc, subject)
    assert final.status_code == 201, final.text

    # No waiting: the files are in the store when the command answers.
    for ext, suffix in SUFFIXES.items():
        version = await stored(svc, f"{prefix(subject)}/v2.{ext}")
        assert await stored(svc, f"{prefix(subject)}/latest.{ext}") == version
        assert await stored(svc, f"{prefix(subject)}/final.{ext}") == version
        assert (await svc.client.get(subject.base + suffix)).content == version
    assert await stored(svc, f"{prefix(subject)}/preliminary.html") == first_html
    assert await stored(svc, f"{prefix(subject)}/v1.html") == first_html
    index = json.loads(await stored(svc, f"results/{subject.olympiad_id}/index.json"))
    assert [v["version"] for v in index["tables"][0]["versions"]] == [1, 2]
    async with svc.uows() as uow:
        written = await uow.session.execute(
            sa.select(published_files.c.version).where(
                published_files.c.olympiad_id == subject.olympiad_id
            )
        )
        assert sorted(v for (v,) in written) == [1, 2]


async def test_if_none_match_gives_304_and_a_cached_file_needs_no_database(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    first = await svc.client.get(f"{subject.base}.html")
    tag = first.headers["etag"]

    for sent in (tag, f"W/{tag}", f'"nothing", {tag}', "*"):
        again = await svc.client.get(f"{subject.base}.html", headers={"If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.content == b""
        assert (again.headers["etag"], again.headers["cache-control"]) == (tag, LATEST)
    changed = await svc.client.get(f"{subject.base}.html", headers={"If-None-Match": '"old"'})
    assert (changed.status_code, changed.content) == (200, first.content)

    # Warm, then the database goes away: what is cached is still answered. The writer keeps
    # every format of a version it writes, so the CSV of version 1 is cached though never asked.
    await preliminary_written(svc, subject)
    await svc.client.get(subject.base, params={"version": 1})
    await svc.client.get(f"/results/{subject.olympiad_id}")
    csv = await stored(svc, f"{prefix(subject)}/v1.csv")
    runtime = svc.service.runtime
    working, runtime.uows = runtime.uows, DatabaseDown()  # type: ignore[assignment]
    try:
        for _ in range(3):
            assert (await svc.client.get(f"{subject.base}.html")).content == first.content
            pinned = await svc.client.get(subject.base, params={"version": "1"})
            assert pinned.headers["cache-control"] == IMMUTABLE
            assert (await svc.client.get(f"/results/{subject.olympiad_id}")).status_code == 200
            download = await svc.client.get(f"{subject.base}.csv", params={"version": 1})
            assert (download.content, download.headers["etag"]) == (csv, etag(csv))
        # Only the database can say whether a version not seen yet exists.
        with pytest.raises(ConnectionRefusedError):
            await svc.client.get(f"{subject.base}.csv", params={"version": 2})
        with pytest.raises(ConnectionRefusedError):
            await svc.client.get(f"{subject.base}.csv", params={"stage": "final"})
    finally:
        runtime.uows = working


class DatabaseDown:
    """A unit-of-work factory whose database does not answer."""

    def __call__(self, **_: object) -> None:
        raise ConnectionRefusedError("database unavailable")


async def test_cached_answers_match_the_routes_on_every_other_address(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    page = await svc.client.get(f"{subject.base}.html", params={"version": 1})
    upper = f"/results/{str(subject.olympiad_id).upper()}/{SUBJECT}/{GRADE}.html"
    assert (await svc.client.get(upper)).content == page.content
    assert (await svc.client.get(f"{subject.base}.html?version=01")).content == page.content
    assert (await svc.client.get(f"{subject.base}.html?version=x")).status_code == 422
    assert (await svc.client.get(f"{subject.base}.html?version=0")).status_code == 422
    assert (await svc.client.get(f"{subject.base}.html?stage=draft")).status_code == 422
    mismatch = await svc.client.get(f"{subject.base}.html?stage=final&version=1")
    assert mismatch.status_code == 404
    assert "не опубликованы" in mismatch.json()["detail"]
    assert (await svc.client.get(f"{subject.base}.pdf")).status_code == 422  # grade "9.pdf"
    other = f"/results/{subject.olympiad_id}/physics/{GRADE}.html"
    assert (await svc.client.get(other)).status_code == 404
    assert (await svc.client.get(f"/results/{uuid.uuid4()}")).json()["tables"] == []


async def test_another_process_serves_a_new_version_after_its_refresh(
    tmp_path: Path, subject: Subject
) -> None:
    # The refresher runs when the test says, not every second.
    async with running_service("publishing", tmp_path, results_refresh_s=3600) as svc:
        await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
        assert (await svc.client.get(subject.base)).json()["version"] == 1
        assert (await svc.client.get(f"/results/{subject.olympiad_id}/index.html")).is_success

        # Another worker publishes the final (after an appeal that settles the tie).
        await svc.deliver(subject.rescored("Жукова", "49"))
        elsewhere = PublishedFiles(svc.service.runtime.objects)
        key = SubjectGrade(subject.olympiad_id, SUBJECT, GRADE)
        chair = Principal(subject="chair", roles=frozenset({Role.JURY_CHAIR}))
        organiser = Principal(subject="committee", roles=frozenset({Role.MUNICIPAL_COORDINATOR}))
        async with svc.uows() as uow:
            await handlers.submit_final(handlers.SubmitFinal(key), uow, chair)
        async with svc.uows() as uow:
            command = handlers.ApproveFinal(key)
            await handlers.approve_final(command, uow, organiser, files=elsewhere)
        assert (await svc.client.get(subject.base)).json()["version"] == 1  # not told yet

        await handlers.refresh_published(svc.uows, files_of(svc))
        assert (await svc.client.get(subject.base)).json()["version"] == 2
        assert (await svc.client.get(subject.base, params={"version": 1})).json()["version"] == 1
        page = (await svc.client.get(f"/results/{subject.olympiad_id}/index.html")).text
        assert "итоговые, версия 2" in page


class FailingPuts(ObjectStore):
    """The service's store, with every write refused while `failing` (a store outage)."""

    def __init__(self, inner: ObjectStore) -> None:
        self.inner = inner
        self.failing = True

    async def put(
        self,
        key: str,
        data: bytes | BinaryIO,
        *,
        content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None,
    ) -> Any:
        if self.failing:
            raise StorageError(f"store unavailable: {key}")
        return await self.inner.put(key, data, content_type=content_type, metadata=metadata)

    async def get(self, key: str) -> bytes:
        return await self.inner.get(key)

    def stream(self, key: str, chunk_size: int = 1 << 20) -> Any:
        return self.inner.stream(key, chunk_size)

    async def stat(self, key: str) -> Any:
        return await self.inner.stat(key)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)

    async def list(self, prefix: str = "") -> Any:
        return await self.inner.list(prefix)

    async def presigned_get_url(self, key: str, expires: Any) -> str:
        return await self.inner.presigned_get_url(key, expires)

    async def ensure_ready(self) -> None:
        await self.inner.ensure_ready()

    async def ping(self) -> bool:
        return await self.inner.ping()


async def test_a_store_failure_after_the_commit_is_repaired_by_the_sweeper(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await preliminary_written(svc, subject)
    files = files_of(svc)
    healthy = files.objects
    broken = FailingPuts(healthy)
    files.objects = broken
    await svc.deliver(subject.rescored("Жукова", "49"))

    final = await approve_final(svc, subject)
    assert final.status_code == 201, final.text  # the version is published all the same
    assert not await healthy.exists(f"{prefix(subject)}/v2.html")
    served = await svc.client.get(f"{subject.base}.html")  # rendered from the database
    assert "Версия 2" in served.text

    broken.failing = False
    healed = await svc.service.sweeper.run_once()
    assert set(healed) >= {"publishing.published_files"}
    for ext in SUFFIXES:
        assert await healthy.exists(f"{prefix(subject)}/v2.{ext}")
    assert await stored(svc, f"{prefix(subject)}/latest.html") == served.content
    assert (await svc.client.get(f"{subject.base}.html")).content == served.content
    files.objects = healthy


async def test_files_the_store_lost_are_rendered_again_to_the_same_bytes(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(subject.created())
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await preliminary_written(svc, subject)
    objects = svc.service.runtime.objects
    published = {ext: await stored(svc, f"{prefix(subject)}/v1.{ext}") for ext in SUFFIXES}
    for ext in SUFFIXES:
        await objects.delete(f"{prefix(subject)}/v1.{ext}")

    # A process started after the loss: nothing cached.
    fresh = PublishedFiles(objects)
    key = SubjectGrade(subject.olympiad_id, SUBJECT, GRADE)
    for ext in SUFFIXES:
        async with svc.uows() as uow:
            served = await handlers.published_file(TableAddress(key, ext, None, 1), uow, fresh)
        assert served.file.body == published[ext], ext  # XLSX too: no "now" inside
        assert served.immutable
    for ext in SUFFIXES:
        assert await stored(svc, f"{prefix(subject)}/v1.{ext}") == published[ext]


async def test_a_title_that_arrives_after_publication_reaches_the_stored_index(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    await preliminary_written(svc, subject)
    key = f"results/{subject.olympiad_id}/index.json"
    assert json.loads(await stored(svc, key))["olympiad_title"] is None

    await svc.deliver(subject.created())
    index = await svc.client.get(f"/results/{subject.olympiad_id}")
    assert index.json()["olympiad_title"] == OLYMPIAD_TITLE

    async def rewritten() -> bool:
        return bool(json.loads(await stored(svc, key))["olympiad_title"] == OLYMPIAD_TITLE)

    await eventually(rewritten)
    assert (
        await stored(svc, key) == (await svc.client.get(f"/results/{subject.olympiad_id}")).content
    )


async def test_a_title_committed_while_the_writer_works_has_the_index_written_again(
    svc: ServiceHarness, subject: Subject
) -> None:
    """The writer read the olympiad (no title yet) and commits its index after the title's event
    has deleted the row that would have it written again: the index would never show the title.
    The event waits for the writer's lock instead, and deletes the row after it."""
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())
    olympiad_id = subject.olympiad_id

    async def index_recorded() -> bool:
        async with svc.uows() as uow:
            return await store.index_written(uow.session, olympiad_id) is not None

    await eventually(index_recorded)
    async with svc.uows() as writer:  # a writer caught half-way, as the files loop may be
        await store.lock_published_files(writer.session, olympiad_id)
        assert await store.olympiad_of(writer.session, olympiad_id) is None
        title = asyncio.create_task(svc.deliver(subject.created()))
        await eventually(lambda: _waiting_for_an_advisory_lock(svc))
        assert not title.done()
        await store.save_index_written(writer.session, olympiad_id, "no title", writer.clock.now())
        await writer.commit()
    await title

    key = f"results/{olympiad_id}/index.json"

    async def rewritten() -> bool:
        return bool(json.loads(await stored(svc, key))["olympiad_title"] == OLYMPIAD_TITLE)

    await eventually(rewritten)


async def _waiting_for_an_advisory_lock(svc: ServiceHarness) -> bool:
    async with svc.uows() as uow:
        waiting = await uow.session.scalar(
            sa.text(
                "SELECT count(*) FROM pg_locks"
                " WHERE locktype = 'advisory' AND NOT granted AND database = ("
                "SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )
    return bool(waiting)
