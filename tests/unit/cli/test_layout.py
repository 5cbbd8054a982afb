"""What `olymp up` tells each service of the single-machine layout it starts."""

from __future__ import annotations

import pytest

from olymp_cli.suite import Layout
from olymp_publishing.settings import PublishingSettings

NAME = "OLYMP_PUBLISHING_PUBLIC_PAGE_URL"


def test_publishing_links_the_results_to_the_portal_of_the_same_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(NAME, raising=False)
    offset = Layout.from_env(port_offset=300, database_prefix="olymp_")
    env = offset.environment("publishing")
    assert env[NAME] == f"http://127.0.0.1:{offset.http_port('portal')}"
    assert NAME not in offset.environment("scoring")


def test_an_address_the_operator_gave_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "https://portal.tara.example")
    env = Layout.from_env(port_offset=0, database_prefix="olymp_").environment("publishing")
    assert env[NAME] == "https://portal.tara.example"


def test_elsewhere_the_published_results_link_nowhere_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The link is baked into published static files: a loopback address there reaches no one."""
    monkeypatch.delenv(NAME, raising=False)
    assert PublishingSettings(profile="test").public_page_url == ""
