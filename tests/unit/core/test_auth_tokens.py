"""Issuing and verifying bearer tokens; roles, scopes; the `olymp token` commands."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from olymp_cli.commands.token import parse_ttl, token
from olymp_core.auth import (
    AuthSettings,
    AuthUnavailable,
    Policy,
    Principal,
    RevocationList,
    Revocations,
    Role,
    ScopeKind,
    ScopeRule,
    TokenIssuer,
    TokenVerifier,
    bearer_token,
    generate_local_key,
    write_revocations,
)
from olymp_core.clock import ManualClock
from olymp_core.problems import Forbidden, Unauthorized

ISSUER = "olymp-test"
AUDIENCE = "olymp"
START = datetime(2025, 10, 14, 8, 0, tzinfo=UTC)


def ed25519_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def issuer(clock: ManualClock) -> TokenIssuer:
    return TokenIssuer(ed25519_pem(), ISSUER, AUDIENCE, clock=clock)


@pytest.fixture
def verifier(issuer: TokenIssuer, clock: ManualClock) -> TokenVerifier:
    return TokenVerifier.from_public_key_pem(
        issuer.public_key_pem(), issuer=ISSUER, audience=AUDIENCE, clock=clock
    )


async def rejection(verifier: TokenVerifier, token: str | None) -> Unauthorized:
    with pytest.raises(Unauthorized) as caught:
        await verifier.verify(token)
    return caught.value


async def test_issued_token_verifies_to_its_principal(
    issuer: TokenIssuer, verifier: TokenVerifier
) -> None:
    token = issuer.issue(
        "ivanova",
        [Role.MUNICIPAL_COORDINATOR, Role.OBSERVER],
        {ScopeKind.MUNICIPALITY: ["ust-ishim"], ScopeKind.SUBJECT: "math"},
        name="Иванова А. П.",
    )
    principal = await verifier.verify(token)
    assert principal == Principal(
        subject="ivanova",
        roles=frozenset({Role.MUNICIPAL_COORDINATOR, Role.OBSERVER}),
        scopes={
            ScopeKind.MUNICIPALITY: frozenset({"ust-ishim"}),
            ScopeKind.SUBJECT: frozenset({"math"}),
        },
        name="Иванова А. П.",
    )
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": issuer.kid, "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 8 * 3600
    assert len(claims["jti"]) == 32


@settings(max_examples=25, deadline=None)
@given(
    roles=st.sets(st.sampled_from([r for r in Role if r is not Role.PUBLIC]), min_size=1),
    scopes=st.dictionaries(
        st.sampled_from(list(ScopeKind)),
        st.sets(st.text(min_size=1, max_size=12), min_size=1, max_size=3),
    ),
)
async def test_roles_and_scopes_survive_issue_and_verify(
    roles: set[Role], scopes: dict[ScopeKind, set[str]]
) -> None:
    clock = ManualClock(START)
    issuer = TokenIssuer(ed25519_pem(), ISSUER, AUDIENCE, clock=clock)
    verifier = TokenVerifier.from_public_key_pem(
        issuer.public_key_pem(), issuer=ISSUER, audience=AUDIENCE, clock=clock
    )
    principal = await verifier.verify(issuer.issue("x", roles, scopes))
    assert principal.roles == roles
    assert principal.scopes == {kind: frozenset(values) for kind, values in scopes.items()}


async def test_expired_token_is_refused_with_its_expiry(
    issuer: TokenIssuer, verifier: TokenVerifier, clock: ManualClock
) -> None:
    token = issuer.issue("petrov", [Role.JURY_MEMBER], ttl=timedelta(hours=1))
    clock.advance(timedelta(hours=1, seconds=20))  # within the 30 s leeway for clock skew
    assert (await verifier.verify(token)).subject == "petrov"
    clock.advance(timedelta(seconds=11))
    problem = await rejection(verifier, token)
    assert problem.extensions["reason"] == "expired"
    assert "истёк 14.10.2025 09:00 UTC" in problem.detail
    assert "новый токен" in problem.detail


async def test_token_from_the_future_is_refused(
    issuer: TokenIssuer, verifier: TokenVerifier, clock: ManualClock
) -> None:
    clock.advance(timedelta(minutes=5))
    token = issuer.issue("petrov", [Role.JURY_MEMBER])
    clock.advance(timedelta(minutes=-5))
    assert (await rejection(verifier, token)).extensions["reason"] == "not-yet-valid"


async def test_token_signed_with_another_key_is_refused(
    verifier: TokenVerifier, clock: ManualClock
) -> None:
    forger = TokenIssuer(ed25519_pem(), ISSUER, AUDIENCE, clock=clock)
    problem = await rejection(verifier, forger.issue("mallory", [Role.JURY_CHAIR]))
    assert problem.extensions["reason"] == "bad-signature"
    assert "чужим ключом" in problem.detail


async def test_tampered_payload_is_refused(issuer: TokenIssuer, verifier: TokenVerifier) -> None:
    header, payload, signature = issuer.issue("petrov", [Role.JURY_MEMBER]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["jury_chair", "coding_officer"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    problem = await rejection(verifier, f"{header}.{forged}.{signature}")
    assert problem.extensions["reason"] == "bad-signature"


async def test_wrong_audience_and_issuer_are_refused(
    verifier: TokenVerifier, clock: ManualClock
) -> None:
    pem = ed25519_pem()
    other_audience = TokenIssuer(pem, ISSUER, "another-system", clock=clock)
    other_issuer = TokenIssuer(pem, "somebody-else", AUDIENCE, clock=clock)
    same_key = TokenVerifier.from_public_key_pem(
        other_audience.public_key_pem(), issuer=ISSUER, audience=AUDIENCE, clock=clock
    )
    problem = await rejection(same_key, other_audience.issue("a", [Role.SCANNER]))
    assert problem.extensions["reason"] == "wrong-audience"
    assert "«olymp»" in problem.detail
    problem = await rejection(same_key, other_issuer.issue("a", [Role.SCANNER]))
    assert problem.extensions["reason"] == "wrong-issuer"
    assert "«olymp-test»" in problem.detail


@pytest.mark.parametrize("token", ["abc", "a.b.c", "eyJhbGciOiJFZERTQSJ9.@@@.###", "Bearer x.y.z"])
async def test_malformed_token_is_refused(verifier: TokenVerifier, token: str) -> None:
    problem = await rejection(verifier, token)
    assert problem.extensions["reason"] == "malformed"
    assert "целиком" in problem.detail


async def test_missing_token_says_how_to_send_one(verifier: TokenVerifier) -> None:
    for missing in (None, ""):
        problem = await rejection(verifier, missing)
        assert problem.extensions["reason"] == "missing"
        assert "Authorization: Bearer" in problem.detail


def base_claims(**extra: Any) -> dict[str, Any]:
    now = int(START.timestamp())
    return {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 3 * 3600} | extra


async def test_unsigned_token_is_refused(verifier: TokenVerifier) -> None:
    unsigned = jwt.encode(base_claims(sub="x", roles=["jury_chair"]), "", algorithm="none")
    assert (await rejection(verifier, unsigned)).extensions["reason"] == "malformed"


@pytest.fixture
def raw_key() -> Ed25519PrivateKey:
    """A key to sign hand-made claims with; `raw_verifier` trusts it."""
    return Ed25519PrivateKey.generate()


@pytest.fixture
def raw_verifier(raw_key: Ed25519PrivateKey, clock: ManualClock) -> TokenVerifier:
    public = raw_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return TokenVerifier.from_public_key_pem(public, issuer=ISSUER, audience=AUDIENCE, clock=clock)


async def test_token_without_subject_is_refused(
    raw_key: Ed25519PrivateKey, raw_verifier: TokenVerifier
) -> None:
    token = jwt.encode(base_claims(roles=["observer"]), raw_key, algorithm="EdDSA")
    problem = await rejection(raw_verifier, token)
    assert problem.extensions["reason"] == "malformed"
    assert "«sub»" in problem.detail


async def test_token_before_its_not_before_instant_is_refused(
    raw_key: Ed25519PrivateKey, raw_verifier: TokenVerifier, clock: ManualClock
) -> None:
    not_before = int((START + timedelta(hours=2)).timestamp())
    token = jwt.encode(base_claims(sub="x", nbf=not_before), raw_key, algorithm="EdDSA")
    problem = await rejection(raw_verifier, token)
    assert problem.extensions["reason"] == "not-yet-valid"
    assert "14.10.2025 10:00 UTC" in problem.detail
    clock.advance(timedelta(hours=2))
    assert (await raw_verifier.verify(token)).subject == "x"


def test_bearer_header_must_use_the_bearer_scheme() -> None:
    assert bearer_token(None) is None
    assert bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer_token("bearer   abc") == "abc"
    with pytest.raises(Unauthorized, match="Bearer <токен>"):
        bearer_token("Basic dXNlcjpwYXNz")


class FakeProvider:
    """An OIDC provider's JWKS endpoint, in process: keys can be rotated and fetches counted."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        self.down = False

    async def fetch(self, url: str) -> Mapping[str, Any]:
        assert url == "https://sso.example/realms/olymp/protocol/openid-connect/certs"
        self.fetches += 1
        if self.down:
            raise ValueError("connection refused")
        return {"keys": list(self.keys)}


def sign(key: Any, algorithm: str, kid: str, clock: ManualClock, **extra: Any) -> str:
    now = int(clock.now().timestamp())
    claims = {"sub": "svc", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300}
    return jwt.encode(claims | extra, key, algorithm=algorithm, headers={"kid": kid})


def jwk_of(private_key: Any, kid: str) -> dict[str, Any]:
    algorithm = {rsa.RSAPrivateKey: "RS256", ec.EllipticCurvePrivateKey: "ES256"}
    name = next(alg for cls, alg in algorithm.items() if isinstance(private_key, cls))
    jwk: dict[str, Any] = json.loads(
        jwt.get_algorithm_by_name(name).to_jwk(private_key.public_key())
    )
    return jwk | {"kid": kid, "use": "sig"}


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
def jwks_verifier(provider: FakeProvider, clock: ManualClock) -> TokenVerifier:
    return TokenVerifier.from_jwks_url(
        "https://sso.example/realms/olymp/protocol/openid-connect/certs",
        issuer=ISSUER,
        audience=AUDIENCE,
        clock=clock,
        fetch=provider.fetch,
    )


async def test_jwks_key_rotation_refetches_once_on_unknown_kid(
    provider: FakeProvider, jwks_verifier: TokenVerifier, clock: ManualClock
) -> None:
    old = TokenIssuer(ed25519_pem(), ISSUER, AUDIENCE, clock=clock)
    new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    provider.keys = [old.public_jwk()]
    assert (await jwks_verifier.verify(old.issue("a", [Role.SERVICE]))).subject == "a"
    assert provider.fetches == 1

    provider.keys = [old.public_jwk(), jwk_of(new, "rsa-2")]
    rotated = sign(new, "RS256", "rsa-2", clock, roles=["service"])
    # Right after a fetch an unknown kid does not hit the provider again (no refetch floods).
    assert (await rejection(jwks_verifier, rotated)).extensions["reason"] == "unknown-key"
    assert provider.fetches == 1

    clock.advance(timedelta(seconds=31))
    assert (await jwks_verifier.verify(rotated)).roles == {Role.SERVICE}
    assert provider.fetches == 2
    assert (await jwks_verifier.verify(old.issue("a", [Role.SERVICE]))).subject == "a"
    assert provider.fetches == 2

    clock.advance(timedelta(seconds=31))
    made_up = sign(new, "RS256", "no-such-key", clock)
    assert (await rejection(jwks_verifier, made_up)).extensions["reason"] == "unknown-key"
    assert provider.fetches == 3

    provider.keys = [jwk_of(new, "rsa-2")]
    clock.advance(timedelta(minutes=10))
    problem = await rejection(jwks_verifier, old.issue("a", [Role.SERVICE]))
    assert problem.extensions["reason"] == "unknown-key"
    assert provider.fetches == 4


async def test_jwks_accepts_es256_and_keycloak_realm_roles(
    provider: FakeProvider, jwks_verifier: TokenVerifier, clock: ManualClock
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    provider.keys = [jwk_of(key, "ec-1"), {"kty": "oct", "k": "c2VjcmV0" * 4, "kid": "hmac"}]
    keycloak_token = sign(
        key,
        "ES256",
        "ec-1",
        clock,
        aud=["account", AUDIENCE],
        realm_access={"roles": ["offline_access", "jury_chair"]},
        scopes={"subject": ["math"]},
    )
    principal = await jwks_verifier.verify(keycloak_token)
    assert principal.roles == {Role.JURY_CHAIR}
    assert principal.scopes == {ScopeKind.SUBJECT: frozenset({"math"})}
    # A symmetric key in the JWKS must never verify anything: the JWKS is public.
    secret = "c2VjcmV0" * 4
    hmac_token = jwt.encode({"sub": "x"}, secret, algorithm="HS256", headers={"kid": "hmac"})
    assert (await rejection(jwks_verifier, hmac_token)).extensions["reason"] == "malformed"
    posing = sign(key, "ES256", "hmac", clock)
    assert (await rejection(jwks_verifier, posing)).extensions["reason"] == "unknown-key"


async def test_jwks_outage_keeps_cached_keys_and_fails_loudly_without_them(
    provider: FakeProvider, jwks_verifier: TokenVerifier, clock: ManualClock
) -> None:
    issuer = TokenIssuer(ed25519_pem(), ISSUER, AUDIENCE, clock=clock)
    provider.down = True
    with pytest.raises(AuthUnavailable) as caught:
        await jwks_verifier.verify(issuer.issue("a", [Role.SERVICE]))
    assert caught.value.status == 503

    provider.down = False
    provider.keys = [issuer.public_jwk()]
    clock.advance(timedelta(seconds=31))
    assert (await jwks_verifier.verify(issuer.issue("a", [Role.SERVICE]))).subject == "a"
    provider.down = True
    clock.advance(timedelta(minutes=11))
    assert (await jwks_verifier.verify(issuer.issue("b", [Role.SERVICE]))).subject == "b"
    assert provider.fetches == 3


def test_scope_absent_kind_is_unrestricted_and_star_means_all() -> None:
    principal = Principal(
        "x",
        frozenset({Role.VENUE_COORDINATOR}),
        {ScopeKind.VENUE: frozenset({"school-1"}), ScopeKind.SUBJECT: frozenset({"*"})},
    )
    assert principal.may_access(ScopeKind.VENUE, "school-1")
    assert not principal.may_access(ScopeKind.VENUE, "school-2")
    assert principal.may_access(ScopeKind.SUBJECT, "physics")
    assert principal.may_access(ScopeKind.MUNICIPALITY, "anything")
    assert principal.has_role(Role.OBSERVER, Role.VENUE_COORDINATOR)
    assert not principal.has_role(Role.OBSERVER)


def test_policy_names_the_admitted_roles_when_refusing() -> None:
    policy = Policy.of(Role.JURY_MEMBER, Role.JURY_CHAIR)
    observer = Principal("n", frozenset({Role.OBSERVER}))
    with pytest.raises(Forbidden) as caught:
        policy.enforce(observer, request())
    assert "председатель жюри, член жюри" in caught.value.detail
    assert "Ваши роли: общественный наблюдатель" in caught.value.detail
    assert caught.value.extensions["admitted_roles"] == ["jury_chair", "jury_member"]
    policy.enforce(Principal("j", frozenset({Role.JURY_CHAIR})), request())


def request(**params: str) -> Callable[[str], str | None]:
    return lambda name: params.get(name)


def test_scope_rule_reads_the_request_parameter() -> None:
    rule = ScopeRule(ScopeKind.MUNICIPALITY, "municipality")
    policy = Policy.of(Role.MUNICIPAL_COORDINATOR, scope=rule)
    scoped = Principal(
        "m",
        frozenset({Role.MUNICIPAL_COORDINATOR}),
        {ScopeKind.MUNICIPALITY: frozenset({"ust-ishim"})},
    )
    policy.enforce(scoped, request(municipality="ust-ishim"))
    with pytest.raises(Forbidden, match="запрошено «tara»"):
        policy.enforce(scoped, request(municipality="tara"))
    # A restricted caller who names no municipality must not get every municipality's data.
    with pytest.raises(Forbidden, match="не указан параметр «municipality»"):
        policy.enforce(scoped, request())
    policy = Policy.of(Role.MUNICIPAL_COORDINATOR, Role.COORDINATOR, scope=rule)
    regional = Principal("r", frozenset({Role.COORDINATOR}))
    policy.enforce(regional, request())
    policy.enforce(regional, request(municipality="tara"))


def test_p4_a_pinned_role_without_its_scope_is_refused_and_star_is_all() -> None:
    policy = Policy.of(
        Role.MUNICIPAL_COORDINATOR,
        Role.COORDINATOR,
        scope=ScopeRule(ScopeKind.MUNICIPALITY, "municipality"),
    )
    unpinned = Principal("m", frozenset({Role.MUNICIPAL_COORDINATOR}))
    with pytest.raises(Forbidden, match="муниципалитет") as caught:
        policy.enforce(unpinned, request(municipality="tara"))
    assert "--scope municipality=" in caught.value.detail
    assert "«*»" in caught.value.detail
    assert caught.value.extensions["missing_scope"] == "municipality"
    everywhere = Principal(
        "m", frozenset({Role.MUNICIPAL_COORDINATOR}), {ScopeKind.MUNICIPALITY: frozenset("*")}
    )
    policy.enforce(everywhere, request(municipality="tara"))
    # a role the route admits that is not pinned there keeps "absent = unrestricted"
    both = Principal("m", frozenset({Role.MUNICIPAL_COORDINATOR, Role.COORDINATOR}))
    policy.enforce(both, request(municipality="tara"))


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.JURY_MEMBER, ScopeKind.SUBJECT),
        (Role.JURY_CHAIR, ScopeKind.SUBJECT),
        (Role.VENUE_COORDINATOR, ScopeKind.VENUE),
    ],
)
def test_p21_jury_and_venue_tokens_without_their_scope_are_refused(
    role: Role, kind: ScopeKind
) -> None:
    policy = Policy.of(role, Role.COORDINATOR, scope=ScopeRule(kind, "value"))
    with pytest.raises(Forbidden, match=f"«{kind.label}»"):
        policy.enforce(Principal("x", frozenset({role})), request(value="math"))
    policy.enforce(
        Principal("x", frozenset({role}), {kind: frozenset({"math"})}), request(value="math")
    )
    # pinned to another kind: a rule of this kind does not concern it
    other = Policy.of(role, scope=ScopeRule(ScopeKind.REGION, "value"))
    other.enforce(Principal("x", frozenset({role})), request(value="omsk"))


def test_p4_the_cli_refuses_a_pinned_role_without_its_scope(tmp_path: Path) -> None:
    key_file = tmp_path / "auth.pem"
    runner = CliRunner()
    runner.invoke(token, ["keygen", "--key-file", str(key_file)])
    base = ["issue", "--sub", "s", "--key-file", str(key_file)]
    refused = runner.invoke(token, [*base, "--role", "jury_member"])
    assert refused.exit_code == 2
    assert "--scope subject=" in refused.output
    assert "«*»" in refused.output
    refused = runner.invoke(
        token, [*base, "--role", "venue_coordinator", "--scope", "subject=math"]
    )
    assert "--scope venue=" in refused.output
    issued = runner.invoke(token, [*base, "--role", "jury_member", "--scope", "subject=*"])
    assert issued.exit_code == 0, issued.output


def test_a_required_scope_refuses_callers_not_pinned_to_one_value() -> None:
    rule = ScopeRule(ScopeKind.PARTICIPANT, "participant_id", required=True)
    policy = Policy.of(Role.PARTICIPANT, scope=rule)
    pinned = Principal(
        "p", frozenset({Role.PARTICIPANT}), {ScopeKind.PARTICIPANT: frozenset({"p-17"})}
    )
    policy.enforce(pinned, request(participant_id="p-17"))
    with pytest.raises(Forbidden, match="запрошено «p-18»"):
        policy.enforce(pinned, request(participant_id="p-18"))
    unpinned = Principal("p", frozenset({Role.PARTICIPANT}))
    with pytest.raises(Forbidden, match="доступно только с таким ограничением"):
        policy.enforce(unpinned, request(participant_id="p-17"))
    everyone = Principal(
        "p", frozenset({Role.PARTICIPANT}), {ScopeKind.PARTICIPANT: frozenset("*")}
    )
    with pytest.raises(Forbidden, match="доступно только с таким ограничением"):
        policy.enforce(everyone, request(participant_id="p-17"))


def test_router_and_route_policies_merge_to_the_stricter() -> None:
    router = Policy.of(Role.JURY_MEMBER, Role.JURY_CHAIR)
    route = Policy.of(Role.JURY_CHAIR, scope=ScopeRule(ScopeKind.SUBJECT, "subject"))
    merged = router.merged(route)
    assert merged.roles == {Role.JURY_CHAIR}
    assert merged.scopes == (ScopeRule(ScopeKind.SUBJECT, "subject"),)
    assert Policy.of(Role.PUBLIC).merged(router) == router


def test_local_key_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "auth.pem"
    public = generate_local_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    assert generate_local_key(path) == public
    assert path.read_bytes() == first
    assert public.startswith("-----BEGIN PUBLIC KEY-----")


async def test_settings_build_a_verifier_from_either_key_file(
    tmp_path: Path, clock: ManualClock
) -> None:
    private = tmp_path / "auth.pem"
    public = tmp_path / "auth.pub.pem"
    public.write_text(generate_local_key(private))
    by_private = AuthSettings(issuer=ISSUER, local_private_key_file=private)
    token = by_private.build_issuer(clock).issue("svc:scoring", [Role.SERVICE])
    by_public = AuthSettings(issuer=ISSUER, local_public_key_file=public)
    for settings_ in (by_private, by_public):
        principal = await settings_.build_verifier(clock).verify(token)
        assert principal.subject == "svc:scoring"
    with pytest.raises(ValueError, match="olymp token keygen"):
        AuthSettings().build_verifier()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8h", timedelta(hours=8)), ("30m", timedelta(minutes=30)), ("1h30m", timedelta(minutes=90))],
)
def test_ttl_parses(text: str, expected: timedelta) -> None:
    assert parse_ttl(text) == expected


@pytest.mark.parametrize("text", ["", "8", "h", "8x", "0h", "-1h", "8h abc"])
def test_ttl_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_ttl(text)


async def test_cli_keygen_then_issue_gives_a_token_services_accept(tmp_path: Path) -> None:
    key_file = tmp_path / "auth.pem"
    public_file = tmp_path / "auth.pub.pem"
    runner = CliRunner()
    made = runner.invoke(
        token, ["keygen", "--key-file", str(key_file), "--public-key-file", str(public_file)]
    )
    assert made.exit_code == 0, made.output
    issued = runner.invoke(
        token,
        [
            "issue",
            *("--role", "municipal_coordinator", "--role", "observer", "--sub", "ivanova"),
            *("--scope", "municipality=ust-ishim", "--scope", "municipality=tara"),
            *("--ttl", "2h", "--name", "Иванова А. П.", "--key-file", str(key_file)),
        ],
        env={"OLYMP_AUTH_ISSUER": ISSUER},
    )
    assert issued.exit_code == 0, issued.output
    verifier = AuthSettings(issuer=ISSUER, local_public_key_file=public_file).build_verifier()
    principal = await verifier.verify(issued.stdout.strip())
    assert principal.roles == {Role.MUNICIPAL_COORDINATOR, Role.OBSERVER}
    assert principal.scopes == {ScopeKind.MUNICIPALITY: frozenset({"ust-ishim", "tara"})}
    assert principal.name == "Иванова А. П."


def test_cli_explains_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    key_file = tmp_path / "auth.pem"
    missing = runner.invoke(
        token, ["issue", "--role", "scanner", "--sub", "s", "--key-file", str(key_file)]
    )
    assert missing.exit_code == 1
    assert "olymp token keygen" in missing.output
    runner.invoke(token, ["keygen", "--key-file", str(key_file)])
    base = ["issue", "--role", "scanner", "--sub", "s", "--key-file", str(key_file)]
    bad_scope = runner.invoke(token, [*base, "--scope", "planet=mars"])
    assert bad_scope.exit_code == 2
    assert "неизвестный вид области" in bad_scope.output
    bad_ttl = runner.invoke(token, [*base, "--ttl", "forever"])
    assert bad_ttl.exit_code == 2
    assert "не срок действия" in bad_ttl.output


def test_cli_default_key_file_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "from-env.pem"
    runner = CliRunner(env={"OLYMP_AUTH_LOCAL_PRIVATE_KEY_FILE": str(key_file)})
    assert runner.invoke(token, ["keygen"]).exit_code == 0
    assert key_file.exists()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"OLYMP_AUTH_LOCAL_PRIVATE_KEY_FILE": ""})
    assert runner.invoke(token, ["keygen"]).exit_code == 0
    assert (tmp_path / ".olymp/keys/auth-ed25519.pem").exists()


async def test_id_token_of_the_provider_is_not_an_access_token(
    raw_key: Ed25519PrivateKey, raw_verifier: TokenVerifier
) -> None:
    claims = base_claims(sub="ivanova", roles=["jury_chair"])
    id_token = jwt.encode(claims | {"typ": "ID"}, raw_key, algorithm="EdDSA")
    problem = await rejection(raw_verifier, id_token)
    assert problem.extensions["reason"] == "wrong-token-type"
    access = jwt.encode(claims | {"typ": "Bearer"}, raw_key, algorithm="EdDSA")
    assert (await raw_verifier.verify(access)).subject == "ivanova"


# --- M1: what the verifier cannot read it refuses ------------------------------------------------


async def test_unknown_scope_kind_is_refused_not_dropped(
    raw_key: Ed25519PrivateKey, raw_verifier: TokenVerifier
) -> None:
    # Dropped, "planet" would leave the holder unrestricted in whatever it meant to restrict.
    claims = base_claims(sub="x", roles=["jury_chair"], scopes={"subject": ["math"]})
    assert (await raw_verifier.verify(jwt.encode(claims, raw_key, algorithm="EdDSA"))).scopes
    for scopes in ({"subject": ["math"], "planet": ["mars"]}, {"Subject": ["math"]}):
        token = jwt.encode(claims | {"scopes": scopes}, raw_key, algorithm="EdDSA")
        problem = await rejection(raw_verifier, token)
        assert problem.extensions["reason"] == "unknown-scope"
        assert "не принимается" in problem.detail


async def test_token_issued_for_longer_than_the_maximum_is_refused(
    issuer: TokenIssuer, verifier: TokenVerifier
) -> None:
    assert verifier.max_lifetime == timedelta(hours=12)
    assert await verifier.verify(issuer.issue("a", [Role.SCANNER], ttl=timedelta(hours=12)))
    year = issuer.issue("a", [Role.SCANNER], ttl=timedelta(days=365))
    problem = await rejection(verifier, year)  # refused on its first day, not only when old
    assert problem.extensions["reason"] == "lifetime-too-long"
    assert "8760 ч" in problem.detail and "12 ч" in problem.detail


async def test_maximum_lifetime_is_a_setting(tmp_path: Path, clock: ManualClock) -> None:
    private, public = tmp_path / "auth.pem", tmp_path / "auth.pub.pem"
    public.write_text(generate_local_key(private))
    issuer = TokenIssuer(private.read_bytes(), ISSUER, AUDIENCE, clock=clock)
    short = AuthSettings(
        issuer=ISSUER, local_public_key_file=public, max_token_lifetime=timedelta(hours=1)
    ).build_verifier(clock)
    problem = await rejection(short, issuer.issue("a", [Role.SCANNER], ttl=timedelta(hours=2)))
    assert problem.extensions["reason"] == "lifetime-too-long"


@pytest.mark.parametrize("claim", ["iat", "exp"])
async def test_token_without_issue_or_expiry_instant_is_refused(
    raw_key: Ed25519PrivateKey, raw_verifier: TokenVerifier, claim: str
) -> None:
    claims = base_claims(sub="x", roles=["observer"])
    del claims[claim]
    problem = await rejection(raw_verifier, jwt.encode(claims, raw_key, algorithm="EdDSA"))
    assert problem.extensions["reason"] == "malformed"
    assert f"«{claim}»" in problem.detail


# --- L: revocation ------------------------------------------------------------------------------


@pytest.fixture
def revocation_file(tmp_path: Path) -> Path:
    return tmp_path / "revoked.json"


@pytest.fixture
def revocable(issuer: TokenIssuer, clock: ManualClock, revocation_file: Path) -> TokenVerifier:
    return TokenVerifier.from_public_key_pem(
        issuer.public_key_pem(),
        issuer=ISSUER,
        audience=AUDIENCE,
        clock=clock,
        revocations=RevocationList(revocation_file),
    )


def jti_of(token: str) -> str:
    jti: str = jwt.decode(token, options={"verify_signature": False})["jti"]
    return jti


async def test_a_revoked_token_id_is_refused_at_once(
    issuer: TokenIssuer, revocable: TokenVerifier, revocation_file: Path
) -> None:
    lost, kept = issuer.issue("ivanova", [Role.SCANNER]), issuer.issue("ivanova", [Role.SCANNER])
    assert (await revocable.verify(lost)).subject == "ivanova"  # no file yet: nothing revoked
    write_revocations(revocation_file, Revocations().with_token(jti_of(lost), START, "утерян"))
    problem = await rejection(revocable, lost)
    assert problem.extensions["reason"] == "revoked"
    assert "отозван" in problem.detail
    assert (await revocable.verify(kept)).subject == "ivanova"


async def test_a_subject_revoked_until_an_instant(
    issuer: TokenIssuer, revocable: TokenVerifier, revocation_file: Path, clock: ManualClock
) -> None:
    before = issuer.issue("petrov", [Role.JURY_MEMBER])
    other = issuer.issue("sidorova", [Role.JURY_MEMBER])
    clock.advance(timedelta(minutes=5))
    write_revocations(revocation_file, Revocations().with_subject("petrov", clock.now()))
    after = issuer.issue("petrov", [Role.JURY_MEMBER])
    assert (await rejection(revocable, before)).extensions["reason"] == "revoked"
    assert (await revocable.verify(after)).subject == "petrov"
    assert (await revocable.verify(other)).subject == "sidorova"


async def test_revocation_file_is_read_again_when_it_changes(
    issuer: TokenIssuer, revocable: TokenVerifier, revocation_file: Path
) -> None:
    token = issuer.issue("ivanova", [Role.SCANNER])
    write_revocations(revocation_file, Revocations().with_token(jti_of(token), START))
    assert (await rejection(revocable, token)).extensions["reason"] == "revoked"
    write_revocations(revocation_file, Revocations())  # the operator takes it back
    assert (await revocable.verify(token)).subject == "ivanova"
    revocation_file.unlink()
    assert (await revocable.verify(token)).subject == "ivanova"


async def test_a_broken_list_stops_the_start_and_never_unrevokes_later(
    issuer: TokenIssuer, revocable: TokenVerifier, revocation_file: Path
) -> None:
    token = issuer.issue("ivanova", [Role.SCANNER])
    write_revocations(revocation_file, Revocations().with_token(jti_of(token), START))
    assert (await rejection(revocable, token)).extensions["reason"] == "revoked"
    revocation_file.write_text("{not json")
    # a bad edit while running keeps the list read before
    assert (await rejection(revocable, token)).extensions["reason"] == "revoked"
    with pytest.raises(ValueError, match="not a readable JSON file"):
        RevocationList(revocation_file)
    revocation_file.write_text('{"subjects": [{"sub": "x", "issued_before": "2025-10-14"}]}')
    with pytest.raises(ValueError, match="no UTC offset"):
        RevocationList(revocation_file)


async def test_cli_revokes_a_token_and_a_subject(
    tmp_path: Path, revocation_file: Path, clock: ManualClock
) -> None:
    runner = CliRunner(env={"OLYMP_AUTH_REVOCATION_FILE": str(revocation_file)})
    key_file = tmp_path / "auth.pem"
    public_file = tmp_path / "auth.pub.pem"
    runner.invoke(
        token, ["keygen", "--key-file", str(key_file), "--public-key-file", str(public_file)]
    )
    issued = [
        runner.invoke(
            token, ["issue", "--role", "scanner", "--sub", sub, "--key-file", str(key_file)]
        ).stdout.strip()
        for sub in ("scanner-1", "scanner-2", "scanner-3")
    ]
    verifier = AuthSettings(
        local_public_key_file=public_file, revocation_file=revocation_file
    ).build_verifier()
    for each in issued:
        await verifier.verify(each)

    revoked = runner.invoke(token, ["revoke", "--token", issued[0], "--note", "ноутбук утерян"])
    assert revoked.exit_code == 0, revoked.output
    assert jti_of(issued[0]) in revoked.output
    by_subject = runner.invoke(token, ["revoke", "--sub", "scanner-2"])
    assert by_subject.exit_code == 0, by_subject.output

    assert (await rejection(verifier, issued[0])).extensions["reason"] == "revoked"
    assert (await rejection(verifier, issued[1])).extensions["reason"] == "revoked"
    assert (await verifier.verify(issued[2])).subject == "scanner-3"
    listed = json.loads(revocation_file.read_text())
    assert listed["tokens"][0]["note"] == "ноутбук утерян"
    assert listed["subjects"][0]["sub"] == "scanner-2"

    nothing = runner.invoke(token, ["revoke"])
    assert nothing.exit_code == 2
    assert "--jti, --token или --sub" in nothing.output
    naive = runner.invoke(token, ["revoke", "--sub", "x", "--before", "2025-10-14T08:00"])
    assert naive.exit_code == 2
    assert "со смещением" in naive.output


def test_cli_refuses_a_lifetime_the_services_refuse(tmp_path: Path) -> None:
    key_file = tmp_path / "auth.pem"
    runner = CliRunner()
    runner.invoke(token, ["keygen", "--key-file", str(key_file)])
    base = ["issue", "--role", "scanner", "--sub", "s", "--key-file", str(key_file)]
    week = runner.invoke(token, [*base, "--ttl", "7d"])
    assert week.exit_code == 2
    assert "больше наибольшего" in week.output
    allowed = CliRunner(env={"OLYMP_AUTH_MAX_TOKEN_LIFETIME_S": str(7 * 86400)})
    assert allowed.invoke(token, [*base, "--ttl", "7d"]).exit_code == 0
