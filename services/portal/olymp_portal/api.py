"""The portal's own pages: sign-in, the choice of role, sign-out, the start page, static files.

Sign-in through an OpenID Connect provider has its routes in `oidc/api.py`; it ends the same
way as a password does, in `session_started`.

The olympiad's screens live in their sub-features (`marking/`, `chair/`, `coding/`); each page
calls the services with the person's token and shows their answers.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

from olymp_core.auth import Role, authorize
from olymp_core.dependencies import Uow, context_of
from olymp_core.errors import ErrorMap
from olymp_portal import handlers
from olymp_portal.clients import Refused, Unavailable
from olymp_portal.domain.errors import (
    CsrfRefused,
    InvalidAccount,
    PortalError,
    RoleNeeded,
    SignInNeeded,
    SignInRefused,
    TooManyAttempts,
    WrongRole,
)
from olymp_portal.domain.throttle import LoginThrottle
from olymp_portal.pages import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    STATIC,
    Page,
    Settings,
    VisitorDep,
    check_login_csrf,
    login_csrf,
    redirect,
    render,
    safe_next,
    session_policy,
    set_login_csrf,
    templates,
)
from olymp_portal.settings import PortalSettings

# Pages admit anyone at the HTTP level: the session (not a bearer token) decides, in `Page`.
router = APIRouter(dependencies=[Depends(authorize(Role.PUBLIC))], include_in_schema=False)

ERRORS: ErrorMap = {
    PortalError: 400,
    SignInRefused: 401,
    SignInNeeded: 401,
    TooManyAttempts: 429,
    RoleNeeded: 409,
    WrongRole: 403,
    CsrfRefused: 403,
    InvalidAccount: 422,
    Refused: 409,
    Unavailable: 503,
}


@dataclass(frozen=True)
class SignInChoices:
    """What the sign-in page offers: the password form, the OIDC provider, or both."""

    password: bool
    provider: str | None  # «Войти через …», when OIDC is on


def sign_in_choices(request: Request) -> SignInChoices:
    """Read from the application's settings, so a refused sign-in's page offers the same."""
    settings = context_of(request, PortalSettings)
    return SignInChoices(
        password=settings.password_sign_in,
        provider=settings.oidc_display_name if settings.oidc_enabled else None,
    )


templates.globals["sign_in_choices"] = sign_in_choices


def session_started(
    request: Request, signed: handlers.SignedIn, settings: PortalSettings, target: str
) -> Response:
    """The way into the portal after any sign-in: the session cookie, then the role or the page."""
    if signed.grant is None:
        target = f"/role?next={target}"
    response = redirect(request, target)
    response.set_cookie(
        SESSION_COOKIE,
        signed.cookie,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
async def login_form(
    request: Request,
    next_: Annotated[str | None, Query(alias="next")] = None,
    why: str | None = None,
    out: bool = False,
) -> Response:
    token = login_csrf(request)
    response = render(
        request,
        "login.html",
        next=safe_next(next_),
        why=why,
        signed_out=out,
        csrf=token,
        login="",
    )
    set_login_csrf(response, token, request)
    return response


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(check_login_csrf)])
async def login(
    request: Request,
    uow: Uow,
    settings: Settings,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    if not settings.password_sign_in:
        raise SignInRefused(
            "Вход по паролю в этой установке отключён: войдите через "
            f"{settings.oidc_display_name}.",
            next_=safe_next(next_),
        )
    window = dt.timedelta(minutes=settings.login_window_minutes)
    address = request.client.host if request.client else "-"
    signed = await handlers.sign_in(
        handlers.SignIn(login, password, address, safe_next(next_)),
        uow,
        throttle=LoginThrottle(settings.login_max_failures, window),
        address_throttle=LoginThrottle(settings.login_max_failures_per_address, window),
    )
    response = session_started(request, signed, settings, safe_next(next_))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, who: VisitorDep, uow: Uow) -> Response:
    await handlers.sign_out(uow, who)
    # out=1: the sign-in page then offers to sign out of the OIDC provider too (a shared computer)
    response = redirect(request, "/login?why=" + "Вы вышли из портала." + "&out=1")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/role", response_class=HTMLResponse)
async def role_form(
    request: Request, who: VisitorDep, next_: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    return render(
        request,
        "role.html",
        me=who.account,
        grant=who.grant,
        csrf=who.csrf,
        next=safe_next(next_),
        several_roles=True,
    )


@router.post("/role")
async def choose_role(
    request: Request,
    who: VisitorDep,
    uow: Uow,
    grant: Annotated[str, Form()] = "",
    next_: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    await handlers.choose_role(handlers.ChooseRole(grant), uow, who)
    return redirect(request, safe_next(next_))


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, page: Page, settings: Settings) -> Response:
    if page.role is Role.PARTICIPANT:
        return redirect(request, "/participant")
    policy = session_policy(settings)
    return render(
        request, "home.html", **page.values(), expires_at=page.visitor.expires_at, policy=policy
    )


@router.get("/static/{path:path}")
async def static(path: str) -> Response:
    """The portal's own files (styles, scripts, vendored libraries); never anything else."""
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts:
        return Response(status_code=404)
    file = STATIC / relative
    if not file.is_file():
        return Response(status_code=404)
    media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if file.suffix == ".js":
        media_type = "text/javascript"
    # addresses carry ?v=<hash of the files>: a release changes the address, so cache for long
    return Response(
        file.read_bytes(),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@router.get("/scans/{olympiad_id}/{page_id}")
async def scan_image(
    page: Page,
    olympiad_id: uuid.UUID,
    page_id: uuid.UUID,
    expires: int,
    to: Annotated[str, Query(max_length=200)],
    sig: Annotated[str, Query(max_length=64)],
) -> Response:
    """A page's image through coding's link signed for this person (and only for them)."""
    if to != page.visitor.account.login:
        raise WrongRole("Ссылка на страницу выдана другому члену жюри: откройте работу заново.")
    response = await page.caller.call(
        "coding",
        "GET",
        f"/olympiads/{olympiad_id}/pages/{page_id}",
        params={"expires": expires, "to": to, "sig": sig},
    )
    return Response(
        response.content,
        media_type=response.headers.get("content-type", "application/octet-stream"),
        headers={"Cache-Control": "private, no-store"},
    )
