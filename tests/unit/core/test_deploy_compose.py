"""H5: `deploy/compose.yaml` runs the production profile, with secrets from the environment only and
the token-signing key only where tokens are signed.

No Docker engine runs here, so the file is read as compose would read it (YAML, merge keys, `${…}`
interpolation) and checked against the rules; then each service's own settings class is built from
the environment compose would give it, in profile prod, and must accept it — the same check the
service makes when it starts.
"""

from __future__ import annotations

import base64
import importlib
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from olymp_core.settings import KNOWN_DEFAULT_SECRETS, SERVICES

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
# ${NAME:?message} — required, no default; compose refuses to start when NAME is unset or empty
REQUIRED = re.compile(r"\$\{([A-Z][A-Z0-9_]*):\?[^}]*\}")
ANY_INTERPOLATION = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_]")
SIGNING_KEY_VOLUME = "signing-key"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return document


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    assert isinstance(env, dict), "environment as a mapping keeps merge keys working"
    return {str(k): str(v) for k, v in env.items()}


def volume_sources(service: dict[str, Any]) -> list[str]:
    return [str(v).split(":", 1)[0] for v in service.get("volumes") or []]


def strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return [str(node)]


def test_every_service_runs_the_production_profile(compose: dict[str, Any]) -> None:
    for name in SERVICES:
        assert environment(compose["services"][name])["OLYMP_PROFILE"] == "prod", name
    profiles = {
        value
        for service in compose["services"].values()
        for key, value in environment(service).items()
        if key.endswith("PROFILE")
    }
    assert profiles == {"prod"}


def test_no_secret_is_written_in_the_file(compose: dict[str, Any]) -> None:
    text = COMPOSE.read_text()
    for secret in (*KNOWN_DEFAULT_SECRETS, "minioadmin", "olymp-secret", "guest"):
        assert secret not in text, secret
    # every interpolation is a required variable: no ${X:-default}, no bare $X
    found = [each for value in strings(compose) for each in ANY_INTERPOLATION.findall(value)]
    assert found and all(REQUIRED.fullmatch(each) for each in found), found
    for value in strings(compose["services"]):
        for url in re.findall(r"[a-z+]+://[^\s\"']+", value):
            password = re.match(r"[a-z+]+://[^:/@]+:([^@]+)@", url)
            if password:
                assert REQUIRED.fullmatch(password.group(1)), url
    for service in compose["services"].values():
        for key, value in environment(service).items():
            if re.search(r"PASSWORD|SECRET|MASTER_KEY|SIGNING_KEY|PASS$", key):
                assert REQUIRED.fullmatch(value), f"{key} must come from deploy/.env"


def test_every_secret_is_explained_in_the_env_example(compose: dict[str, Any]) -> None:
    needed = set(REQUIRED.findall(COMPOSE.read_text()))
    example = (DEPLOY / ".env.example").read_text()
    listed = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", example, re.MULTILINE))
    assert set(listed) == needed
    assert all(value == "" for value in listed.values()), "the example holds no secret"
    assert ".env" in (DEPLOY / ".gitignore").read_text().split()


def services_that_sign_tokens() -> set[str]:
    """The services whose settings take the private key: they sign tokens of their own."""
    signing = set()
    for name in SERVICES:
        module = importlib.import_module(f"olymp_{name}.settings")
        settings_cls = getattr(module, f"{name.title()}Settings")
        if "auth_local_private_key_file" in settings_cls.model_fields:
            signing.add(name)
    return signing


def test_the_private_key_is_mounted_only_where_tokens_are_signed(
    compose: dict[str, Any],
) -> None:
    # coding signs its repair job's service token; the portal, the tokens of people signed in
    assert services_that_sign_tokens() == {"coding", "portal"}
    holders = {
        name
        for name, service in compose["services"].items()
        if SIGNING_KEY_VOLUME in volume_sources(service)
        or any(key.endswith("PRIVATE_KEY_FILE") for key in environment(service))
    }
    # prepare creates it; the olymp tool (profile "tools", run on demand) issues people's tokens
    assert holders == services_that_sign_tokens() | {"prepare", "olymp"}, holders
    assert compose["services"]["olymp"]["profiles"] == ["tools"]
    for name in services_that_sign_tokens():
        assert f"{SIGNING_KEY_VOLUME}:/signing-key:ro" in compose["services"][name]["volumes"]
    for name in set(SERVICES) - services_that_sign_tokens():
        env = environment(compose["services"][name])
        assert env["OLYMP_AUTH_LOCAL_PUBLIC_KEY_FILE"].startswith("/auth/")
        assert "auth:/auth:ro" in compose["services"][name]["volumes"]


def test_infrastructure_is_encrypted_and_not_published(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("postgres", "rabbitmq", "minio"):
        assert "ports" not in services[name], f"{name} is reached inside the compose network only"
    tls_conf = (DEPLOY / "rabbitmq-tls.conf").read_text()
    assert "listeners.tcp = none" in tls_conf and "listeners.ssl.default = 5671" in tls_conf
    assert any("20-tls.conf" in v for v in services["rabbitmq"]["volumes"])
    assert "--certs-dir" in services["minio"]["command"]
    for name in SERVICES:
        for port in services[name].get("ports", []):
            if port.endswith(":50102"):
                continue  # the hub's feed: TLS, for the mirrors
            assert port.startswith("127.0.0.1:"), f"{name}: plain HTTP only behind a TLS proxy"


def sample_secret(name: str) -> str:
    if name.endswith("_KEY"):
        return base64.b64encode(name.encode().ljust(32, b"k")[:32]).decode()
    return "t" * 40


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_accepts_its_compose_environment_in_prod(
    service: str, compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith("OLYMP_") and not key.startswith("OLYMP_TEST"):
            monkeypatch.delenv(key)
    for key, value in environment(compose["services"][service]).items():
        monkeypatch.setenv(key, REQUIRED.sub(lambda m: sample_secret(m.group(1)), value))
    module = importlib.import_module(f"olymp_{service}.settings")
    settings = getattr(module, f"{service.title()}Settings")()
    assert settings.profile == "prod"
    assert settings.amqp_url.startswith("amqps://")
    assert settings.storage_url.endswith("secure=true")


def test_the_tls_script_makes_certificates_the_ca_vouches_for(tmp_path: Path) -> None:
    made = subprocess.run(
        ["sh", str(DEPLOY / "make-tls.sh"), str(tmp_path / "tls"), "hub.region.example"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    tls = tmp_path / "tls"
    for name in ("rabbitmq", "minio", "materials"):
        verified = subprocess.run(
            ["openssl", "verify", "-CAfile", str(tls / "ca.pem"), str(tls / f"{name}.pem")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert verified.returncode == 0, verified.stderr
        names = subprocess.run(
            [
                "openssl",
                "x509",
                "-in",
                str(tls / f"{name}.pem"),
                "-noout",
                "-ext",
                "subjectAltName",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert f"DNS:{name}" in names
    hub_names = subprocess.run(
        ["openssl", "x509", "-in", str(tls / "materials.pem"), "-noout", "-ext", "subjectAltName"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "DNS:hub.region.example" in hub_names
    # every certificate file the compose file mounts is one the script makes
    mounted = {
        Path(str(volume).split(":", 1)[0]).name
        for service in yaml.safe_load(COMPOSE.read_text())["services"].values()
        for volume in service.get("volumes") or []
        if str(volume).startswith("./tls/")
    }
    assert mounted <= {path.name for path in tls.iterdir()}
