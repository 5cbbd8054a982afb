"""Signed links: one signer and one secret rule for scanned pages and room video."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import SecretStr, ValidationError

from olymp_core.links import LinkSigner, SignedLinkSettings, expiry

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
SECRET = SecretStr("s" * 32)


class ProbeSettings(SignedLinkSettings):
    service_name: str = "probe"


def test_a_link_opens_only_what_it_names_for_whom_it_names_until_it_expires() -> None:
    signer = LinkSigner(SECRET)
    expires = expiry(NOW, 300)
    signature = signer.sign("page-1", "ivanova", expires)
    assert signer.valid(signature, "page-1", "ivanova", expires=expires, now=NOW)
    assert not signer.valid(signature, "page-2", "ivanova", expires=expires, now=NOW)
    assert not signer.valid(signature, "page-1", "petrov", expires=expires, now=NOW)
    assert not signer.valid(signature, "page-1", "ivanova", expires=expires + 600, now=NOW)
    later = NOW + dt.timedelta(seconds=300)
    assert not signer.valid(signature, "page-1", "ivanova", expires=expires, now=later)
    assert not LinkSigner(SecretStr("t" * 32)).valid(
        signature, "page-1", "ivanova", expires=expires, now=NOW
    )


def test_production_refuses_to_start_without_a_shared_secret() -> None:
    with pytest.raises(ValidationError, match="OLYMP_PROBE_LINK_SECRET"):
        ProbeSettings(
            profile="prod",
            database_url="postgresql+asyncpg://svc:pw@db/probe",
            amqp_url="amqps://svc:pw@mq/",
        )


def test_a_short_secret_is_refused_and_dev_gets_a_random_one() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        ProbeSettings(link_secret=SecretStr("short"))
    first, second = ProbeSettings(), ProbeSettings()
    assert first.link_secret is not None and second.link_secret is not None
    assert first.link_secret.get_secret_value() != second.link_secret.get_secret_value()
