"""Tables of the materials service (its own database; no other service reads them).

No column ever holds a package key or password in the clear: `sealed_key` and `sealed_password`
are AES-GCM ciphertexts under the master key, and the package itself lives in object storage,
encrypted, under a key that names neither olympiad nor subject.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from olymp_core.db import lock_until_commit
from olymp_materials.domain import Package, PackageKind

metadata = sa.MetaData()

olympiads = sa.Table(
    "olympiads",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("time_zone", sa.Text, nullable=False),
)

olympiad_subjects = sa.Table(
    "olympiad_subjects",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("day", sa.Date, nullable=False),
)

# when each subject's last round ends (the oral round of German and French comes on a later day,
# §60): participants get the criteria only after it. A table of its own, which the olympiad's own
# registration alone writes: on a mirror the packages come from the hub's feed and the rounds from
# the municipality's registration, in either order, and neither overwrites the other
round_ends = sa.Table(
    "round_ends",
    metadata,
    sa.Column("olympiad_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("subject_code", sa.Text, primary_key=True),
    sa.Column("last_round_ends_at", sa.DateTime(timezone=True), nullable=False),
)

packages = sa.Table(
    "packages",
    metadata,
    sa.Column("package_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("olympiad_id", UUID(as_uuid=True), nullable=False),
    sa.Column("subject_code", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("release_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("object_key", sa.Text, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    # null on a mirror until the hub releases the key; then sealed under the mirror's master key
    sa.Column("sealed_key", sa.LargeBinary, nullable=True),
    sa.Column("sealed_password", sa.LargeBinary, nullable=True),
    # the id of the master key that sealed them (sealing.master_key_id): names an unseal failure
    sa.Column("sealed_with", sa.Text, nullable=True),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("ciphertext_sha256", sa.Text, nullable=True),
    sa.Column("manifest", sa.LargeBinary, nullable=True),
    sa.Column("manifest_signature", sa.LargeBinary, nullable=True),
    sa.Column("key_received_at", sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint("olympiad_id", "subject_code", "kind", name="uq_packages_subject_kind"),
    sa.CheckConstraint("kind IN ('tasks', 'criteria', 'equipment')", name="ck_packages_kind"),
)
sa.Index("ix_packages_due", packages.c.release_at)


@dataclass(frozen=True)
class PackageRecord:
    """A package row: its release state and where its sealed parts are."""

    package: Package
    object_key: str
    sha256: str
    size: int
    sealed_key: bytes | None
    sealed_password: bytes | None
    version: int = 1
    ciphertext_sha256: str | None = None
    manifest: bytes | None = None
    manifest_signature: bytes | None = None
    sealed_with: str | None = None

    @property
    def has_password(self) -> bool:
        return self.sealed_password is not None


def _record(row: sa.Row[tuple[object, ...]]) -> PackageRecord:
    m = row._mapping
    package = Package(
        package_id=m["package_id"],
        olympiad_id=m["olympiad_id"],
        subject_code=m["subject_code"],
        kind=PackageKind(m["kind"]),
        release_at=m["release_at"],
        released_at=m["released_at"],
    )
    return PackageRecord(
        package=package,
        object_key=m["object_key"],
        sha256=m["sha256"],
        size=m["size"],
        sealed_key=m["sealed_key"],
        sealed_password=m["sealed_password"],
        version=m["version"],
        ciphertext_sha256=m["ciphertext_sha256"],
        manifest=m["manifest"],
        manifest_signature=m["manifest_signature"],
        sealed_with=m["sealed_with"],
    )


async def save_olympiad(session: AsyncSession, olympiad_id: uuid.UUID, time_zone: str) -> None:
    """Insert or update the olympiad's zone (a redelivery changes nothing)."""
    stmt = pg_insert(olympiads).values(olympiad_id=olympiad_id, time_zone=time_zone)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["olympiad_id"], set_={"time_zone": time_zone})
    )


async def save_subject_days(
    session: AsyncSession, olympiad_id: uuid.UUID, days: dict[str, dt.date], *, replace: bool
) -> None:
    """Each subject's first day, from which its default instants follow (§24). Without `replace`
    a subject already known keeps its day: a round added later leaves the instants as they were."""
    for subject_code, day in days.items():
        row = pg_insert(olympiad_subjects).values(
            olympiad_id=olympiad_id, subject_code=subject_code, day=day
        )
        index = ["olympiad_id", "subject_code"]
        await session.execute(
            row.on_conflict_do_update(index_elements=index, set_={"day": day})
            if replace
            else row.on_conflict_do_nothing(index_elements=index)
        )


async def save_round_end(
    session: AsyncSession,
    olympiad_id: uuid.UUID,
    subject_code: str,
    last_round_ends_at: dt.datetime,
    *,
    replace: bool,
) -> None:
    """When the subject's last round ends. Without `replace` (the olympiad as created) an end
    already stored is kept: a schedule change that came first knows more."""
    row = pg_insert(round_ends).values(
        olympiad_id=olympiad_id, subject_code=subject_code, last_round_ends_at=last_round_ends_at
    )
    index = ["olympiad_id", "subject_code"]
    await session.execute(
        row.on_conflict_do_update(
            index_elements=index, set_={"last_round_ends_at": last_round_ends_at}
        )
        if replace
        else row.on_conflict_do_nothing(index_elements=index)
    )


async def last_round_ends_at(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> dt.datetime | None:
    query = sa.select(round_ends.c.last_round_ends_at).where(
        round_ends.c.olympiad_id == olympiad_id, round_ends.c.subject_code == subject_code
    )
    ends: dt.datetime | None = (await session.execute(query)).scalar_one_or_none()
    return ends


async def olympiad_zone(session: AsyncSession, olympiad_id: uuid.UUID) -> str | None:
    query = sa.select(olympiads.c.time_zone).where(olympiads.c.olympiad_id == olympiad_id)
    return (await session.execute(query)).scalar_one_or_none()


async def subject_day(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str
) -> dt.date | None:
    query = sa.select(olympiad_subjects.c.day).where(
        olympiad_subjects.c.olympiad_id == olympiad_id,
        olympiad_subjects.c.subject_code == subject_code,
    )
    return (await session.execute(query)).scalar_one_or_none()


# any constant: the class of the advisory locks that serialise uploads of one subject and kind
UPLOAD_LOCK_CLASS = 0x6D617465


async def lock_package_slot(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, kind: PackageKind
) -> None:
    """Serialise, until commit, every upload of this olympiad's subject and kind.

    A row lock cannot do it for a first upload (there is no row yet), and two first uploads that
    both found none used to mix their rows. Two-key advisory locks live apart from the feed's
    one-key lock; a hash collision only makes two unrelated uploads wait for each other.
    """
    await lock_until_commit(
        session, UPLOAD_LOCK_CLASS, f"{olympiad_id}/{subject_code}/{kind.value}"
    )


async def package_for_subject(
    session: AsyncSession, olympiad_id: uuid.UUID, subject_code: str, kind: PackageKind
) -> PackageRecord | None:
    """The subject's package of `kind`, locked for the rest of the transaction."""
    query = (
        sa.select(packages)
        .where(
            packages.c.olympiad_id == olympiad_id,
            packages.c.subject_code == subject_code,
            packages.c.kind == kind.value,
        )
        .with_for_update()
    )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else _record(row)


async def get_package(
    session: AsyncSession, olympiad_id: uuid.UUID, package_id: uuid.UUID
) -> PackageRecord | None:
    query = sa.select(packages).where(
        packages.c.olympiad_id == olympiad_id, packages.c.package_id == package_id
    )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else _record(row)


async def list_packages(session: AsyncSession, olympiad_id: uuid.UUID) -> list[PackageRecord]:
    query = (
        sa.select(packages)
        .where(packages.c.olympiad_id == olympiad_id)
        .order_by(packages.c.release_at, packages.c.subject_code, packages.c.kind)
    )
    return [_record(row) for row in (await session.execute(query)).all()]


async def put_package(
    session: AsyncSession,
    record: PackageRecord,
    *,
    uploaded_by: str,
    uploaded_at: dt.datetime,
    replacing: bool,
) -> None:
    """Insert a new package, or replace the row of the same package id (never another's row).

    A second package of the same subject and kind is refused by the unique constraint rather than
    merged into the first one's row: a merged row once kept one upload's id with another's key.
    """
    package = record.package
    values = {
        "olympiad_id": package.olympiad_id,
        "subject_code": package.subject_code,
        "kind": package.kind.value,
        "release_at": package.release_at,
        "released_at": package.released_at,
        "object_key": record.object_key,
        "sha256": record.sha256,
        "size": record.size,
        "sealed_key": record.sealed_key,
        "sealed_password": record.sealed_password,
        "uploaded_by": uploaded_by,
        "uploaded_at": uploaded_at,
        "version": record.version,
        "ciphertext_sha256": record.ciphertext_sha256,
        "manifest": record.manifest,
        "manifest_signature": record.manifest_signature,
        "sealed_with": record.sealed_with,
    }
    if replacing:
        values.pop("released_at")
        await session.execute(
            sa.update(packages).where(packages.c.package_id == package.package_id).values(**values)
        )
    else:
        await session.execute(sa.insert(packages).values(package_id=package.package_id, **values))


async def due_packages(session: AsyncSession, now: dt.datetime) -> list[PackageRecord]:
    """Unreleased packages whose instant has come, locked; rows another releaser holds are skipped."""
    query = (
        sa.select(packages)
        .where(packages.c.released_at.is_(None), packages.c.release_at <= now)
        .order_by(packages.c.release_at)
        .with_for_update(skip_locked=True)
    )
    return [_record(row) for row in (await session.execute(query)).all()]


async def mark_released(session: AsyncSession, package: Package) -> bool:
    """Record the release; False if another transaction released it first (it then publishes)."""
    result = await session.execute(
        sa.update(packages)
        .where(packages.c.package_id == package.package_id, packages.c.released_at.is_(None))
        .values(released_at=package.released_at)
        .returning(packages.c.package_id)
    )
    return result.first() is not None


async def get_package_by_id(
    session: AsyncSession, package_id: uuid.UUID, *, for_update: bool = True
) -> PackageRecord | None:
    """The package, locked for the transaction unless only read (a fetch must not queue fetches)."""
    query = sa.select(packages).where(packages.c.package_id == package_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).one_or_none()
    return None if row is None else _record(row)


async def set_release_at(
    session: AsyncSession, package_id: uuid.UUID, release_at: dt.datetime, version: int
) -> None:
    await session.execute(
        sa.update(packages)
        .where(packages.c.package_id == package_id)
        .values(release_at=release_at, version=version)
    )


async def set_manifest(
    session: AsyncSession, package_id: uuid.UUID, manifest: bytes, signature: bytes
) -> None:
    await session.execute(
        sa.update(packages)
        .where(packages.c.package_id == package_id)
        .values(manifest=manifest, manifest_signature=signature)
    )


async def store_mirrored_key(
    session: AsyncSession,
    package_id: uuid.UUID,
    sealed_key: bytes,
    sealed_password: bytes | None,
    sealed_with: str,
    at: dt.datetime,
) -> None:
    """On a mirror: the key the hub released, sealed under the mirror's own master key."""
    await session.execute(
        sa.update(packages)
        .where(packages.c.package_id == package_id)
        .values(
            sealed_key=sealed_key,
            sealed_password=sealed_password,
            sealed_with=sealed_with,
            key_received_at=at,
            released_at=at,
        )
    )


async def next_release_at(session: AsyncSession) -> dt.datetime | None:
    query = sa.select(sa.func.min(packages.c.release_at)).where(packages.c.released_at.is_(None))
    upcoming: dt.datetime | None = (await session.execute(query)).scalar_one_or_none()
    return upcoming
