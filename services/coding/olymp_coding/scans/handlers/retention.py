"""Keeping scanned works for at least a year (§21) in the object store.

Every page row records `retain_until` (`domain.retain_until`). Where the store can enforce it — an
S3 bucket created with object lock — each stored page also gets a COMPLIANCE retention until that
instant, which nobody, not even the bucket owner, can shorten. Where it cannot (a local directory, a bucket without object
lock, a store that does not implement it) the recorded date is the policy: the service never
deletes a page whose `retain_until` lies ahead, and operators' backups must keep it as long.
Detection happens once per process and never fails the upload.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Final

from minio.error import MinioException, S3Error
from minio.retention import Retention

from olymp_core.storage import ObjectStore, S3Store

log = logging.getLogger("olymp.coding.retention")

MODE_OBJECT_LOCK: Final = "object_lock"
MODE_RECORDED: Final = "recorded"
# Not GOVERNANCE: that one a privileged user may lift, and §21 is not to be lifted.
_COMPLIANCE: Final = "COMPLIANCE"


class RetentionKeeper:
    """Applies object lock where the store supports it; remembers whether it does."""

    def __init__(self, objects: ObjectStore) -> None:
        self._objects = objects
        self._mode: str | None = None
        self._lock = asyncio.Lock()

    async def mode(self) -> str:
        async with self._lock:
            if self._mode is None:
                self._mode = await self._detect()
                log.info("scan retention mode", extra={"mode": self._mode})
            return self._mode

    async def _detect(self) -> str:
        s3 = self._objects
        if not isinstance(s3, S3Store):
            return MODE_RECORDED
        try:
            config = await asyncio.to_thread(s3.client.get_object_lock_config, s3.bucket)
        except (S3Error, MinioException, OSError, ValueError):
            # No object lock on this bucket (or the store does not know the call): record only.
            return MODE_RECORDED
        return MODE_OBJECT_LOCK if config is not None else MODE_RECORDED

    async def protect(self, keys: Sequence[str], until: dt.datetime) -> str:
        """Lock `keys` until `until` if the store can; the mode that now protects them."""
        if await self.mode() != MODE_OBJECT_LOCK or not keys:
            return MODE_RECORDED
        s3 = self._objects
        assert isinstance(s3, S3Store)
        retention = Retention(_COMPLIANCE, until)
        try:
            for key in keys:
                await asyncio.to_thread(s3.client.set_object_retention, s3.bucket, key, retention)
        except (S3Error, MinioException, OSError) as error:
            log.warning("object retention not set; the recorded date stands", exc_info=error)
            return MODE_RECORDED
        return MODE_OBJECT_LOCK
