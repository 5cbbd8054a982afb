"""Sign-in, roles, CSRF, sessions and the pages' security headers (HTML over httpx)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from olymp_core.clock import ManualClock
from olymp_core.testing.service import ServiceHarness
from olymp_portal.pages import STATIC
from tests.integration.portal.conftest import (
    CHAIR_PHYSICS,
    CODING,
    JURY_MATH,
    PASSWORD,
    add_account,
    client_of,
    csrf_of,
    sign_in,
)


def login_of() -> str:
    return f"jury-{uuid.uuid4().hex[:8]}"


async def test_the_sign_in_page_is_russian_with_a_csrf_token_and_a_strict_csp(
    portal: ServiceHarness,
) -> None:
    async with client_of(portal) as browser:
        page = await browser.get("/login")
    assert page.status_code == 200
    assert '<html lang="ru">' in page.text
    assert 'for="login">Логин</label>' in page.text and 'for="password">Пароль</label>' in page.text
    assert csrf_of(page.text) == page.cookies["olymp_portal_login_csrf"]
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"


async def test_a_sign_in_without_the_forms_token_is_refused(portal: ServiceHarness) -> None:
    login = login_of()
    await add_account(portal, login, JURY_MATH)
    async with client_of(portal) as browser:
        await browser.get("/login")
        refused = await browser.post("/login", data={"login": login, "password": PASSWORD})
    assert refused.status_code == 403
    assert "обновите её (F5)" in refused.text
    assert "olymp_portal_session" not in refused.cookies


async def test_one_role_signs_in_straight_to_the_start_page_with_an_httponly_cookie(
    portal: ServiceHarness,
) -> None:
    login = login_of()
    await add_account(portal, login, JURY_MATH)
    async with client_of(portal) as browser:
        signed = await sign_in(browser, login.upper())  # logins are not case-sensitive
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        home = await browser.get("/")
    assert home.status_code == 200
    assert "Ёлкина Алёна Фёдоровна" in home.text
    assert "член жюри (предмет: math)" in home.text
    assert 'href="/marking"' in home.text


async def test_a_wrong_password_keeps_the_login_never_the_password(portal: ServiceHarness) -> None:
    login = login_of()
    await add_account(portal, login, JURY_MATH)
    async with client_of(portal) as browser:
        refused = await sign_in(browser, login, "неверный-пароль-123")
    assert refused.status_code == 401
    assert "Неверный логин или пароль" in refused.text
    assert f'value="{login}"' in refused.text
    assert "неверный-пароль-123" not in refused.text


async def test_after_five_failures_the_login_waits_even_with_the_right_password(
    portal: ServiceHarness, clock: ManualClock
) -> None:
    login = login_of()
    await add_account(portal, login, JURY_MATH)
    async with client_of(portal) as browser:
        for _ in range(5):
            assert (await sign_in(browser, login, "угадываю-пароль")).status_code == 401
        waiting = await sign_in(browser, login)
        assert waiting.status_code == 429
        assert "Повторите через 15 мин" in waiting.text
        clock.advance(dt.timedelta(minutes=15))
        assert (await sign_in(browser, login)).status_code == 303


async def test_an_unknown_login_is_refused_like_a_wrong_password(portal: ServiceHarness) -> None:
    async with client_of(portal) as browser:
        refused = await sign_in(browser, "nobody-here")
    assert refused.status_code == 401
    assert "Неверный логин или пароль" in refused.text


async def test_a_person_with_two_roles_picks_one_and_the_choice_needs_the_csrf_token(
    portal: ServiceHarness,
) -> None:
    login = login_of()
    await add_account(portal, login, JURY_MATH, CHAIR_PHYSICS)
    async with client_of(portal) as browser:
        signed = await sign_in(browser, login)
        assert signed.headers["location"] == "/role?next=/"
        assert (await browser.get("/")).headers["location"].startswith("/role")
        chooser = await browser.get("/role")
        assert "председатель жюри (предмет: physics)" in chooser.text
        forged = await browser.post("/role", data={"grant": CHAIR_PHYSICS.key, "next": "/"})
        assert forged.status_code == 403
        # a forged token of letters outside ASCII is refused the same way, not with an error
        cyrillic = await browser.post(
            "/role", data={"grant": CHAIR_PHYSICS.key, "next": "/", "csrf": "ёлка-подделка"}
        )
        assert cyrillic.status_code == 403
        chosen = await browser.post(
            "/role", data={"grant": CHAIR_PHYSICS.key, "next": "/", "csrf": csrf_of(chooser.text)}
        )
        assert chosen.status_code == 303
        home = await browser.get("/")
    assert "председатель жюри (предмет: physics)" in home.text
    assert 'href="/chair"' in home.text
    assert "Сменить роль" in home.text


async def test_a_page_of_another_role_says_which_roles_it_is_for(portal: ServiceHarness) -> None:
    login = login_of()
    await add_account(portal, login, CODING)
    async with client_of(portal) as browser:
        await sign_in(browser, login)
        refused = await browser.get("/marking")
    assert refused.status_code == 403
    assert "член жюри" in refused.text and "председатель жюри" in refused.text


async def test_sign_out_ends_the_session_for_good(portal: ServiceHarness) -> None:
    login = login_of()
    await add_account(portal, login, JURY_MATH)
    async with client_of(portal) as browser:
        await sign_in(browser, login)
        home = await browser.get("/")
        cookie = browser.cookies["olymp_portal_session"]
        out = await browser.post("/logout", data={"csrf": csrf_of(home.text)})
        assert out.status_code == 303
    async with client_of(portal) as thief:
        thief.cookies.set("olymp_portal_session", cookie)
        again = await thief.get("/")
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


async def test_an_idle_session_ends_and_sign_in_brings_the_person_back(
    portal: ServiceHarness, clock: ManualClock
) -> None:
    login = login_of()
    await add_account(portal, login, JURY_MATH)
    async with client_of(portal) as browser:
        await sign_in(browser, login)
        clock.advance(dt.timedelta(minutes=61))
        gone = await browser.get("/marking?x=1")
        assert gone.status_code == 303
        location = gone.headers["location"]
        assert location.startswith("/login?next=/marking%3Fx%3D1")
        form = await browser.get(location)
        assert "долгого перерыва" in form.text
        assert 'name="next" value="/marking?x=1"' in form.text


async def test_a_next_address_outside_the_portal_is_not_followed(portal: ServiceHarness) -> None:
    login = login_of()
    await add_account(portal, login, JURY_MATH)
    async with client_of(portal) as browser:
        form = await browser.get("/login")
        signed = await browser.post(
            "/login",
            data={
                "login": login,
                "password": PASSWORD,
                "csrf": csrf_of(form.text),
                "next": "//evil.example/steal",
            },
        )
    assert signed.headers["location"] == "/"


async def test_htmx_requests_get_a_redirect_header_not_a_redirect(portal: ServiceHarness) -> None:
    async with client_of(portal) as browser:
        answer = await browser.get(
            "/marking",
            headers={"HX-Request": "true", "HX-Current-URL": "http://portal.test/marking"},
        )
    assert answer.status_code == 204
    assert answer.headers["hx-redirect"].startswith("/login?next=/marking")


async def test_vendored_files_are_the_recorded_ones_and_nothing_else_is_served(
    portal: ServiceHarness,
) -> None:
    recorded = json.loads((STATIC / "vendor" / "VENDORED.json").read_text())
    async with client_of(portal) as browser:
        for entry in recorded.values():
            served = await browser.get(f"/static/vendor/{entry['file']}")
            assert served.status_code == 200
            assert hashlib.sha256(served.content).hexdigest() == entry["sha256"]
            assert served.headers["content-type"].startswith("text/javascript")
        for probe in ("../settings.py", "..%2Fsettings.py", "vendor/../../api.py", "nothing.js"):
            assert (await browser.get(f"/static/{probe}")).status_code == 404
