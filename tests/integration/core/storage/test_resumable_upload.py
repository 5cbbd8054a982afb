"""Resumable uploads on both backends: a local directory and S3 (loopback server or
OLYMP_TEST_S3_URL), the same tests for each."""

from __future__ import annotations

import hashlib
import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from olymp_core.storage import LocalDirectoryStore, ObjectStore, open_store
from olymp_core.storage.multipart import (
    MIN_PART_SIZE,
    ChecksumMismatch,
    ObjectConflict,
    PartChecksum,
    ResumableUploads,
    UploadInterrupted,
    resumable_uploads,
    upload_file,
)
from olymp_core.testing.s3server import start_loopback_s3

pytestmark = pytest.mark.integration

PART = MIN_PART_SIZE


@pytest.fixture(scope="module")
def s3_url() -> Iterator[str]:
    configured = os.environ.get("OLYMP_TEST_S3_URL")
    if configured:
        yield configured
        return
    with start_loopback_s3() as server:
        yield server.url


@pytest.fixture(params=["local", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ObjectStore]:
    if request.param == "local":
        backend: ObjectStore = LocalDirectoryStore(tmp_path / "objects")
    else:
        backend = open_store(request.getfixturevalue("s3_url"))
    await backend.ensure_ready()
    yield backend


@pytest.fixture
def key() -> str:
    return f"video/test-{uuid.uuid4().hex}/room-12.mp4"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two full parts and a short last one: 10 MiB + 123 bytes."""
    path = tmp_path_factory.mktemp("recording") / "room-12.mp4"
    path.write_bytes(random.Random(6).randbytes(2 * PART + 123))
    return path


class CountingUploads:
    """Counts the parts that actually travel: PUTs to signed URLs, or direct writes."""

    def __init__(self, uploads: ResumableUploads) -> None:
        self.sent: list[int] = []
        self.http = httpx.AsyncClient(event_hooks={"request": [self._on_request]})
        original = uploads.write_part

        async def write_part(upload_id: str, key: str, part_number: int, data: bytes) -> str:
            self.sent.append(part_number)
            return await original(upload_id, key, part_number, data)

        uploads.write_part = write_part  # type: ignore[method-assign]

    async def _on_request(self, request: httpx.Request) -> None:
        if request.method == "PUT":
            self.sent.append(int(request.url.params["partNumber"]))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def content(store: ObjectStore, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.stream(key)])


async def test_full_upload_stores_the_file_with_its_sha256(
    store: ObjectStore, key: str, recording: Path
) -> None:
    uploads = resumable_uploads(store)
    counter = CountingUploads(uploads)
    seen: list[tuple[int, int]] = []

    report = await upload_file(
        recording,
        uploads,
        key,
        part_size=PART,
        content_type="video/mp4",
        progress=lambda done, total: seen.append((done, total)),
        http=counter.http,
    )

    size = recording.stat().st_size
    assert sorted(counter.sent) == [1, 2, 3]
    assert (report.parts_sent, report.parts_skipped) == (3, 0)
    assert report.info.sha256 == sha256_of(recording)
    assert report.info.size == size
    assert (await store.stat(key)).content_type == "video/mp4"
    assert await content(store, key) == recording.read_bytes()
    assert seen[0] == (0, size) and seen[-1] == (size, size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert [info.key for info in await store.list(key.rsplit("/", 1)[0])] == [key]


async def test_interrupted_upload_resumes_with_only_the_missing_parts(
    store: ObjectStore, key: str, recording: Path
) -> None:
    uploads = resumable_uploads(store)
    counter = CountingUploads(uploads)

    def drop_after_first_part(done: int, total: int) -> None:
        if done >= PART:
            raise ConnectionResetError("the venue's connection dropped")

    with pytest.raises(UploadInterrupted) as stopped:
        await upload_file(
            recording,
            uploads,
            key,
            part_size=PART,
            progress=drop_after_first_part,
            http=counter.http,
        )
    assert stopped.value.parts_sent == 1
    assert counter.sent == [1]
    assert not await store.exists(key)
    assert [p.number for p in await uploads.uploaded_parts(stopped.value.upload_id, key)] == [1]

    report = await upload_file(
        recording,
        uploads,
        key,
        upload_id=stopped.value.upload_id,
        part_size=PART,
        http=counter.http,
    )

    assert counter.sent == [1, 2, 3]
    assert (report.parts_sent, report.parts_skipped) == (2, 1)
    assert await content(store, key) == recording.read_bytes()


async def test_a_part_altered_after_it_was_hashed_is_detected_and_can_be_resent(
    store: ObjectStore, key: str, recording: Path
) -> None:
    uploads = resumable_uploads(store)
    data = recording.read_bytes()
    parts = [data[:PART], data[PART : 2 * PART], data[2 * PART :]]
    checksums = [PartChecksum(n, hashlib.md5(part).hexdigest()) for n, part in enumerate(parts, 1)]
    sha256 = hashlib.sha256(data).hexdigest()
    upload_id = await uploads.start(key, sha256=sha256)
    corrupted = bytes([parts[1][0] ^ 0xFF]) + parts[1][1:]
    for number, part in ((1, parts[0]), (2, corrupted), (3, parts[2])):
        await uploads.write_part(upload_id, key, number, part)

    with pytest.raises(ChecksumMismatch, match=r"\[2\]"):
        await uploads.complete(upload_id, key, sha256=sha256, parts=checksums)
    assert not await store.exists(key)

    report = await upload_file(recording, uploads, key, upload_id=upload_id, part_size=PART)
    assert (report.parts_sent, report.parts_skipped) == (1, 2)
    assert report.info.sha256 == sha256


async def test_a_wrong_whole_file_checksum_is_refused(
    store: ObjectStore, key: str, recording: Path
) -> None:
    uploads = resumable_uploads(store)
    data = recording.read_bytes()[:PART]
    claimed = hashlib.sha256(b"another file").hexdigest()
    upload_id = await uploads.start(key, sha256=claimed)
    md5 = await uploads.write_part(upload_id, key, 1, data)

    with pytest.raises(ChecksumMismatch):
        await uploads.complete(
            upload_id, key, sha256=hashlib.sha256(data).hexdigest(), parts=[PartChecksum(1, md5)]
        )
    assert not await store.exists(key)


async def test_same_file_twice_is_stored_once_and_a_different_one_is_refused(
    store: ObjectStore, key: str, recording: Path, tmp_path: Path
) -> None:
    uploads = resumable_uploads(store)
    first = await upload_file(recording, uploads, key, part_size=PART)
    counter = CountingUploads(uploads)

    again = await upload_file(recording, uploads, key, part_size=PART, http=counter.http)

    assert counter.sent == []
    assert again.upload_id is None and again.info.sha256 == first.info.sha256
    other = tmp_path / "other.mp4"
    other.write_bytes(b"x" * 1000)
    with pytest.raises(ObjectConflict):
        await upload_file(other, uploads, key, part_size=PART)
    assert await content(store, key) == recording.read_bytes()


async def test_aborted_upload_leaves_nothing(store: ObjectStore, key: str) -> None:
    uploads = resumable_uploads(store)
    upload_id = await uploads.start(key, sha256=hashlib.sha256(b"x").hexdigest())
    await uploads.write_part(upload_id, key, 1, b"x")

    await uploads.abort(upload_id, key)
    await uploads.abort(upload_id, key)

    assert not await store.exists(key)
    assert await store.list(key.rsplit("/", 1)[0]) == []
