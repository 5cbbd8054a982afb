"""The portal running in-process against its own database, with a clock the tests move."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser

from olymp_core.auth import Role, ScopeKind
from olymp_core.clock import ManualClock
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_portal import handlers
from olymp_portal.domain import Grant
from tests.support.browser import chromium

START = dt.datetime(2026, 11, 20, 7, 30, tzinfo=dt.UTC)
PASSWORD = "ёлка-зелёная-2026"


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture(scope="module")
async def portal(
    tmp_path_factory: pytest.TempPathFactory, clock: ManualClock
) -> AsyncIterator[ServiceHarness]:
    workdir = tmp_path_factory.mktemp("portal")
    async with running_service(
        "portal", workdir, clock=clock, auth_local_private_key_file=workdir / "keys" / "auth.pem"
    ) as harness:
        yield harness


async def add_account(
    portal: ServiceHarness, login: str, *grants: Grant, name: str = "Ёлкина Алёна Фёдоровна"
) -> None:
    async with portal.uows() as uow:
        await handlers.add_account(
            handlers.AddAccount(login, name, grants, PASSWORD), uow, operator="test"
        )


def client_of(portal: ServiceHarness) -> httpx.AsyncClient:
    """A browser of its own: its own cookies, following no redirects."""
    transport = httpx.ASGITransport(app=portal.service.asgi, client=("192.0.2.10", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://portal.test")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def sign_in(
    browser: httpx.AsyncClient, login: str, password: str = PASSWORD
) -> httpx.Response:
    form = await browser.get("/login")
    return await browser.post(
        "/login",
        data={"login": login, "password": password, "csrf": csrf_of(form.text), "next": "/"},
    )


JURY_MATH = Grant(Role.JURY_MEMBER, {ScopeKind.SUBJECT: frozenset({"math"})})
CHAIR_PHYSICS = Grant(Role.JURY_CHAIR, {ScopeKind.SUBJECT: frozenset({"physics"})})
CODING = Grant(Role.CODING_OFFICER)
# the municipal organiser of the tests that are not about municipalities: every municipality
ORGANISER_ANYWHERE = Grant(Role.MUNICIPAL_COORDINATOR, {ScopeKind.MUNICIPALITY: frozenset({"*"})})


@pytest_asyncio.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium for a browser test module (`tests.support.browser`)."""
    async with chromium() as launched:
        yield launched
