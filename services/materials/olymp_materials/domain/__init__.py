"""Pure rules of the materials service: release instants (§24) and the sealing of packages."""

from olymp_materials.domain.errors import (
    AlreadyReleased,
    MaterialsRuleError,
    NotYetReleased,
    UnknownReleaseInstant,
    UnsealFailed,
)
from olymp_materials.domain.release import (
    DEFAULT_RELEASE_TIMES,
    Package,
    PackageKind,
    PackageState,
    default_release_at,
    may_release,
    shown_release_time,
)
from olymp_materials.domain.sealing import (
    decrypt_package,
    development_master_key,
    encrypt_package,
    new_package_key,
    parse_master_key,
    seal_key,
    seal_password,
    unseal_key,
    unseal_password,
)

__all__ = [
    "DEFAULT_RELEASE_TIMES",
    "AlreadyReleased",
    "MaterialsRuleError",
    "NotYetReleased",
    "Package",
    "PackageKind",
    "PackageState",
    "UnknownReleaseInstant",
    "UnsealFailed",
    "decrypt_package",
    "default_release_at",
    "development_master_key",
    "encrypt_package",
    "may_release",
    "new_package_key",
    "parse_master_key",
    "seal_key",
    "seal_password",
    "shown_release_time",
    "unseal_key",
    "unseal_password",
]
