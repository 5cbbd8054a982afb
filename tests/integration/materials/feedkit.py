"""Helpers for hub-and-mirror tests: a self-signed TLS certificate, a free port, mirror settings,
and a node's feed (its lifecycles: the hub's release timer, key audit and feed server, or the
mirror's subscription) stopped and started again as if that node went offline."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import ipaddress
import secrets
import socket
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from olymp_core.auth import Role, ScopeKind
from olymp_core.testing.service import ServiceHarness
from olymp_materials.settings import MaterialsSettings

T = TypeVar("T")


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for localhost / 127.0.0.1 and its key, as PEM files."""
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "hub.crt", directory / "hub.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hub_settings(directory: Path, port: int, **extra: Any) -> dict[str, Any]:
    cert, key = self_signed(directory / "tls")
    return {
        "role": "hub",
        "feed_port": port,
        "tls_cert_file": cert,
        "tls_key_file": key,
        **extra,
    }


def mirror_settings(hub: ServiceHarness, municipality: str) -> dict[str, Any]:
    """A mirror of `hub` for `municipality`, with a token the hub issued bound to it."""
    settings = hub.service.runtime.settings
    assert isinstance(settings, MaterialsSettings)
    assert settings.tls_cert_file is not None
    token = hub.issuer.issue(
        f"mirror:{municipality}",
        [Role.SERVICE],
        {ScopeKind.MUNICIPALITY: [municipality]},
        ttl=dt.timedelta(hours=12),
    )
    return {
        "role": "mirror",
        "hub_grpc": f"127.0.0.1:{settings.feed_port}",
        "municipality_id": municipality,
        "hub_token": token,
        "hub_public_key": settings.hub_public_key_b64(),
        "tls_root_cert_file": settings.tls_cert_file,
        "tls_server_name": "localhost",
        "reconnect_max_s": 0.2,
        # a mirror has its own master key, never the hub's
        "master_key": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def feed_part(svc: ServiceHarness, kind: type[T]) -> T:
    """The node's background part of type `kind` (ReleaseTimer, MirrorFollower, ...)."""
    [part] = [p for p in svc.service.lifecycles if isinstance(p, kind)]
    return part


async def stop_feed(svc: ServiceHarness) -> None:
    for part in reversed(svc.service.lifecycles):
        await part.stop()


async def start_feed(svc: ServiceHarness, tasks: asyncio.TaskGroup) -> None:
    for part in svc.service.lifecycles:
        await part.start(tasks)
