"""What every page shares: templates, the person at the screen, CSRF, security headers, errors.

- `Page` (a dependency) is the signed-in person with a `Caller` for the services in their chosen
  role; without a session the person is sent to sign in and brought back to the page asked for.
- Every write carries the session's CSRF token (a form field `csrf`, or the `X-CSRF-Token` header
  htmx sends from the page's `hx-headers`); a write without it is refused before anything runs.
- Every answer carries a strict Content-Security-Policy: scripts and styles only from the portal's
  own files (vendored, see static/vendor/VENDORED.json), no inline script, no frames.
- A refusal of a service is shown on the page it concerns, next to what was typed (the routes
  catch `Refused` there); anything else becomes a page that says what happened and what to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from olymp_core.auth import Role
from olymp_core.dependencies import Uow, context
from olymp_core.errors import DomainError
from olymp_core.subjects import subject
from olymp_portal import handlers
from olymp_portal.clients import Backends, Caller, Refused, Unavailable
from olymp_portal.domain import Grant, SessionPolicy
from olymp_portal.domain.errors import (
    CodeRefused,
    CsrfRefused,
    RoleNeeded,
    SignInNeeded,
    SignInRefused,
    TooManyAttempts,
    TooManyCodes,
    WrongRole,
)
from olymp_portal.settings import PortalSettings

PACKAGE = Path(__file__).parent
STATIC = PACKAGE / "static"
SESSION_COOKIE = "olymp_portal_session"
LOGIN_CSRF_COOKIE = "olymp_portal_login_csrf"
CSRF_HEADER = "x-csrf-token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        # room video plays from the portal's own address (observer/watching.py relays it)
        "media-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def _static_version() -> str:
    """One hash of every static file: `?v=` in their addresses, so a new release is fetched anew."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


templates = Environment(
    loader=FileSystemLoader(PACKAGE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    enable_async=False,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.globals["static_version"] = _static_version()


def subject_name(code: str) -> str:
    """«Математика» for math; a code the suite does not know stays as it is."""
    try:
        return subject(code).name
    except Exception:  # an unknown code is shown, never a failed page
        return code


def points(value: Decimal | str) -> str:
    """Points as the protocols write them: «3,5», «10» (no trailing zeros, a decimal comma)."""
    number = Decimal(value).normalize()
    text = f"{number:f}" if number != number.to_integral() else str(int(number))
    return text.replace(".", ",")


templates.filters["subject_name"] = subject_name
templates.filters["points"] = points
templates.globals["Role"] = Role


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    html = templates.get_template(template).render(request=request, **values)
    return HTMLResponse(html, status_code=status, headers=headers)


def redirect(request: Request, url: str) -> Response:
    """A redirect that htmx follows too (a plain 303 would be swapped into the page)."""
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


class SecurityHeaders:
    """The CSP and friends on every answer of the portal, pages and refusals alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


Settings = Annotated[PortalSettings, Depends(context(PortalSettings))]
BackendsDep = Annotated[Backends, Depends(context(Backends))]


def session_policy(settings: PortalSettings) -> SessionPolicy:
    return SessionPolicy(
        idle=dt.timedelta(minutes=settings.session_idle_minutes),
        lifetime=dt.timedelta(hours=settings.session_max_hours),
    )


async def _visitor(request: Request, uow: Uow, settings: Settings) -> handlers.Visitor:
    who = await handlers.visitor(request.cookies.get(SESSION_COOKIE), uow, session_policy(settings))
    if request.method in WRITE_METHODS:
        await _check_csrf(request, who.csrf)
    return who


async def _check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # cached by Starlette: the route's Form() reads it again
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    # bytes: compare_digest refuses str with characters outside ASCII (a forged token may have them)
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused(
            "Форма устарела или открыта в другом сеансе: обновите страницу (F5) и повторите. "
            "Введённые на экране проверки баллы сохранены в этом браузере."
        )


VisitorDep = Annotated[handlers.Visitor, Depends(_visitor)]


@dataclass(frozen=True)
class PageContext:
    """The person at the screen, in their role, and their calls to the services."""

    visitor: handlers.Visitor
    caller: Caller

    @property
    def grant(self) -> Grant:
        return self.caller.grant

    @property
    def role(self) -> Role:
        return self.caller.grant.role

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            admitted = ", ".join(role.label for role in roles)
            raise WrongRole(
                f"Эта страница — для ролей: {admitted}. Вы работаете как «{self.grant.label}»: "
                "смените роль в верхней строке, если вам выдана нужная."
            )

    def values(self) -> dict[str, Any]:
        """What the page layout shows of the person (header, CSRF token for htmx)."""
        return {
            "me": self.visitor.account,
            "grant": self.grant,
            "csrf": self.visitor.csrf,
            "several_roles": len(self.visitor.account.grants) > 1,
        }


async def _page(who: VisitorDep, backends: BackendsDep) -> PageContext:
    grant = who.role  # RoleNeeded when none is chosen yet
    return PageContext(who, backends.caller(who.account.login, who.account.name, grant))


Page = Annotated[PageContext, Depends(_page)]


async def _names(uow: Uow) -> dict[str, str]:
    return await handlers.names(uow)


# people's full names by login, for pages that list jury members (the services know logins)
Names = Annotated[dict[str, str], Depends(_names)]


def login_csrf(request: Request) -> str:
    """The sign-in form's own CSRF token (no session yet): a cookie the form must echo."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


async def check_login_csrf(request: Request, sent: Annotated[str, Form(alias="csrf")] = "") -> None:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfRefused(
            "Страница входа устарела: обновите её (F5) и войдите снова. Если повторяется — "
            "разрешите этому сайту сохранять файлы cookie."
        )


def safe_next(target: str | None) -> str:
    """Only a path of this portal: never an address elsewhere (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def set_login_csrf(response: Response, token: str, request: Request) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/login",
    )


def install_page_errors(app: FastAPI) -> None:
    """Refusals of pages as pages (the services' error map stays for problem+json)."""

    async def sign_in_needed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInNeeded)
        target = request.url.path
        if request.method != "GET" or request.headers.get("hx-request") == "true":
            target = request.headers.get("hx-current-url", "/") or "/"
            if "://" in target:
                target = "/" + target.split("://", 1)[1].split("/", 1)[-1]
        elif request.url.query:
            target += "?" + request.url.query
        response = redirect(request, f"/login?next={quote(target)}&why={quote(exc.detail)}")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def role_needed(request: Request, exc: Exception) -> Response:
        return redirect(request, f"/role?next={quote(request.url.path)}")

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        status = 503 if isinstance(exc, Unavailable) else 403
        if isinstance(exc, Refused):
            status = exc.status
        elif isinstance(exc, CsrfRefused):
            status = 403
        return render(
            request,
            "error.html",
            status=status,
            title=exc.title,
            detail=exc.detail,
            back=request.headers.get("referer") or "/",
        )

    async def sign_in_refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRefused)
        token = login_csrf(request)
        # the login stays typed; the password never comes back into a page
        response = render(
            request,
            "login.html",
            status=429 if isinstance(exc, TooManyAttempts) else 401,
            next=safe_next(exc.next),
            error=exc.detail,
            csrf=token,
            login=exc.login,
        )
        set_login_csrf(response, token, request)
        return response

    async def code_refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CodeRefused)
        token = login_csrf(request)
        # the code is a secret: never typed back into a page
        response = render(
            request,
            "participant/login.html",
            status=429 if isinstance(exc, TooManyCodes) else 401,
            error=exc.detail,
            csrf=token,
        )
        set_login_csrf(response, token, request)
        return response

    app.add_exception_handler(CodeRefused, code_refused)
    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(SignInRefused, sign_in_refused)
    app.add_exception_handler(RoleNeeded, role_needed)
    for refusal in (Refused, Unavailable, CsrfRefused, WrongRole):
        app.add_exception_handler(refusal, refused)
