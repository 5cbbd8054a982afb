"""Every service serves its audit trail the same way, to the same readers; the verdicts read right."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from olymp_core.audit import BreakReason, verify_chain
from olymp_core.audit.api import READERS, verdict_text
from olymp_core.auth import Role, route_policies
from olymp_core.settings import SERVICES
from tests.unit.core.test_audit_chain import make_chain, rehashed
from tests.unit.core.test_service_shape import build

AUDIT_ROUTES = ("GET /audit", "GET /audit/verify")
DOMAIN_SERVICES = [service for service in SERVICES if service != "portal"]


@pytest.mark.parametrize("service", DOMAIN_SERVICES)
def test_every_service_serves_its_trail_to_the_overseers_only(service: str, tmp_path: Path) -> None:
    policies = route_policies(build(service, tmp_path).app)
    for route in AUDIT_ROUTES:
        assert route in policies, f"{service} does not serve {route}"
        assert policies[route].roles == frozenset(READERS)
        assert policies[route].scopes == ()
    assert set(READERS) == {Role.OBSERVER, Role.MUNICIPAL_COORDINATOR, Role.COORDINATOR}


def test_the_portal_serves_no_trail(tmp_path: Path) -> None:
    """Its trail is sign-ins with people's addresses, not a procedure of the olympiad."""
    policies = route_policies(build("portal", tmp_path).app)
    assert not set(AUDIT_ROUTES) & set(policies)


@pytest.mark.parametrize("service", DOMAIN_SERVICES)
def test_the_trail_routes_are_documented_without_the_services_refusals(
    service: str, tmp_path: Path
) -> None:
    document = build(service, tmp_path).app.openapi()
    listing = document["paths"]["/audit"]["get"]
    assert set(listing["responses"]) == {"200", "401", "403", "422"}
    assert listing["x-roles"] == sorted(role.value for role in READERS)
    assert set(document["paths"]["/audit/verify"]["get"]["responses"]) == {"200", "401", "403"}


def test_an_intact_chain_reads_as_intact_with_its_count() -> None:
    entries, head = make_chain(4)
    assert verdict_text(verify_chain(entries, head)) == (
        "Цепочка записей цела: проверено записей — 4."
    )


def test_a_changed_entry_is_named_with_the_intact_ones_before_it() -> None:
    entries, head = make_chain(5)
    entries[2] = dataclasses.replace(entries[2], payload={"points": "10"})
    result = verify_chain(entries, head)
    assert (result.first_bad_seq, result.reason) == (3, BreakReason.CHANGED)
    assert verdict_text(result).startswith(
        "Цепочка записей нарушена: запись № 3 изменена после внесения. Записи № 1–2 целы."
    )


def test_a_rewritten_first_entry_names_no_intact_ones() -> None:
    entries, head = make_chain(3)
    entries[0] = rehashed(entries[0], actor="jury:petrov")
    text = verdict_text(verify_chain(entries, head))
    assert "запись № 1 изменена" in text and "целы" not in text


def test_removed_and_uncovered_entries_have_their_own_reasons() -> None:
    entries, head = make_chain(5)
    removed = verify_chain(entries[:2] + entries[3:], head)
    assert (removed.first_bad_seq, removed.reason) == (3, BreakReason.REMOVED)
    assert "запись № 3 удалена" in verdict_text(removed)
    _, short_head = make_chain(3)
    uncovered = verify_chain(entries, short_head)
    assert uncovered.reason is BreakReason.UNCOVERED
    missing = verify_chain(entries, None)
    assert missing.reason is BreakReason.HEAD_MISSING
    assert "удалена отметка о последней записи" in verdict_text(missing)
