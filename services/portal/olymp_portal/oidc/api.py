"""Routes of the sign-in through the OIDC provider (pages; their refusals are sign-in pages).

«Войти через …» is a link (GET), not a form: the page's Content-Security-Policy lets forms post
only to the portal, and browsers hold a form's redirect to the provider to that rule too.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from olymp_core.auth import Role, authorize
from olymp_core.dependencies import Uow, context
from olymp_portal.api import session_started
from olymp_portal.domain import LoginThrottle
from olymp_portal.oidc import handlers
from olymp_portal.oidc.clients import OidcProvider
from olymp_portal.oidc.domain import PENDING_FOR
from olymp_portal.pages import Settings, safe_next
from olymp_portal.settings import PortalSettings

router = APIRouter(dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False)

Provider = Annotated[OidcProvider, Depends(context(OidcProvider))]
# the state of the sign-in under way, for the callback only; Lax, since the provider's redirect
# back is a navigation from another site (Strict would leave the cookie behind)
STATE_COOKIE = "olymp_portal_oidc_state"
STATE_COOKIE_PATH = "/login/oidc"
CALLBACK_PATH = "/login/oidc/callback"
# a provider's code or state is some hundreds of characters; nothing honest is longer
LONGEST_VALUE = 4096


def redirect_url(request: Request, settings: PortalSettings) -> str:
    """The callback as registered at the provider: the setting, or this portal's own address."""
    if settings.oidc_redirect_url:
        return settings.oidc_redirect_url
    return str(request.base_url).rstrip("/") + CALLBACK_PATH


def address_of(request: Request) -> str:
    return request.client.host if request.client else "-"


def address_throttle(settings: PortalSettings) -> LoginThrottle:
    return LoginThrottle(
        settings.login_max_failures_per_address,
        dt.timedelta(minutes=settings.login_window_minutes),
    )


@router.get("/login/oidc")
async def start(
    request: Request,
    uow: Uow,
    settings: Settings,
    provider: Provider,
    next_: Annotated[str | None, Query(alias="next", max_length=LONGEST_VALUE)] = None,
) -> Response:
    started = await handlers.start_sign_in(
        handlers.StartSignIn(
            address_of(request), safe_next(next_), redirect_url(request, settings)
        ),
        uow,
        provider,
        address_throttle=address_throttle(settings),
    )
    response = RedirectResponse(started.authorization_url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        started.state,
        max_age=int(PENDING_FOR.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path=STATE_COOKIE_PATH,
    )
    return response


@router.get(CALLBACK_PATH)
async def callback(
    request: Request,
    uow: Uow,
    settings: Settings,
    provider: Provider,
    state: Annotated[str, Query(max_length=LONGEST_VALUE)] = "",
    code: Annotated[str | None, Query(max_length=LONGEST_VALUE)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
    error_description: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    finished = await handlers.finish_sign_in(
        handlers.FinishSignIn(
            state=state,
            browser_state=request.cookies.get(STATE_COOKIE),
            code=code,
            error=error,
            error_description=error_description,
            address=address_of(request),
        ),
        uow,
        provider,
        address_throttle=address_throttle(settings),
    )
    response = session_started(request, finished.signed, settings, safe_next(finished.next))
    response.delete_cookie(STATE_COOKIE, path=STATE_COOKIE_PATH)
    return response


@router.get("/login/oidc/logout")
async def provider_logout(request: Request, settings: Settings, provider: Provider) -> Response:
    """Out of the provider too (its own sign-in would let the next person at this computer in)."""
    back = redirect_url(request, settings)
    if back.endswith(CALLBACK_PATH):
        back = back.removesuffix(CALLBACK_PATH) + "/login"
    else:
        parts = urlsplit(back)
        back = f"{parts.scheme}://{parts.netloc}/login"
    url = await provider.logout_url(back) if provider.enabled else None
    if url is None:
        return RedirectResponse(
            "/login?why=Служба входа не поддерживает выход по ссылке: закройте браузер "
            "целиком, чтобы следующий за этим компьютером не вошёл под вашим именем.",
            status_code=303,
        )
    return RedirectResponse(url, status_code=303)
