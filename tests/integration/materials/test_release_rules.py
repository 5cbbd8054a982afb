"""Pure rules of the materials service: §24 instants, the release state, sealing, the master key.

No PostgreSQL or broker is needed here; the service-level tests are in test_packages_api.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from olymp_core.clock import to_local
from olymp_materials.domain import (
    NotYetReleased,
    Package,
    PackageKind,
    PackageState,
    UnsealFailed,
    decrypt_package,
    default_release_at,
    encrypt_package,
    may_release,
    new_package_key,
    seal_key,
    seal_password,
    unseal_key,
    unseal_password,
)
from olymp_materials.settings import MaterialsSettings

DAY = dt.date(2025, 10, 14)
ZONES = (
    "Asia/Omsk",
    "Asia/Yekaterinburg",
    "Europe/Moscow",
    "Asia/Vladivostok",
    "Europe/Kaliningrad",
)
instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(dt.UTC)
)


def test_p24_tasks_at_0800_and_criteria_at_1200_local_time_in_omsk() -> None:
    assert default_release_at(DAY, PackageKind.TASKS, "Asia/Omsk") == dt.datetime(
        2025, 10, 14, 2, 0, tzinfo=dt.UTC
    )
    assert default_release_at(DAY, PackageKind.CRITERIA, "Asia/Omsk") == dt.datetime(
        2025, 10, 14, 6, 0, tzinfo=dt.UTC
    )
    assert default_release_at(DAY, PackageKind.TASKS, "Asia/Yekaterinburg") == dt.datetime(
        2025, 10, 14, 3, 0, tzinfo=dt.UTC
    )


@given(
    day=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
    tz=st.sampled_from(ZONES),
    kind=st.sampled_from(list(PackageKind)),
)
def test_p24_default_instant_is_the_local_wall_clock_time_on_the_subject_day(
    day: dt.date, tz: str, kind: PackageKind
) -> None:
    local = to_local(default_release_at(day, kind, tz), tz)
    # the equipment list goes out a week ahead (§24), the others on the day
    days_before = 7 if kind is PackageKind.EQUIPMENT else 0
    assert local.date() == day - dt.timedelta(days=days_before)
    assert (local.hour, local.minute) == ((12, 0) if kind is PackageKind.CRITERIA else (8, 0))


@given(now=instants, release_at=instants)
def test_p24_release_allowed_from_the_instant_never_before(
    now: dt.datetime, release_at: dt.datetime
) -> None:
    assert may_release(now, release_at) is (now >= release_at)
    assert may_release(release_at, release_at)
    assert not may_release(release_at - dt.timedelta(microseconds=1), release_at)


def _package(release_at: dt.datetime) -> Package:
    return Package(uuid.uuid4(), uuid.uuid4(), "math", PackageKind.TASKS, release_at)


def _state(package: Package) -> PackageState:
    return package.state


def test_p24_package_is_announced_then_released_once() -> None:
    release_at = dt.datetime(2025, 10, 14, 2, 0, tzinfo=dt.UTC)
    package = _package(release_at)
    assert package.state is PackageState.ANNOUNCED
    with pytest.raises(NotYetReleased, match="Пакет ещё не раскрыт: ключ будет доступен в 08:00"):
        package.require_open(release_at - dt.timedelta(seconds=1), "Asia/Omsk")
    with pytest.raises(NotYetReleased):
        package.release(release_at - dt.timedelta(seconds=1))
    assert package.state is PackageState.ANNOUNCED
    assert package.release(release_at) is True
    assert package.release(release_at + dt.timedelta(hours=1)) is False
    assert _state(package) is PackageState.RELEASED
    assert package.released_at == release_at


def test_p24_released_state_does_not_open_a_package_before_its_instant() -> None:
    release_at = dt.datetime(2025, 10, 14, 2, 0, tzinfo=dt.UTC)
    package = _package(release_at)
    package.released_at = release_at  # e.g. written by a job with a fast clock
    with pytest.raises(NotYetReleased):
        package.require_open(release_at - dt.timedelta(minutes=5), "Asia/Omsk")


@given(content=st.binary(max_size=2048), password=st.text(min_size=8, max_size=40))
def test_sealed_parts_open_only_with_the_right_key_and_package(
    content: bytes, password: str
) -> None:
    master, package_id, other_id = new_package_key(), uuid.uuid4(), uuid.uuid4()
    key = new_package_key()
    ciphertext = encrypt_package(key, package_id, content)
    sealed_key = seal_key(master, package_id, key)
    sealed_password = seal_password(master, package_id, password)
    assert key not in sealed_key and password.encode() not in sealed_password
    assert decrypt_package(unseal_key(master, package_id, sealed_key), package_id, ciphertext) == (
        content
    )
    assert unseal_password(master, package_id, sealed_password) == password
    with pytest.raises(UnsealFailed):
        unseal_key(master, other_id, sealed_key)  # a sealed key copied onto another package
    with pytest.raises(UnsealFailed):
        unseal_key(new_package_key(), package_id, sealed_key)
    with pytest.raises(UnsealFailed):
        decrypt_package(key, other_id, ciphertext)


SAFE_URLS: dict[str, Any] = {
    "database_url": "postgresql+asyncpg://materials:s3cret@db/olymp_materials",
    "amqp_url": "amqps://materials:s3cret@mq/",
    "storage_url": "file:/srv/olymp",
    # a prod hub also needs its manifest signing key and the feed's TLS certificate
    "signing_key": base64.b64encode(b"s" * 32).decode(),
    "tls_cert_file": "/etc/olymp/tls/materials.pem",
    "tls_key_file": "/etc/olymp/tls/materials-key.pem",
}


def test_prod_refuses_a_missing_master_key() -> None:
    with pytest.raises(ValueError, match="OLYMP_MATERIALS_MASTER_KEY"):
        MaterialsSettings(profile="prod", master_key=None, **SAFE_URLS)


def test_master_key_must_be_32_bytes_of_base64() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        MaterialsSettings(profile="test", master_key=base64.b64encode(b"short").decode())
    with pytest.raises(ValueError, match="base64"):
        MaterialsSettings(profile="test", master_key="not base64 at all!")
    key = new_package_key()
    settings = MaterialsSettings(
        profile="prod", master_key=base64.b64encode(key).decode(), **SAFE_URLS
    )
    assert settings.master_key_bytes() == key


def test_dev_profile_derives_a_fixed_master_key() -> None:
    first = MaterialsSettings(profile="test", master_key=None).master_key_bytes()
    assert first == MaterialsSettings(profile="dev", master_key=None).master_key_bytes()
    assert len(first) == 32
