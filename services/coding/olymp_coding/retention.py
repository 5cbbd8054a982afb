"""Keeping scanned works for at least a year (§21).

Every page row records `retain_until`. Where the store can enforce it — an S3 bucket created with
object lock — each stored page also gets a COMPLIANCE retention until that instant, which nobody,
not even the bucket owner, can shorten. Where it cannot (a local directory, a bucket without object
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


def retain_until(stored_at: dt.datetime, years: int) -> dt.datetime:
    """The same calendar date `years` later (29 February becomes 1 March): never less than §21's year."""
    if years < 1:
        raise ValueError("scans are kept for at least one year (§21)")
    try:
        return stored_at.replace(year=stored_at.year + years)
    except ValueError:  # 29 February into a common year
        return stored_at.replace(year=stored_at.year + years, month=3, day=1)


class RetentionKeeper:
    """Applies object lock where the store supports it; remembers whether it does."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store
        self._mode: str | None = None
        self._lock = asyncio.Lock()

    async def mode(self) -> str:
        async with self._lock:
            if self._mode is None:
                self._mode = await self._detect()
                log.info("scan retention mode", extra={"mode": self._mode})
            return self._mode

    async def _detect(self) -> str:
        store = self._store
        if not isinstance(store, S3Store):
            return MODE_RECORDED
        try:
            config = await asyncio.to_thread(store.client.get_object_lock_config, store.bucket)
        except (S3Error, MinioException, OSError, ValueError):
            # No object lock on this bucket (or the store does not know the call): record only.
            return MODE_RECORDED
        return MODE_OBJECT_LOCK if config is not None else MODE_RECORDED

    async def protect(self, keys: Sequence[str], until: dt.datetime) -> str:
        """Lock `keys` until `until` if the store can; the mode that now protects them."""
        if await self.mode() != MODE_OBJECT_LOCK or not keys:
            return MODE_RECORDED
        store = self._store
        assert isinstance(store, S3Store)
        retention = Retention(_COMPLIANCE, until)
        try:
            for key in keys:
                await asyncio.to_thread(
                    store.client.set_object_retention, store.bucket, key, retention
                )
        except (S3Error, MinioException, OSError) as error:
            log.warning("object retention not set; the recorded date stands", exc_info=error)
            return MODE_RECORDED
        return MODE_OBJECT_LOCK
