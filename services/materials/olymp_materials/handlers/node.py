"""Which node this is — the regional hub or a municipal mirror — as the handlers see it."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from olymp_materials.domain import HubHasNoReceipts, MirrorReadOnly
from olymp_materials.domain.archive import ArchiveBudget
from olymp_materials.feed.clients import HubClient

UNPACKING_AT_ONCE = 2


class Feed(Protocol):
    async def refresh(self) -> int:
        """Take up what was just committed to the feed and send it to the mirrors."""
        ...

    def quarantine_of(self, package_id: uuid.UUID) -> str | None:
        """Why this package's events are held back from the mirrors, if they are."""
        ...


@dataclass(frozen=True)
class Hub:
    """What only the regional hub holds: the key that signs manifests and the feed to mirrors."""

    signing_key: Ed25519PrivateKey
    feed: Feed
    archive_budget: ArchiveBudget = field(default_factory=ArchiveBudget)


@dataclass(frozen=True)
class Node:
    """This node, the regional hub or a municipal mirror (settings.role), as routes see it.

    One context for both roles, so that every route exists on both and the handler refuses what
    this role does not do (409), instead of a route that is simply missing.
    """

    master_key: bytes  # seals every package key and password at rest, on each node its own
    hub: Hub | None = None
    mirror: HubClient | None = None
    # criteria archives being unpacked at once: CPU and memory on the node that delivers the
    # keys, so a burst of first downloads waits instead of starving it (handlers.criteria)
    unpacking: asyncio.Semaphore = field(
        default_factory=lambda: asyncio.Semaphore(UNPACKING_AT_ONCE), compare=False
    )

    def require_hub(self) -> Hub:
        """Uploads, schedule changes and the readiness table are the hub's."""
        if self.hub is None:
            raise MirrorReadOnly()
        return self.hub

    def require_mirror(self) -> HubClient:
        """Receipts are confirmed on the municipality's own node and forwarded to the hub."""
        if self.mirror is None:
            raise HubHasNoReceipts()
        return self.mirror
