"""Every service is built the same way and declares who may call each of its entry points."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from olymp_core.auth import generate_local_key, undeclared_routes
from olymp_core.service import Service
from olymp_core.settings import SERVICES

# a module past ~400 lines becomes a package of the same name, so either form counts
SHAPE = ("domain", "api", "consumers", "handlers", "main", "settings", "store", "migrations")


def build(service: str, tmp_path: Path) -> Service:
    public_key = tmp_path / "auth.pub.pem"
    public_key.write_text(generate_local_key(tmp_path / "auth.pem"))
    settings_cls = getattr(
        importlib.import_module(f"olymp_{service}.settings"), f"{service.title()}Settings"
    )
    settings = settings_cls(
        profile="test",
        auth_local_public_key_file=public_key,
        storage_url=f"file:{tmp_path / 'storage'}",
    )
    result: Service = importlib.import_module(f"olymp_{service}.main").build(settings)
    return result


@pytest.mark.parametrize("service", SERVICES)
def test_every_http_route_declares_its_roles(service: str, tmp_path: Path) -> None:
    app = build(service, tmp_path).app
    assert undeclared_routes(app) == []


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_shape(service: str) -> None:
    package = Path(importlib.import_module(f"olymp_{service}").__file__ or "").parent
    missing = [
        part
        for part in SHAPE
        if not ((package / f"{part}.py").is_file() or (package / part / "__init__.py").is_file())
        and not (part == "migrations" and (package / part / "env.py").is_file())
    ]
    assert missing == [], f"olymp_{service} lacks {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_grpc_method_served_has_a_policy(service: str, tmp_path: Path) -> None:
    built = build(service, tmp_path)
    if not built.grpc_services:
        return  # this service serves no gRPC (yet): nothing to declare
    stubs = importlib.import_module(f"olymp.{service}.v1.{service}_pb2")
    for proto_service in stubs.DESCRIPTOR.services_by_name.values():
        for method in proto_service.methods:
            full_name = f"/{proto_service.full_name}/{method.name}"
            assert full_name in built.grpc_policies, f"{service}: {full_name} has no policy"
