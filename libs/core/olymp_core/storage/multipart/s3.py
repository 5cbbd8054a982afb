"""Resumable uploads on S3: the multipart API, with a signed URL per part."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import urllib3
from minio.datatypes import Part
from minio.error import MinioException, S3Error

from olymp_core.storage.base import DEFAULT_CONTENT_TYPE, ObjectInfo, StorageError, validate_key
from olymp_core.storage.multipart.protocol import (
    ChecksumMismatch,
    PartChecksum,
    ResumableUploads,
    UploadedPart,
    UploadNotFound,
    check_part_number,
    checked,
    checked_parts,
    multipart_etag,
    require_arrived,
    same_or_conflict,
)
from olymp_core.storage.s3 import S3Store

T = TypeVar("T")


class S3ResumableUploads(ResumableUploads):
    presigns_parts = True

    def __init__(self, store: S3Store) -> None:
        self.store = store
        self._s3 = store

    async def start(
        self, key: str, *, sha256: str, content_type: str = DEFAULT_CONTENT_TYPE
    ) -> str:
        checked(key, sha256)
        # The digest goes in at creation, where S3 keeps it as the finished object's metadata.
        headers = {"Content-Type": content_type, "x-amz-meta-sha256": sha256}
        return await self._call(
            key, "", self._s3.client._create_multipart_upload, self._s3.bucket, key, headers
        )

    async def part_url(
        self, upload_id: str, key: str, part_number: int, expires: dt.timedelta
    ) -> str:
        validate_key(key)
        check_part_number(part_number)
        query: dict[str, str | list[str] | tuple[str]] = {
            "uploadId": upload_id,
            "partNumber": str(part_number),
        }
        return await self._call(
            key,
            upload_id,
            lambda: self._s3.client.get_presigned_url(
                "PUT", self._s3.bucket, key, expires=expires, extra_query_params=query
            ),
        )

    async def write_part(self, upload_id: str, key: str, part_number: int, data: bytes) -> str:
        validate_key(key)
        check_part_number(part_number)
        etag: str = await self._call(
            key,
            upload_id,
            self._s3.client._upload_part,
            *(self._s3.bucket, key, data, None, upload_id, part_number),
        )
        return etag.strip('"')

    async def uploaded_parts(self, upload_id: str, key: str) -> list[UploadedPart]:
        validate_key(key)
        return await self._call(key, upload_id, self._list_parts, key, upload_id)

    async def complete(
        self, upload_id: str, key: str, *, sha256: str, parts: Sequence[PartChecksum]
    ) -> ObjectInfo:
        checked(key, sha256)
        ordered = checked_parts(parts)
        found = await self.existing(key)
        if found is not None:
            same = same_or_conflict(found, sha256)
            await self.abort(upload_id, key)
            return same
        arrived = {part.number: part for part in await self.uploaded_parts(upload_id, key)}
        require_arrived(key, ordered, arrived)
        listed = [Part(p.number, p.md5) for p in ordered]
        result = await self._call(
            key,
            upload_id,
            self._s3.client._complete_multipart_upload,
            *(self._s3.bucket, key, upload_id, listed),
        )
        expected = multipart_etag([p.md5 for p in ordered])
        info = await self.store.stat(key)
        if (result.etag or "").strip('"') != expected or info.sha256 != sha256:
            await self.store.delete(key)
            raise ChecksumMismatch(f"the assembled {key!r} is not the file the client hashed")
        return info

    async def abort(self, upload_id: str, key: str) -> None:
        validate_key(key)
        with contextlib.suppress(UploadNotFound):
            await self._call(
                key,
                upload_id,
                self._s3.client._abort_multipart_upload,
                *(self._s3.bucket, key, upload_id),
            )

    def _list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        found: list[UploadedPart] = []
        marker: str | None = None
        while True:
            page = self._s3.client._list_parts(
                self._s3.bucket, key, upload_id, part_number_marker=marker
            )
            found += [
                UploadedPart(p.part_number, p.size or 0, p.etag.strip('"')) for p in page.parts
            ]
            if not page.is_truncated:
                return sorted(found, key=lambda part: part.number)
            marker = page.next_part_number_marker

    async def _call(self, key: str, upload_id: str, call: Callable[..., T], *args: Any) -> T:
        # The SDK exposes the multipart calls of the S3 API (CreateMultipartUpload, UploadPart,
        # ListParts, CompleteMultipartUpload, AbortMultipartUpload) only as underscored methods;
        # they are plain S3 requests, and this class is the only place that calls them.
        try:
            return await asyncio.to_thread(call, *args)
        except S3Error as exc:
            if exc.code == "NoSuchUpload":
                raise UploadNotFound(upload_id) from None
            raise StorageError(f"S3 refused {key!r}: {exc.code}: {exc.message}") from exc
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise StorageError(f"S3 endpoint {self._s3.endpoint} failed on {key!r}: {exc}") from exc
