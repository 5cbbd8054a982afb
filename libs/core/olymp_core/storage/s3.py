"""Objects in an S3 bucket through the minio SDK, using only plain S3 calls so any compatible store
(MinIO, Garage, SeaweedFS, Ceph RGW, AWS) serves."""

from __future__ import annotations

import asyncio
import builtins
import datetime as dt
import hashlib
import io
from collections.abc import AsyncIterator, Callable
from typing import Any, BinaryIO, TypeVar, cast
from urllib.parse import quote, unquote

import urllib3
from minio import Minio
from minio.commonconfig import REPLACE, CopySource
from minio.error import MinioException, S3Error

from olymp_core.storage.base import (
    CHUNK_SIZE,
    DEFAULT_CONTENT_TYPE,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    StorageError,
    validate_key,
    validate_metadata,
    validate_prefix,
)

T = TypeVar("T")
_Headers = dict[str, str | list[str] | tuple[str]]  # as the SDK types them
STREAM_PART_SIZE = 8 << 20  # for streams of unknown length; S3 allows 10,000 parts, so ~78 GiB
_META = "x-amz-meta-"
# S3 metadata travels in HTTP headers, which carry ASCII only: everything else is percent-encoded.
_META_SAFE = "!#$&'()*+,/:;<=>?@[]^`{|}"


class S3Store(ObjectStore):
    """A bucket on any S3-compatible endpoint; `endpoint` is host:port without a scheme."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = False,
        region: str | None = None,
    ) -> None:
        self.endpoint, self.access_key, self.secret_key = endpoint, access_key, secret_key
        self.bucket, self.secure, self.region = bucket, secure, region
        # The SDK's default waits minutes to connect, which would hang readiness probes.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=10, read=120),
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503]),
            maxsize=10,
            cert_reqs="CERT_REQUIRED",
        )
        self.client = Minio(
            endpoint, access_key, secret_key, secure=secure, region=region, http_client=http
        )

    def __repr__(self) -> str:
        return f"S3Store({self.endpoint!r}, bucket={self.bucket!r}, secure={self.secure})"

    async def put(
        self,
        key: str,
        data: bytes | BinaryIO,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: dict[str, str] | None = None,
    ) -> ObjectInfo:
        validate_key(key)
        checked = validate_metadata(metadata)
        return await self._run(key, self._put, key, data, content_type, checked)

    async def get(self, key: str) -> bytes:
        response = await self._run(key, self.client.get_object, self.bucket, validate_key(key))
        try:
            return await self._run(key, response.read)
        finally:
            response.close()
            response.release_conn()

    async def stream(self, key: str, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        response = await self._run(key, self.client.get_object, self.bucket, validate_key(key))
        try:
            chunks = response.stream(chunk_size)
            while chunk := await self._run(key, next, chunks, b""):
                yield chunk
        finally:
            response.close()
            response.release_conn()

    async def stat(self, key: str) -> ObjectInfo:
        return await self._run(key, self._stat, validate_key(key))

    async def delete(self, key: str) -> None:
        await self._run(key, self.client.remove_object, self.bucket, validate_key(key))

    async def list(self, prefix: str = "") -> list[ObjectInfo]:
        return await self._run(prefix, self._list, validate_prefix(prefix))

    async def presigned_get_url(self, key: str, expires: dt.timedelta) -> str:
        await self.stat(key)  # a link to nothing is a bug better found now than by its recipient
        return await self._run(
            key, self.client.presigned_get_object, self.bucket, key, expires=expires
        )

    async def ensure_ready(self) -> None:
        await self._run("", self._ensure_bucket)

    async def ping(self) -> bool:
        try:
            return bool(await asyncio.to_thread(self.client.bucket_exists, self.bucket))
        except Exception:  # a probe reports, it does not raise
            return False

    async def _run(self, key: str, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(call, *args, **kwargs)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject"):
                raise ObjectNotFound(key) from None
            if exc.code == "NoSuchBucket":
                raise StorageError(
                    f"bucket {self.bucket!r} does not exist at {self.endpoint}:"
                    " create it or call ensure_ready()"
                ) from exc
            raise StorageError(f"S3 refused {key!r}: {exc.code}: {exc.message}") from exc
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageError(f"S3 endpoint {self.endpoint} failed on {key!r}: {exc}") from exc

    def _put(
        self, key: str, data: bytes | BinaryIO, content_type: str, metadata: dict[str, str]
    ) -> ObjectInfo:
        headers: _Headers = {_META + k: quote(v, safe=_META_SAFE) for k, v in metadata.items()}
        source = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
        hashing = _Hashing(source)
        # One part at a time: the SDK queues parts without bound, so parallel uploads of a fast
        # file to a slow store would pull the whole file into memory.
        if getattr(source, "seekable", lambda: False)():
            # A first pass for the digest lets the object appear with its sha256 in one upload.
            start = source.tell()
            while hashing.read(CHUNK_SIZE):
                pass
            source.seek(start)
            headers[_META + "sha256"] = hashing.hexdigest()
            self.client.put_object(
                self.bucket,
                key,
                source,
                hashing.size,
                content_type,
                metadata=headers,
                num_parallel_uploads=1,
            )
            return self._stat(key)
        self.client.put_object(
            self.bucket,
            key,
            cast(BinaryIO, hashing),
            -1,
            content_type,
            metadata=headers,
            part_size=STREAM_PART_SIZE,
            num_parallel_uploads=1,
        )
        # The digest is known only now; S3 changes metadata only by copying an object onto itself.
        headers |= {_META + "sha256": hashing.hexdigest(), "Content-Type": content_type}
        self.client.copy_object(
            self.bucket,
            key,
            CopySource(self.bucket, key),
            metadata=headers,
            metadata_directive=REPLACE,
        )
        return self._stat(key)

    def _stat(self, key: str) -> ObjectInfo:
        found = self.client.stat_object(self.bucket, key)
        user: dict[str, str] = {}
        for name, value in (found.metadata or {}).items():
            if name.lower().startswith(_META):
                user[name.lower().removeprefix(_META)] = unquote(value)
        return ObjectInfo(
            key=key,
            size=found.size or 0,
            sha256=user.pop("sha256", None),
            content_type=found.content_type or DEFAULT_CONTENT_TYPE,
            last_modified=found.last_modified or dt.datetime.now(dt.UTC),
            metadata=user,
        )

    def _list(self, prefix: str) -> builtins.list[ObjectInfo]:
        found = []
        listed = self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True)
        for entry in listed:
            try:
                found.append(self._stat(entry.object_name))
            except S3Error as exc:
                if exc.code != "NoSuchKey":  # else deleted since it was listed
                    raise
        return sorted(found, key=lambda info: info.key)

    def _ensure_bucket(self) -> None:
        if self.client.bucket_exists(self.bucket):
            return
        try:
            self.client.make_bucket(self.bucket, location=self.region)
        except S3Error as exc:
            if exc.code != "BucketAlreadyOwnedByYou":  # another replica created it meanwhile
                raise


class _Hashing:
    """A reader that hashes what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.size, self._digest = raw, 0, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self._digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self._digest.hexdigest()
