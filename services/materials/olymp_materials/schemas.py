"""HTTP models of the materials service. No model but PackageKeyRead carries key material."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from olymp_materials.domain import PackageKind
from olymp_materials.store import PackageRecord


class PackageRead(BaseModel):
    package_id: uuid.UUID
    olympiad_id: uuid.UUID
    subject_code: str
    kind: PackageKind
    release_at: dt.datetime
    released: bool
    released_at: dt.datetime | None
    # of the plaintext; null before release for all but the regional coordinator
    sha256: str | None
    size: int | None
    with_password: bool
    version: int

    @classmethod
    def of(cls, record: PackageRecord, *, disclose: bool = True) -> PackageRead:
        package = record.package
        return cls(
            package_id=package.package_id,
            olympiad_id=package.olympiad_id,
            subject_code=package.subject_code,
            kind=package.kind,
            release_at=package.release_at,
            released=package.released_at is not None,
            released_at=package.released_at,
            sha256=record.sha256 if disclose else None,
            size=record.size if disclose else None,
            with_password=record.has_password,
            version=record.version,
        )


class PackageList(BaseModel):
    items: list[PackageRead]
    time_zone: str | None


class PackageKeyRead(BaseModel):
    """Given only from the release instant on (§24)."""

    key_b64: str
    password: str | None


class PackageMove(BaseModel):
    release_at: dt.datetime


class CriteriaRead(BaseModel):
    """When a subject's criteria are released (§24); their content is `…/criteria/files`."""

    package_id: uuid.UUID
    subject_code: str
    release_at: dt.datetime
    released: bool
    available_at: dt.datetime | None = Field(
        description="From when the caller may download them: the release instant for the "
        "commissions and coordinators; for a participant the later of it and the end of the "
        "subject's last round (null while this node does not know that end)"
    )
    available: bool = Field(description="Whether the caller may download them now")
    time_zone: str | None
