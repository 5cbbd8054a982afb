"""Shared fixtures. Integration tests use the machine's real PostgreSQL and RabbitMQ
(OLYMP_TEST_DATABASE_ADMIN_URL, OLYMP_TEST_AMQP_URL); when those are down they fail, never skip."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from olymp_core.testing.databases import TEST_VHOST


@pytest.fixture(scope="session", autouse=True)
def test_virtual_host() -> None:
    """Create the broker's test virtual host (idempotent) unless a broker URL was given."""
    if os.environ.get("OLYMP_TEST_AMQP_URL"):
        return
    if shutil.which("rabbitmqctl") is None:
        pytest.fail(
            "rabbitmqctl is not on PATH: set OLYMP_TEST_AMQP_URL to a broker URL whose "
            "virtual host the tests may use"
        )
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", TEST_VHOST], capture_output=True, check=False)
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", TEST_VHOST, "guest", ".*", ".*", ".*"],
        capture_output=True,
        check=True,
    )
