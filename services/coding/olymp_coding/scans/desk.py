"""What every scan handler shares, built once by the composition root."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from olymp_coding.retention import RetentionKeeper
from olymp_core.storage import ObjectStore


@dataclass(frozen=True)
class ScanDesk:
    # Splitting and label reading are CPU-bound: they run here, never on the event loop.
    pool: Executor
    store: ObjectStore
    retention: RetentionKeeper
    retention_years: int
    window: int
    code_prefix: str
    link_secret: bytes
    link_ttl_s: int
