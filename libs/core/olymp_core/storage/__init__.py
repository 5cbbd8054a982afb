"""Object storage (scans, packages, recordings, published snapshots) behind one small interface.

`open_store(url)` picks the backend: a local directory (`file:`) for single-machine installs, or any
S3-compatible store (`s3://`). Services depend on `ObjectStore` only.
"""

from olymp_core.storage.base import (
    InvalidKey,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    StorageCapabilityError,
    StorageError,
)
from olymp_core.storage.local import LocalDirectoryStore
from olymp_core.storage.s3 import S3Store
from olymp_core.storage.url import open_store

__all__ = [
    "InvalidKey",
    "LocalDirectoryStore",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "S3Store",
    "StorageCapabilityError",
    "StorageError",
    "open_store",
]
