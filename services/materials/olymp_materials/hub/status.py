"""The coordinator's view (§25): per package and municipality, who is ready and who is late."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from olymp_core.db import UnitOfWork
from olymp_materials import feed_store, store
from olymp_materials.domain import Delivery, has_problems, is_late
from olymp_materials.store import PackageRecord


@dataclass(frozen=True)
class DeliveryStatus:
    delivery: Delivery
    late: bool
    problems: bool


@dataclass(frozen=True)
class PackageStatus:
    record: PackageRecord
    municipalities: list[DeliveryStatus]


async def olympiad_status(
    olympiad_id: uuid.UUID,
    uow: UnitOfWork,
    expected: list[str],
    late_after: dt.timedelta,
) -> list[PackageStatus]:
    """Every package with a row for each expected municipality and for any other that showed up."""
    now = uow.clock.now()
    result: list[PackageStatus] = []
    for record in await store.list_packages(uow.session, olympiad_id):
        seen = {
            d.municipality_id: d
            for d in await feed_store.deliveries_of(uow.session, record.package.package_id)
        }
        for municipality in expected:
            seen.setdefault(municipality, Delivery(municipality, None, None, None, None, (), None))
        rows = [
            DeliveryStatus(
                delivery=d,
                late=is_late(d, record.package.released_at, now, late_after),
                problems=has_problems(d),
            )
            for _, d in sorted(seen.items())
        ]
        result.append(PackageStatus(record, rows))
    return result
