"""What every scan handler shares, built once by the composition root and given to the service as
a context (`Depends(context(ScanDesk))`)."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from olymp_coding.scans.handlers.retention import RetentionKeeper
from olymp_core.links import LinkSigner
from olymp_core.storage import ObjectStore


@dataclass(frozen=True)
class ScanDesk:
    # Splitting and label reading are CPU-bound: they run here, never on the event loop.
    pool: Executor
    objects: ObjectStore
    retention: RetentionKeeper
    retention_years: int
    window: int
    code_prefix: str
    # Signs page links where the object store cannot presign them.
    links: LinkSigner
    link_ttl_s: int
