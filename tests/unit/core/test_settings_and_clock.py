"""Settings refuse well-known secrets outside development; schedule times are local, stored in UTC."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from olymp_core.clock import ManualClock, local_instant, to_local, zone
from olymp_materials.settings import MaterialsSettings
from olymp_scoring.settings import ScoringSettings


def test_dev_profile_accepts_the_quick_start_defaults() -> None:
    settings = ScoringSettings(profile="dev")
    assert settings.database_url.endswith("/olymp_scoring")
    assert settings.http_port == 8104


def test_prod_profile_refuses_default_broker_credentials() -> None:
    with pytest.raises(ValidationError, match="well-known default credential"):
        ScoringSettings(profile="prod", database_url="postgresql+asyncpg://svc:s3cret@db/olymp")


PROD: dict[str, Any] = {
    "profile": "prod",
    "database_url": "postgresql+asyncpg://svc:s3cret@db/olymp_scoring",
    "amqp_url": "amqps://svc:an0ther@broker:5671/?cafile=/tls/ca.pem",
    "storage_url": "s3://key:longsecret@minio:9000/olymp?secure=true",
}


def test_prod_profile_accepts_real_secrets() -> None:
    settings = ScoringSettings(**PROD, auth_jwks_url="https://sso.example/realms/olymp/certs")
    assert settings.profile == "prod"
    assert ScoringSettings(**PROD | {"storage_url": "file:/srv/olymp"}).profile == "prod"


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"auth_jwks_url": "http://sso.example/certs"}, "auth_jwks_url must be an https://"),
        ({"amqp_url": "amqp://svc:an0ther@broker:5672/"}, "amqp_url must use amqps://"),
        (
            {"amqp_url": "amqps://svc:an0ther@broker:5671/?no_verify_ssl=1"},
            "turns certificate checks off",
        ),
        ({"storage_url": "s3://key:longsecret@minio:9000/olymp"}, "secure=true"),
        ({"storage_url": "s3://key:longsecret@minio:9000/olymp?secure=false"}, "secure=true"),
        ({"storage_url": "http://key:longsecret@minio:9000/olymp"}, "not http://"),
    ],
)
def test_prod_profile_refuses_plaintext_on_the_network(
    change: dict[str, str], refusal: str
) -> None:
    with pytest.raises(ValidationError, match=refusal):
        ScoringSettings(**PROD | change)
    # what development and tests run on stays allowed there
    assert ScoringSettings(**PROD | change | {"profile": "dev"}).profile == "dev"


def test_prod_materials_hub_refuses_to_serve_the_feed_without_tls() -> None:
    secrets = {
        **PROD,
        "database_url": "postgresql+asyncpg://svc:s3cret@db/olymp_materials",
        "master_key": base64.b64encode(b"m" * 32).decode(),
        "signing_key": base64.b64encode(b"s" * 32).decode(),
    }
    with pytest.raises(ValidationError, match="OLYMP_MATERIALS_TLS_CERT_FILE"):
        MaterialsSettings(**secrets)
    with pytest.raises(ValidationError, match="OLYMP_MATERIALS_TLS_KEY_FILE"):
        MaterialsSettings(**secrets, tls_cert_file="/tls/materials.pem")
    hub = MaterialsSettings(
        **secrets, tls_cert_file="/tls/materials.pem", tls_key_file="/tls/materials-key.pem"
    )
    assert hub.role == "hub"


def test_service_prefix_wins_over_the_shared_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLYMP_HTTP_PORT", "9000")
    monkeypatch.setenv("OLYMP_SCORING_HTTP_PORT", "9104")
    assert ScoringSettings().http_port == 9104
    monkeypatch.delenv("OLYMP_SCORING_HTTP_PORT")
    assert ScoringSettings().http_port == 9000


def test_p24_eight_oclock_in_omsk_is_two_utc() -> None:
    instant = local_instant(dt.date(2026, 11, 24), dt.time(8, 0), "Asia/Omsk")
    assert instant == dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
    assert to_local(instant, "Asia/Omsk").hour == 8


def test_local_instant_differs_by_region() -> None:
    omsk = local_instant(dt.date(2026, 11, 24), dt.time(8, 0), "Asia/Omsk")
    yekaterinburg = local_instant(dt.date(2026, 11, 24), dt.time(8, 0), "Asia/Yekaterinburg")
    assert yekaterinburg - omsk == dt.timedelta(hours=1)


def test_unknown_zone_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown IANA time zone 'Asia/Omks'"):
        zone("Asia/Omks")


def test_manual_clock_refuses_naive_instants_and_moves_only_when_told() -> None:
    clock = ManualClock(dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC))
    before = clock.now()
    clock.advance(dt.timedelta(minutes=5))
    assert clock.now() - before == dt.timedelta(minutes=5)
    with pytest.raises(ValueError, match="naive datetime"):
        clock.set(dt.datetime(2026, 11, 24, 8, 0))


def test_prod_profile_refuses_urls_without_a_password() -> None:
    # no password means the server's own defaults: trust authentication or guest/guest
    with pytest.raises(ValidationError, match="amqp_url has no password"):
        ScoringSettings(
            profile="prod",
            database_url="postgresql+asyncpg://svc:s3cret@db/olymp_scoring",
            amqp_url="amqps://broker:5671/",
            storage_url="s3://key:longsecret@minio:9000/olymp?secure=true",
        )


def test_refused_settings_do_not_echo_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLYMP_SCORING_AMQP_URL", "amqp://guest:guest@broker:5672/")
    monkeypatch.setenv("OLYMP_SCORING_DATABASE_URL", "postgresql+asyncpg://svc:TopSecret9@db/x")
    with pytest.raises(ValidationError) as refused:
        ScoringSettings(profile="prod")
    assert "TopSecret9" not in str(refused.value)
