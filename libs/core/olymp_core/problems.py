"""Errors for people, as RFC 9457 problem details (application/problem+json).

Raise `Problem` (or a subclass) anywhere in a request; `install_problem_handlers` renders it. `detail`
says what was wrong and what to do; it is what an official reads, so services write it in Russian.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://olymp.example/problems/"
# PostgreSQL refuses a NUL character in text (22021) and the \u0000 escape in jsonb (22P05): every
# free-text field of every service, caught once here rather than validated field by field
NUL_REFUSED_SQLSTATES = frozenset({"22021", "22P05"})


class Problem(Exception):
    """An error with an RFC 9457 shape. `type_` is a short slug, expanded under PROBLEM_BASE."""

    status = 400
    type_ = "bad-request"
    title = "Некорректный запрос"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        type_: str | None = None,
        title: str | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status
        if type_ is not None:
            self.type_ = type_
        if title is not None:
            self.title = title
        self.extensions = extensions

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.type_,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extensions)
        return body


class NotFound(Problem):
    status = 404
    type_ = "not-found"
    title = "Не найдено"


class Conflict(Problem):
    status = 409
    type_ = "conflict"
    title = "Конфликт с текущим состоянием"


class Unauthorized(Problem):
    status = 401
    type_ = "unauthorized"
    title = "Требуется аутентификация"


class Forbidden(Problem):
    status = 403
    type_ = "forbidden"
    title = "Доступ запрещён"


# What the framework itself refuses, said for people (its own texts are English).
_HTTP_TEXTS = {
    400: (
        "Тело запроса не разобрано",
        "Тело запроса не удалось прочитать: отправьте JSON в кодировке UTF-8 "
        "(заголовок Content-Type: application/json) и повторите запрос.",
    ),
    404: ("Не найдено", "Такого адреса нет: проверьте путь запроса."),
    405: (
        "Метод не поддерживается",
        "Этот адрес не принимает такой метод запроса: проверьте документацию службы (/docs).",
    ),
}


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="olymp"'} if problem.status == 401 else None
    return JSONResponse(
        problem.body(instance=request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"location": list(err.get("loc", ())), "message": err.get("msg", "")}
            for err in exc.errors()
        ]
        problem = Problem(
            "Запрос не прошёл проверку: исправьте поля, перечисленные в errors, и повторите.",
            status=422,
            type_="validation-error",
            title="Ошибка в данных запроса",
            errors=errors,
        )
        return problem_response(problem, request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        title, detail = _HTTP_TEXTS.get(exc.status_code, (str(exc.detail), str(exc.detail)))
        problem = Problem(detail, status=exc.status_code, type_=f"http-{exc.status_code}")
        problem.title = title
        return problem_response(problem, request)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)

    async def on_database(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DBAPIError)
        if getattr(exc.orig, "sqlstate", None) not in NUL_REFUSED_SQLSTATES:
            raise exc  # any other database failure is the server's, and stays a 500
        problem = Problem(
            "В тексте запроса есть символ с кодом 0 (NUL, \\u0000), который нельзя сохранить:"
            " уберите его из полей запроса и повторите.",
            status=422,
            type_="text-not-storable",
            title="Недопустимый символ в тексте",
        )
        return problem_response(problem, request)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(DBAPIError, on_database)
