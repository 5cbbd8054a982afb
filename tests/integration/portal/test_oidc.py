"""Sign-in through an OpenID Connect provider: the portal against a small provider on real HTTP.

The "browser" is two clients sharing nothing but the addresses they pass on: one talks to the
portal in-process (its own cookies), one to the provider. Each test signs in from an address of
its own, so the throttle of failed sign-ins of one test never meets another's.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa

from olymp_core.clock import ManualClock
from olymp_core.migrations import drop_database
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_portal import handlers
from olymp_portal.domain import Grant
from olymp_portal.domain.accounts import password_matches
from olymp_portal.handlers.accounts import LinkIdentity, link_identity, unknown_password
from tests.integration.portal.conftest import CHAIR_PHYSICS, JURY_MATH, csrf_of
from tests.integration.portal.test_user_command import POSTGRES, olymp, stored
from tests.support.oidc_provider import OpenIdProvider, running_provider

PORTAL = "http://portal.test"
CALLBACK = f"{PORTAL}/login/oidc/callback"
CLIENT_ID = "olymp-portal"
# with ':' and '%' and letters outside Latin-1: sent form-encoded, as RFC 6749 §2.3.1 has it
CLIENT_SECRET = "секрет:клиента%портала"
FAILURES_PER_ADDRESS = 6
_addresses = itertools.count(1)


@pytest.fixture(scope="module")
async def provider(clock: ManualClock) -> AsyncIterator[OpenIdProvider]:
    async with running_provider(
        clock,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris={CALLBACK},
        post_logout_redirect_uris={f"{PORTAL}/login"},
    ) as served:
        yield served


@pytest.fixture(scope="module")
async def portal(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock, provider: OpenIdProvider
) -> AsyncIterator[ServiceHarness]:
    """The portal with OIDC on; people are named by their login at the provider."""
    workdir = tmp_path_factory.mktemp("portal-oidc")
    async with running_service(
        "portal",
        workdir,
        clock=clock,
        auth_local_private_key_file=workdir / "keys" / "auth.pem",
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_identity_claim="preferred_username",
        oidc_display_name="региональную службу входа",
        login_max_failures_per_address=FAILURES_PER_ADDRESS,
    ) as harness:
        yield harness


@pytest.fixture(autouse=True)
def well_behaved(provider: OpenIdProvider) -> None:
    provider.reset()


@dataclass
class Browser:
    """One person's browser: the portal's pages and the provider's, each with its own cookies."""

    portal: httpx.AsyncClient
    provider: httpx.AsyncClient

    async def start(self, next_: str = "/") -> str:
        """Press «Войти через …»: the provider's authorization address the portal sends us to."""
        started = await self.portal.get("/login/oidc", params={"next": next_})
        assert started.status_code == 303, started.text
        return started.headers["location"]

    async def authorize(self, authorization_url: str) -> str:
        """The provider approves at once: the callback address it sends us back to."""
        answer = await self.provider.get(authorization_url)
        assert answer.status_code == 303, answer.text
        return answer.headers["location"]

    async def sign_in(self, next_: str = "/") -> httpx.Response:
        return await self.portal.get(await self.authorize(await self.start(next_)))


@asynccontextmanager
async def opened_browser(portal: ServiceHarness) -> AsyncIterator[Browser]:
    """A browser at an address of its own."""
    address = f"198.51.100.{next(_addresses) % 250 + 1}"
    transport = httpx.ASGITransport(app=portal.service.asgi, client=(address, 50000))
    async with (
        httpx.AsyncClient(transport=transport, base_url=PORTAL) as to_portal,
        httpx.AsyncClient() as to_provider,
    ):
        yield Browser(to_portal, to_provider)


@pytest.fixture
async def browser(portal: ServiceHarness) -> AsyncIterator[Browser]:
    async with opened_browser(portal) as opened:
        yield opened


def provider_name() -> str:
    return f"ivanova.{uuid.uuid4().hex[:6]}"


async def add_person(
    portal: ServiceHarness,
    identity: str,
    *grants: Grant,
    name: str = "Иванова-Ёлкина Мария Фёдоровна",
) -> str:
    """An account the operator made for a person of the provider, with no password of its own."""
    login = f"jury-{uuid.uuid4().hex[:8]}"
    async with portal.uows() as uow:
        await handlers.add_account(
            handlers.AddAccount(login, name, grants, unknown_password()), uow, operator="test"
        )
    async with portal.uows() as uow:
        await link_identity(LinkIdentity(login, identity), uow, operator="test")
    return login


def act_as(provider: OpenIdProvider, identity: str, **claims: Any) -> str:
    """Whoever opens the provider's authorization next is this person; their subject."""
    subject = str(uuid.uuid4())
    provider.person = {
        "sub": subject,
        "preferred_username": identity,
        "name": "Иванова-Ёлкина Мария Фёдоровна",
        **claims,
    }
    return subject


async def audit_of(portal: ServiceHarness, action: str) -> list[dict[str, Any]]:
    """The audit trail's entries of `action`: their payload, with the account as `object_id`."""
    async with portal.uows() as uow:
        rows = await uow.session.execute(
            sa.text("SELECT object_id, payload FROM audit_log WHERE action = :action ORDER BY seq"),
            {"action": action},
        )
        return [{**row.payload, "object_id": row.object_id} for row in rows]


async def test_the_sign_in_page_offers_the_provider_beside_the_password_form(
    browser: Browser,
) -> None:
    page = await browser.portal.get("/login", params={"next": "/marking"})
    assert page.status_code == 200
    assert "Войти через региональную службу входа" in page.text
    assert 'href="/login/oidc?next=/marking"' in page.text
    assert 'for="password">Пароль</label>' in page.text
    assert "Выйдите и из" not in page.text  # only after signing out


async def test_a_person_signs_in_through_the_provider_into_a_session_with_their_role(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    identity = provider_name()
    login = await add_person(portal, identity, JURY_MATH)
    subject = act_as(provider, identity)
    authorization = await browser.start(next_="/marking")
    request = parse_qs(urlsplit(authorization).query)
    assert authorization.startswith(f"{provider.issuer}/authorize?")
    assert request["code_challenge_method"] == ["S256"] and request["redirect_uri"] == [CALLBACK]
    assert request["scope"] == ["openid profile"] and request["client_id"] == [CLIENT_ID]
    assert len(request["state"][0]) >= 43 and len(request["nonce"][0]) >= 43
    state_cookie = browser.portal.cookies["olymp_portal_oidc_state"]
    assert state_cookie == request["state"][0]
    callback = await browser.authorize(authorization)
    signed = await browser.portal.get(callback)
    assert signed.status_code == 303, signed.text
    assert signed.headers["location"] == "/marking"
    cookie = next(
        value
        for value in signed.headers.get_list("set-cookie")
        if value.startswith("olymp_portal_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "olymp_portal_oidc_state" not in browser.portal.cookies  # used up
    assert len(provider.redeemed) >= 1 and provider.refusals == []
    home = await browser.portal.get("/")
    assert home.status_code == 200
    assert "Иванова-Ёлкина Мария Фёдоровна" in home.text
    assert "член жюри (предмет: math)" in home.text
    signed_in = [p for p in await audit_of(portal, "portal.signed_in") if p["object_id"] == login]
    assert [(p["method"], p["subject"]) for p in signed_in] == [("oidc", subject)]
    linked = [p for p in await audit_of(portal, "portal.oidc_linked") if p["object_id"] == login]
    assert [(p["subject"], p["identity"]) for p in linked] == [(subject, identity)]


async def test_the_subject_is_pinned_at_the_first_sign_in_a_reused_username_opens_nothing(
    portal: ServiceHarness, provider: OpenIdProvider
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    async with opened_browser(portal) as first:
        assert (await first.sign_in()).status_code == 303
    # the provider gives the same login to someone else (a new subject): the portal knows better
    act_as(provider, identity)
    async with opened_browser(portal) as second:
        refused = await second.sign_in()
    assert refused.status_code == 401
    assert f"вы — «{identity}», но учётной записи портала для вас нет" in refused.text
    assert "оператора системы" in refused.text


async def test_naming_the_person_anew_unpins_the_subject_and_ends_their_sessions(
    portal: ServiceHarness, provider: OpenIdProvider
) -> None:
    identity = provider_name()
    login = await add_person(portal, identity, JURY_MATH)
    first = act_as(provider, identity)
    async with opened_browser(portal) as browser:
        assert (await browser.sign_in()).status_code == 303
        async with portal.uows() as uow:  # the operator repeats the same name: nothing changes
            assert not await link_identity(LinkIdentity(login, identity), uow, operator="test")
        assert (await browser.portal.get("/")).status_code == 200
        renamed = provider_name()
        async with portal.uows() as uow:
            assert await link_identity(LinkIdentity(login, renamed), uow, operator="test")
        gone = await browser.portal.get("/")
        assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    provider.person = {"sub": first, "preferred_username": identity}
    async with opened_browser(portal) as browser:
        assert (await browser.sign_in()).status_code == 401  # the old name opens nothing now
    act_as(provider, renamed)
    async with opened_browser(portal) as browser:
        assert (await browser.sign_in()).status_code == 303


async def test_a_person_with_two_roles_picks_one_after_the_provider(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH, CHAIR_PHYSICS)
    act_as(provider, identity)
    signed = await browser.sign_in()
    assert signed.headers["location"] == "/role?next=/"
    chooser = await browser.portal.get("/role")
    assert "председатель жюри (предмет: physics)" in chooser.text
    forged = await browser.portal.post("/role", data={"grant": CHAIR_PHYSICS.key, "next": "/"})
    assert forged.status_code == 403  # the CSRF rules hold for these sessions too
    chosen = await browser.portal.post(
        "/role", data={"grant": CHAIR_PHYSICS.key, "next": "/", "csrf": csrf_of(chooser.text)}
    )
    assert chosen.status_code == 303
    assert "председатель жюри (предмет: physics)" in (await browser.portal.get("/")).text


async def test_a_callback_with_another_state_is_refused_and_signs_nobody_in(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    callback = await browser.authorize(await browser.start())
    forged = callback.replace("state=", "state=x")
    refused = await browser.portal.get(forged)
    assert refused.status_code == 401
    assert "state не совпал" in refused.text and "Начните вход заново" in refused.text
    assert "olymp_portal_session" not in browser.portal.cookies
    assert (await browser.portal.get("/")).status_code == 303  # still signed out
    reasons = [p["reason"] for p in await audit_of(portal, "portal.sign_in_refused")]
    assert "state" in reasons


async def test_a_callback_carried_to_another_browser_is_refused(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    """Someone's own callback, opened by a victim, must not sign the victim in as them."""
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    callback = await browser.authorize(await browser.start())
    async with opened_browser(portal) as victim:
        refused = await victim.portal.get(callback)
        assert refused.status_code == 401
        assert "не относится к входу, начатому в этом браузере" in refused.text
        assert "olymp_portal_session" not in victim.portal.cookies
    # a stranger holding the address cannot use it up: the browser that started still finishes
    assert (await browser.portal.get(callback)).status_code == 303


async def test_a_replayed_callback_is_refused(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    callback = await browser.authorize(await browser.start())
    state = parse_qs(urlsplit(callback).query)["state"][0]
    assert (await browser.portal.get(callback)).status_code == 303
    browser.portal.cookies.set("olymp_portal_oidc_state", state, path="/login/oidc")
    replayed = await browser.portal.get(callback)
    assert replayed.status_code == 401
    assert "уже использован или не был запрошен" in replayed.text


async def test_a_code_put_into_another_sign_in_fails_pkce_at_the_provider(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    """A stolen code, injected into the thief's own sign-in: the verifier is not the code's."""
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    stolen = await browser.authorize(await browser.start())  # the victim's callback, not used
    own = await browser.authorize(await browser.start())  # the thief's sign-in, the cookie's
    stolen_code = parse_qs(urlsplit(stolen).query)["code"][0]
    own_state = parse_qs(urlsplit(own).query)["state"][0]
    injected = await browser.portal.get(
        "/login/oidc/callback", params={"code": stolen_code, "state": own_state}
    )
    assert provider.refusals == ["code_verifier does not match the challenge"]
    assert injected.status_code == 401
    assert "Служба входа не приняла код подтверждения (invalid_grant" in injected.text
    assert "Начните вход заново" in injected.text
    assert "olymp_portal_session" not in browser.portal.cookies


async def test_a_code_used_once_is_refused_by_the_provider_the_second_time(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    first = await browser.authorize(await browser.start())
    assert (await browser.portal.get(first)).status_code == 303
    used_code = parse_qs(urlsplit(first).query)["code"][0]
    fresh = await browser.authorize(await browser.start())
    fresh_state = parse_qs(urlsplit(fresh).query)["state"][0]
    replayed = await browser.portal.get(
        "/login/oidc/callback", params={"code": used_code, "state": fresh_state}
    )
    assert provider.refusals == ["code already used"]
    assert replayed.status_code == 401
    assert "не приняла код подтверждения (invalid_grant: code already used)" in replayed.text


@pytest.mark.parametrize(
    ("misbehaviour", "says"),
    [
        ({"signing": "unpublished-key-same-kid"}, "Подпись подтверждения входа не прошла"),
        ({"signing": "unpublished-key"}, "Подпись подтверждения входа не прошла"),
        ({"id_token_changes": {"nonce": "подменённый"}}, "nonce не совпал"),
        ({"id_token_changes": {"aud": "another-client"}}, "не для портала"),
        ({"id_token_changes": {"iss": "https://evil.example"}}, "не той службой входа"),
        ({"id_token_changes": {"exp": 1_700_000_000}}, "Подтверждение службы входа устарело"),
    ],
    ids=["other-key-same-kid", "unknown-key", "nonce", "audience", "issuer", "expired"],
)
async def test_an_id_token_that_does_not_hold_is_refused(
    portal: ServiceHarness,
    provider: OpenIdProvider,
    browser: Browser,
    misbehaviour: dict[str, Any],
    says: str,
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    for name, value in misbehaviour.items():
        setattr(provider, name, value)
    refused = await browser.sign_in()
    assert refused.status_code == 401, refused.text
    assert says in refused.text
    assert "olymp_portal_session" not in browser.portal.cookies
    assert provider.refusals == []  # the provider gave the token: the portal refused it


async def test_an_unknown_person_is_told_whom_to_ask(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    act_as(provider, "nobody.here")
    refused = await browser.sign_in()
    assert refused.status_code == 401
    assert "вы — «nobody.here», но учётной записи портала для вас нет" in refused.text
    assert "Попросите оператора системы" in refused.text
    assert "--oidc-subject" in refused.text
    assert "Войти через региональную службу входа" in refused.text  # the page offers to retry
    refusals = await audit_of(portal, "portal.sign_in_refused")
    assert any(p["reason"] == "unknown-person" for p in refusals)


async def test_the_provider_denying_the_sign_in_is_said_so(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    provider.deny = True
    refused = await browser.sign_in()
    assert refused.status_code == 401
    assert "Вход отменён в службе входа" in refused.text


async def test_an_authorization_left_too_long_is_refused(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser, clock: ManualClock
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    callback = await browser.authorize(await browser.start())
    clock.advance(dt.timedelta(minutes=11))
    refused = await browser.portal.get(callback)
    assert refused.status_code == 401
    assert "Вход не был завершён за 10 мин" in refused.text


async def test_sign_out_ends_the_session_and_offers_to_leave_the_provider_too(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    await browser.sign_in()
    home = await browser.portal.get("/")
    cookie = browser.portal.cookies["olymp_portal_session"]
    assert (await browser.portal.post("/logout")).status_code == 403  # no CSRF token
    out = await browser.portal.post("/logout", data={"csrf": csrf_of(home.text)})
    assert out.status_code == 303
    page = await browser.portal.get(out.headers["location"])
    assert "Вы вышли из портала." in page.text
    assert 'href="/login/oidc/logout"' in page.text
    leaving = await browser.portal.get("/login/oidc/logout")
    assert leaving.status_code == 303
    target = urlsplit(leaving.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/logout"
    assert parse_qs(target.query) == {
        "client_id": [CLIENT_ID],
        "post_logout_redirect_uri": [f"{PORTAL}/login"],
    }
    logouts = provider.logouts
    back = await browser.provider.get(leaving.headers["location"])
    assert back.headers["location"] == f"{PORTAL}/login" and provider.logouts == logouts + 1
    async with opened_browser(portal) as thief:
        thief.portal.cookies.set("olymp_portal_session", cookie)
        again = await thief.portal.get("/")
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


async def test_an_oidc_session_ends_after_an_idle_hour_like_any_other(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser, clock: ManualClock
) -> None:
    identity = provider_name()
    await add_person(portal, identity, JURY_MATH)
    act_as(provider, identity)
    await browser.sign_in()
    assert (await browser.portal.get("/")).status_code == 200
    clock.advance(dt.timedelta(minutes=61))
    gone = await browser.portal.get("/")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")


async def test_refused_callbacks_make_the_address_wait(
    portal: ServiceHarness, provider: OpenIdProvider, browser: Browser
) -> None:
    for _ in range(FAILURES_PER_ADDRESS):
        forged = await browser.portal.get("/login/oidc/callback?code=x&state=guessed")
        assert forged.status_code == 401
    waiting = await browser.portal.get("/login/oidc")
    assert waiting.status_code == 429
    assert "Повторите через 15 мин" in waiting.text
    async with opened_browser(portal) as elsewhere:  # another address is not held up
        assert (await elsewhere.portal.get("/login/oidc")).status_code == 303


async def test_an_email_names_a_person_only_when_the_provider_verified_it(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock, provider: OpenIdProvider
) -> None:
    workdir = tmp_path_factory.mktemp("portal-oidc-email")
    async with running_service(
        "portal",
        workdir,
        clock=clock,
        auth_local_private_key_file=workdir / "keys" / "auth.pem",
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_identity_claim="email",
        oidc_redirect_url=CALLBACK,
        password_sign_in=False,
    ) as email_portal:
        address = "sokolova-ivanova@school12.example"
        await add_person(email_portal, address, JURY_MATH, name="Соколова-Иванова Алёна Ильинична")
        async with opened_browser(email_portal) as browser:
            page = await browser.portal.get("/login")
            assert "Войти через службу входа" in page.text
            assert 'name="password"' not in page.text  # only the provider in this installation
            act_as(provider, "sokolova", email=address, email_verified=False)
            refused = await browser.sign_in()
            assert refused.status_code == 401
            assert f"Адрес {address} не подтверждён в службе входа" in refused.text
            act_as(provider, "sokolova", email=address, email_verified=True)
            assert (await browser.sign_in()).status_code == 303
            assert "Соколова-Иванова Алёна Ильинична" in (await browser.portal.get("/")).text
            await browser.portal.get("/login")
            csrf = browser.portal.cookies["olymp_portal_login_csrf"]  # no form shows it here
            by_password = await browser.portal.post(
                "/login", data={"login": "x", "password": "y" * 12, "csrf": csrf, "next": "/"}
            )
            assert by_password.status_code == 401
            assert "Вход по паролю в этой установке отключён" in by_password.text


async def test_a_provider_that_does_not_answer_is_a_page_saying_so(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> None:
    workdir = tmp_path_factory.mktemp("portal-oidc-down")
    down = running_service(
        "portal",
        workdir,
        clock=clock,
        auth_local_private_key_file=workdir / "keys" / "auth.pem",
        oidc_issuer="http://127.0.0.1:9",  # discard: nothing answers there
        oidc_client_id=CLIENT_ID,
    )
    async with down as harness, opened_browser(harness) as browser:
        page = await browser.portal.get("/login/oidc")
    assert page.status_code == 503
    assert "Служба входа не отвечает" in page.text
    assert "по логину и паролю" in page.text


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    """A portal database of the test's own for `olymp user`, dropped afterwards."""
    found = f"olymp_test_oidc_users_{uuid.uuid4().hex[:8]}_"
    yield found
    await drop_database(f"{POSTGRES}{found}portal")


async def test_an_operator_names_a_persons_provider_identity_without_a_password(
    prefix: str,
) -> None:
    added = olymp(
        "user", "add", "Kuzmina", "--name", "Кузьмина Ольга Петровна", "--role", "jury_member",
        "--scope", "subject=math", "--oidc-subject", "kuzmina.op", "--no-password",
        "--database-prefix", prefix,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Учётная запись kuzmina создана: член жюри (предмет: math)" in added.stdout
    assert "Вход только через службу входа: «kuzmina.op»." in added.stdout
    account = await stored(prefix, "kuzmina")
    # no password anyone knows opens it: not an empty one, not the name, not the identity
    for guess in ("", "kuzmina", "kuzmina.op", "Кузьмина Ольга Петровна"):
        assert not password_matches(account.password_hash, guess)
    listed = olymp("user", "list", "--database-prefix", prefix)
    assert "[служба входа: «kuzmina.op», ещё не входил]" in listed.stdout
    taken = olymp(
        "user", "add", "petrova", "--name", "Петрова Анна Сергеевна", "--role", "jury_member",
        "--scope", "subject=math", "--oidc-subject", "kuzmina.op", "--no-password", "--database-prefix", prefix,
    )  # fmt: skip
    assert taken.returncode != 0
    assert "«kuzmina.op» в службе входа уже привязан к учётной записи kuzmina" in taken.stderr
    assert "petrova" not in olymp("user", "list", "--database-prefix", prefix).stdout
    nobody = olymp(
        "user", "add", "sokolov", "--name", "Соколов Илья Ёлкин", "--role", "jury_member",
        "--scope", "subject=math", "--no-password", "--database-prefix", prefix,
    )  # fmt: skip
    assert nobody.returncode != 0
    assert "Без пароля войти можно только через службу входа" in nobody.stderr
