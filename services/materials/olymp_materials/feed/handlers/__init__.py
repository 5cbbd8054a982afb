"""The feed between the regional hub and the municipal mirrors: what each side does with it
(hub.py: the readiness table and what mirrors report; mirror.py: applying the hub's events)."""

from olymp_materials.feed.handlers.hub import (
    Acknowledge,
    DeliveryStatus,
    FetchPackage,
    PackageStatus,
    ReportReceipt,
    acknowledge,
    chain_key_sends,
    journal_key_sends,
    locate_package,
    olympiad_status,
    package_fetched,
    record_receipt,
)
from olymp_materials.feed.handlers.mirror import (
    HUB_ACTOR,
    ConfirmReceipt,
    Mirror,
    accept_announcement,
    accept_key,
    apply_hub_event,
    confirm_receipt,
    position,
)

__all__ = [
    "HUB_ACTOR",
    "Acknowledge",
    "ConfirmReceipt",
    "DeliveryStatus",
    "FetchPackage",
    "Mirror",
    "PackageStatus",
    "ReportReceipt",
    "accept_announcement",
    "accept_key",
    "acknowledge",
    "apply_hub_event",
    "chain_key_sends",
    "confirm_receipt",
    "journal_key_sends",
    "locate_package",
    "olympiad_status",
    "package_fetched",
    "position",
    "record_receipt",
]
