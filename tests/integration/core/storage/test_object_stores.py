"""One suite for every ObjectStore backend: a local directory and S3.

S3 is the real store named by OLYMP_TEST_S3_URL (an s3:// URL as open_store takes), else an
S3-compatible server started on loopback for the session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import BinaryIO, cast
from urllib.parse import urlsplit

import httpx
import pytest

from olymp_core.storage import (
    InvalidKey,
    LocalDirectoryStore,
    ObjectNotFound,
    ObjectStore,
    S3Store,
    StorageCapabilityError,
    open_store,
)
from olymp_core.testing.s3server import start_loopback_s3

pytestmark = pytest.mark.integration

MIB = 1 << 20


@pytest.fixture(scope="session")
def s3_url() -> Iterator[str]:
    configured = os.environ.get("OLYMP_TEST_S3_URL")
    if configured:
        yield configured
        return
    with start_loopback_s3() as server:
        yield server.url


@pytest.fixture
def prefix() -> str:
    """Each test writes under its own prefix, so tests sharing a bucket never see each other."""
    return f"test-{uuid.uuid4().hex}/"


@pytest.fixture(params=["local", "s3"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, prefix: str
) -> AsyncIterator[ObjectStore]:
    if request.param == "local":
        backend: ObjectStore = LocalDirectoryStore(tmp_path / "objects")
    else:
        backend = open_store(request.getfixturevalue("s3_url"))
    await backend.ensure_ready()
    yield backend
    for leftover in await backend.list(prefix):
        await backend.delete(leftover.key)


class BoundedReader(io.RawIOBase):
    """A file object that refuses to be read whole and remembers the largest read asked of it."""

    def __init__(self, content: bytes, *, seekable: bool, fail_after: int | None = None) -> None:
        self._content = io.BytesIO(content)
        self._seekable = seekable
        self._fail_after = fail_after
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def tell(self) -> int:
        return self._content.tell()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self._seekable:
            raise io.UnsupportedOperation("seek")
        return self._content.seek(offset, whence)

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size > 0, "the whole stream was asked for at once"
        self.largest_read = max(self.largest_read, size)
        if self._fail_after is not None and self._content.tell() >= self._fail_after:
            raise OSError("the upload source broke off")
        return self._content.read(size)


def content_of(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


async def test_bytes_round_trip_and_overwrite(store: ObjectStore, prefix: str) -> None:
    key = prefix + "protocols/7 класс.pdf"
    first = await store.put(key, b"first version", content_type="application/pdf")
    assert (first.key, first.size) == (key, 13)
    assert first.sha256 == hashlib.sha256(b"first version").hexdigest()
    assert await store.get(key) == b"first version"

    second = await store.put(key, b"second", metadata={"author": "jury"})
    assert await store.get(key) == b"second"
    assert await store.stat(key) == second
    assert second.sha256 == hashlib.sha256(b"second").hexdigest()
    assert second.content_type == "application/octet-stream"
    assert second.metadata == {"author": "jury"}


@pytest.mark.parametrize("seekable", [True, False], ids=["seekable", "pipe"])
async def test_twelve_mib_file_object_is_streamed(
    store: ObjectStore, prefix: str, seekable: bool
) -> None:
    content = content_of(12 * MIB)
    source = BoundedReader(content, seekable=seekable)
    info = await store.put(
        prefix + "scans/big.bin", cast(BinaryIO, source), content_type="image/tiff"
    )

    assert source.largest_read <= 9 * MIB  # a part at a time, never the whole 12 MiB
    expected = hashlib.sha256(content).hexdigest()
    assert (info.size, info.sha256) == (len(content), expected)
    stored = await store.stat(prefix + "scans/big.bin")
    assert (stored.size, stored.sha256, stored.content_type) == (
        len(content),
        expected,
        "image/tiff",
    )
    assert hashlib.sha256(await store.get(prefix + "scans/big.bin")).hexdigest() == expected


async def test_failed_put_keeps_the_previous_version(store: ObjectStore, prefix: str) -> None:
    key = prefix + "package.zip"
    await store.put(key, b"complete package")
    broken = BoundedReader(content_of(9 * MIB), seekable=False, fail_after=6 * MIB)
    with pytest.raises(OSError, match="broke off"):
        await store.put(key, cast(BinaryIO, broken))
    assert await store.get(key) == b"complete package"
    assert [info.key for info in await store.list(prefix)] == [key]


async def test_stat_reports_content_type_and_metadata(store: ObjectStore, prefix: str) -> None:
    key = prefix + "appeals/statement.txt"
    metadata = {"participant-code": "М-07-123", "note": " 100% верно, ёлка "}
    put = await store.put(
        key, "заявление".encode(), content_type="text/plain; charset=utf-8", metadata=metadata
    )
    info = await store.stat(key)
    assert info == put
    assert info.size == len("заявление".encode())
    assert info.sha256 == hashlib.sha256("заявление".encode()).hexdigest()
    assert info.content_type == "text/plain; charset=utf-8"
    assert info.metadata == metadata
    assert info.last_modified.utcoffset() == dt.timedelta(0)


async def test_metadata_names_are_checked(store: ObjectStore, prefix: str) -> None:
    for name in ("Upper", "sha256", "with space", ""):
        with pytest.raises(ValueError, match="metadata name"):
            await store.put(prefix + "x", b"x", metadata={name: "v"})
    assert not await store.exists(prefix + "x")


async def test_exists_and_delete_are_idempotent(store: ObjectStore, prefix: str) -> None:
    key = prefix + "a/b/c.txt"
    assert not await store.exists(key)
    await store.delete(key)
    await store.put(key, b"c")
    assert await store.exists(key)
    await store.delete(key)
    await store.delete(key)
    assert not await store.exists(key)
    # With 'a/b/c.txt' gone, 'a/b' may be an object itself.
    await store.put(prefix + "a/b", b"b")
    assert await store.get(prefix + "a/b") == b"b"


async def test_list_by_prefix_sorted_by_key(store: ObjectStore, prefix: str) -> None:
    keys = ["b/2", "a/1", "b/10", "b/1", "ba", "a/sub/x"]
    for key in keys:
        await store.put(prefix + key, key.encode(), metadata={"k": "v"})

    listed = await store.list(prefix + "b/")
    assert [info.key for info in listed] == [prefix + k for k in ("b/1", "b/10", "b/2")]
    assert [info.size for info in listed] == [3, 4, 3]
    assert all(info.metadata == {"k": "v"} and info.sha256 for info in listed)
    everything = [info.key for info in await store.list(prefix)]
    assert everything == sorted(prefix + key for key in keys)
    assert [info.key for info in await store.list(prefix + "b")] == [
        prefix + k for k in ("b/1", "b/10", "b/2", "ba")
    ]
    assert await store.list(prefix + "nothing/") == []


async def test_missing_key_raises_object_not_found(
    store: ObjectStore, prefix: str, tmp_path: Path
) -> None:
    key = prefix + "missing.pdf"
    for attempt in (store.get(key), store.stat(key), store.download_to(key, tmp_path / "x")):
        with pytest.raises(ObjectNotFound) as caught:
            await attempt
        assert caught.value.key == key
    with pytest.raises(ObjectNotFound):
        _ = [chunk async for chunk in store.stream(key)]
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "key",
    ["", "/etc/passwd", "a/../b", "..", "a\\b", "a\x00b", "line\nbreak", "a//b", "a/", "./a",
     ".olymp-meta.a.json", "x" * 201],
)  # fmt: skip
async def test_invalid_keys_are_rejected(store: ObjectStore, key: str) -> None:
    for attempt in (store.put(key, b"x"), store.get(key), store.stat(key), store.delete(key)):
        with pytest.raises(InvalidKey):
            await attempt
    with pytest.raises(InvalidKey):
        await store.list("../" if key == "" else key + "/../")


async def test_stream_yields_bounded_chunks(store: ObjectStore, prefix: str) -> None:
    content = content_of(MIB * 5 // 2)
    await store.put(prefix + "recording.webm", content)
    chunks = [chunk async for chunk in store.stream(prefix + "recording.webm", chunk_size=MIB)]
    assert len(chunks) >= 3
    assert all(0 < len(chunk) <= MIB for chunk in chunks)
    assert b"".join(chunks) == content


async def test_put_file_and_download_to(store: ObjectStore, prefix: str, tmp_path: Path) -> None:
    content = content_of(3 * MIB, seed=11)
    source = tmp_path / "upload.bin"
    source.write_bytes(content)
    info = await store.put_file(prefix + "materials/package.bin", source, content_type="x/y")
    assert (info.size, info.sha256) == (len(content), hashlib.sha256(content).hexdigest())

    target = tmp_path / "downloads" / "package.bin"
    await store.download_to(prefix + "materials/package.bin", target)
    assert target.read_bytes() == content
    assert os.listdir(target.parent) == ["package.bin"]


async def test_presigned_url(store: ObjectStore, prefix: str) -> None:
    key = prefix + "snapshots/results.json"
    await store.put(key, b'{"ok": true}', content_type="application/json")
    if isinstance(store, LocalDirectoryStore):
        with pytest.raises(StorageCapabilityError, match="no signed URLs"):
            await store.presigned_get_url(key, dt.timedelta(minutes=5))
        return
    url = await store.presigned_get_url(key, dt.timedelta(minutes=5))
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200
    assert response.content == b'{"ok": true}'
    with pytest.raises(ObjectNotFound):
        await store.presigned_get_url(prefix + "absent", dt.timedelta(minutes=5))


async def test_ensure_ready_creates_once_and_is_idempotent(
    store: ObjectStore, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    fresh: ObjectStore
    if isinstance(store, S3Store):
        parts = urlsplit(request.getfixturevalue("s3_url"))
        fresh = open_store(parts._replace(path=f"/olymp-fresh-{uuid.uuid4().hex[:12]}").geturl())
    else:
        fresh = LocalDirectoryStore(tmp_path / "fresh" / "objects")
    assert not await fresh.ping()
    try:
        await fresh.ensure_ready()
        await fresh.ensure_ready()
        assert await fresh.ping()
        await fresh.put("kept.txt", b"kept")
        await fresh.ensure_ready()
        assert await fresh.get("kept.txt") == b"kept"
        await fresh.delete("kept.txt")
    finally:
        if isinstance(fresh, S3Store):
            fresh.client.remove_bucket(fresh.bucket)


def test_open_store_reads_local_urls(tmp_path: Path) -> None:
    absolute = open_store(f"file://{tmp_path}/objects")
    assert isinstance(absolute, LocalDirectoryStore)
    assert absolute.root == tmp_path / "objects"
    relative = open_store("file:data/objects")
    assert isinstance(relative, LocalDirectoryStore)
    assert relative.root == Path.cwd() / "data" / "objects"


def test_open_store_reads_s3_urls_with_encoded_credentials() -> None:
    store = open_store(
        "s3://AK%2Fregion:s%40cr%3Aet%2F@storage.example:9000/olymp-omsk?secure=true&region=ru-1"
    )
    assert isinstance(store, S3Store)
    assert (store.endpoint, store.bucket, store.secure, store.region) == (
        "storage.example:9000", "olymp-omsk", True, "ru-1",
    )  # fmt: skip
    assert (store.access_key, store.secret_key) == ("AK/region", "s@cr:et/")
    assert "s@cr:et/" not in repr(store)
    plain = open_store("s3://a:b@[::1]/olymp")
    assert isinstance(plain, S3Store)
    assert (plain.endpoint, plain.secure, plain.region) == ("[::1]", False, None)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://host/olymp", "scheme"),
        ("/var/lib/olymp", "scheme"),
        ("file://relative/path", "names no host"),
        ("file:", "directory is missing"),
        ("file:///data?x=1", "no '?'"),
        ("s3://minio:9000/olymp", "credentials are missing"),
        ("s3://ak:topsecret@:9000/olymp", "host is missing"),
        ("s3://ak:topsecret@minio:99999/olymp", "port"),
        ("s3://ak:topsecret@minio:9000", "bucket name"),
        ("s3://ak:topsecret@minio:9000/olymp/extra", "bucket name"),
        ("s3://ak:topsecret@minio:9000/Olymp_Bucket", "bucket name"),
        ("s3://ak:topsecret@minio:9000/olymp?secure=maybe", "secure must be"),
        ("s3://ak:topsecret@minio:9000/olymp?colour=red", "'colour'"),
        ("s3://ak:topsecret@minio:9000/olymp?region=a&region=b", "repeated option 'region'"),
        ("s3://ak:top#secret@minio:9000/olymp", "percent-encode"),
    ],
)
def test_open_store_names_what_is_wrong_with_a_url(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match="malformed storage URL") as caught:
        open_store(url)
    message = str(caught.value)
    assert problem in message
    assert "for example file:///" in message
    assert "topsecret" not in message and "top#" not in message
