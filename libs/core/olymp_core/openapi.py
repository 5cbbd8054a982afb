"""The refusals every operation may answer with, written into the service's OpenAPI document.

Routes declare only their success; what else they answer comes from one place per cause, so it is
documented here once rather than on each route:

- 401 and 403 (`unauthorized`, `forbidden`) on every operation that needs a token (its policy);
- 413 (`body-too-large`) on every operation that takes a body (the request limits), and 400
  (`http-400`) on those whose body is JSON, for a body that does not parse;
- 422 (`validation-error`) where FastAPI validates parameters or a body, in the shape the problem
  handler renders rather than FastAPI's own;
- each status of the service's error map, with the `type` slugs that map to it, on every
  operation of the service's routers (the operations router — health, readiness, metrics — and
  the audit trail's read-only routes raise no domain errors).

Every refusal is an RFC 9457 problem (`application/problem+json`); clients and fuzzers read the
statuses, the content type and the body's shape from the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI

from olymp_core.auth import route_policies
from olymp_core.errors import DomainError
from olymp_core.problems import PROBLEM_JSON

OPERATIONS_TAG = "operations"
# the routers every service shares that raise no domain error of the service
SHARED_TAGS = frozenset({OPERATIONS_TAG, "audit"})
BODY_METHODS = frozenset({"post", "put", "patch"})

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `detail` says in Russian what to do.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "description": "What did not pass: for validation-error each field as "
            "{location, message}; a refusal by the rules lists its reasons in its own shape.",
            "type": "array",
        },
    },
    # refusals carry their own extensions (the unchecked work codes, the limit in bytes, ...)
    "additionalProperties": True,
}

_CAUSES = {
    400: ("Тело запроса не разобрано", ["http-400"]),
    401: ("Нет действительного токена доступа", ["unauthorized"]),
    403: ("Роль или область доступа не позволяют это действие", ["forbidden"]),
    413: ("Тело запроса больше допустимого", ["body-too-large"]),
    422: ("Запрос не прошёл проверку", ["validation-error"]),
}


def document_problems(app: FastAPI, errors: Mapping[type[DomainError], int]) -> None:
    """Add the problem responses to `app`'s OpenAPI document (see the module's docstring)."""
    by_status: dict[int, set[str]] = {}
    for error, status in errors.items():
        by_status.setdefault(status, set()).add(error.slug())
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        policies = route_policies(app)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = PROBLEM_SCHEMA
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                policy = policies.get(f"{method.upper()} {path}")
                responses = operation.setdefault("responses", {})
                # FastAPI documents 422 where it validates parameters or a body
                statuses: dict[int, set[str]] = {422: set()} if "422" in responses else {}
                if policy is not None and not policy.is_public:
                    statuses[401] = set()
                    statuses[403] = set()
                if method in BODY_METHODS or "requestBody" in operation:
                    statuses[413] = set()
                if "application/json" in operation.get("requestBody", {}).get("content", {}):
                    statuses[400] = set()  # a body that is not JSON at all
                if SHARED_TAGS.isdisjoint(operation.get("tags", ())):
                    for status, slugs in by_status.items():
                        statuses.setdefault(status, set()).update(slugs)
                for status, slugs in sorted(statuses.items()):
                    responses[str(status)] = _problem_response(status, slugs)
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _problem_response(status: int, slugs: set[str]) -> dict[str, Any]:
    title, common = _CAUSES.get(status, ("Отказ по правилам олимпиады", []))
    types = ", ".join(sorted({*common, *slugs}))
    return {
        "description": f"{title} (type: {types})",
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
