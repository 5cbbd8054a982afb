"""HTTP models of the feed: a municipality's receipt (§25) and the hub's readiness table."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel

from olymp_materials.domain import PackageKind


class ReceiptCreate(BaseModel):
    """The municipal coordinator's check of a package (§25): all forms present, or what is missing."""

    complete: bool
    missing: list[str] = []
    problems: str | None = None


class ReceiptRead(BaseModel):
    package_id: uuid.UUID
    municipality_id: str
    complete: bool
    missing: list[str]
    forwarded_to_hub: bool


class MunicipalityStatus(BaseModel):
    municipality_id: str
    ciphertext_fetched: bool
    key_delivered: bool
    receipt_confirmed: bool
    complete: bool | None
    missing: list[str]
    problems: str | None
    has_problems: bool
    late: bool


class PackageStatusRead(BaseModel):
    package_id: uuid.UUID
    subject_code: str
    kind: PackageKind
    release_at: dt.datetime
    released_at: dt.datetime | None
    version: int
    # its key cannot be given out (the reason says why and what to do); other packages go on
    quarantined: bool = False
    quarantine_reason: str | None = None
    municipalities: list[MunicipalityStatus]


class StatusList(BaseModel):
    items: list[PackageStatusRead]
    late_after_min: int
