"""Hostile input against every service's published OpenAPI document (schemathesis).

Each operation of each service is called with generated requests — ones that fit the document and
ones that break it — under a valid token for a role the operation admits (the roles rotate across
the examples). Every answer must be a non-5xx, with a status, content type and body the document
declares. The service runs in-process against the real PostgreSQL and RabbitMQ, as the integration
tests do; the requests go through the same httpx client, on the event loop that runs the service.

Generation is derandomized: the same code produces the same requests, so a failure reproduces with

    OLYMP_TEST_VHOST=olymp-test-$USER .venv/bin/pytest tests/schema -k <service>

and its report names the operation, the role, the request (as curl) and what was wrong.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from olymp_core.auth import Role
from olymp_core.contracts.coding import WorkCoded
from olymp_core.contracts.registration import (
    OlympiadCreated,
    ParticipantCheckedIn,
    ScheduledSubject,
)
from olymp_core.events import Event
from olymp_core.testing.service import ServiceHarness, running_service

pytestmark = pytest.mark.integration

SERVICES = ("registration", "materials", "coding", "scoring", "appeals", "publishing")
# examples per operation and generation mode: enough to reach every field's edge cases, bounded so
# that the six services take a minute or two on a small machine
MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
REQUEST_TIMEOUT_S = 30.0

SUBJECT = "math"
GRADE = 9
WORK_CODE = "M9-0001"
OLYMPIAD: dict[str, Any] = {
    "title": "Муниципальный этап ВсОШ",
    "school_year": "2025/2026",
    "time_zone": "Asia/Omsk",
    "subjects": [
        {"subject_code": SUBJECT, "day": "2025-11-18", "round_start": "10:00", "round_end": "14:00"}
    ],
    "venues": [{"name": "МБОУ СОШ № 1", "rooms": [{"name": "Кабинет 12", "capacity": 20}]}],
}


@dataclass(frozen=True)
class Finding:
    """One operation's failure, as a developer needs it to reproduce and fix it."""

    operation: str
    mode: GenerationMode
    role: str
    report: str

    def __str__(self) -> str:
        return f"{self.operation} [{self.mode.value}, role {self.role}]\n{self.report}"


def service_settings(name: str, workdir: Path) -> dict[str, Any]:
    if name == "coding":
        # coding asks registration with a service token it signs itself; without a key its
        # readiness is 503 by design, which is not what this suite looks for
        return {"auth_local_private_key_file": workdir / "keys" / "auth.pem"}
    return {}


@pytest.mark.parametrize("name", SERVICES)
async def test_every_operation_answers_as_documented(name: str, tmp_path: Path) -> None:
    async with running_service(name, tmp_path, **service_settings(name, tmp_path)) as svc:
        document = svc.service.app.openapi()
        schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document)))
        target = Target(svc.service.app, asyncio.get_running_loop())
        known = await _seed(name, svc)
        findings: list[Finding] = []
        operations = 0
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), f"{name}: the document does not load: {result}"
            operation = result.ok()
            operations += 1
            raw = document["paths"][operation.path][operation.method.lower()]
            tokens = _tokens(svc, raw.get("x-roles", []))
            for mode in GenerationMode:
                strategy = operation.as_strategy(generation_mode=mode)
                seeded = {k: v for k, v in known.items() if f"{{{k}}}" in operation.path}
                if seeded and mode is GenerationMode.POSITIVE:
                    # half the requests address the seeded olympiad, so that they pass the
                    # "not found" of a random id and reach the rules behind it
                    strategy = st.one_of(
                        strategy,
                        operation.as_strategy(generation_mode=mode, path_parameters=seeded),
                    )
                finding = await asyncio.to_thread(_fuzz, strategy, tokens, target, mode)
                if finding is not None:
                    findings.append(finding)
        await target.client.aclose()
        assert operations > 3, f"{name}: only {operations} operations in the document"
    assert not findings, (
        f"{len(findings)} findings in {operations} operations of {name}: answers against the "
        f"OpenAPI document (reproduce: pytest tests/schema -k {name}):\n\n"
        + "\n\n".join(map(str, findings))
    )


async def _seed(name: str, svc: ServiceHarness) -> dict[str, str]:
    """An olympiad the service knows, as it learns one (its API or the events it consumes)."""
    olympiad_id = uuid.UUID(int=0x5C4E3A)
    if name == "registration":
        created = await svc.client.post(
            "/olympiads", json=OLYMPIAD, headers=svc.auth(Role.COORDINATOR, sub="schema-seed")
        )
        assert created.status_code == 201, created.text
        olympiad_id = uuid.UUID(created.json()["olympiad_id"])
    start = dt.datetime(2025, 11, 18, 4, 0, tzinfo=dt.UTC)
    events: list[Event] = [
        OlympiadCreated(
            olympiad_id=olympiad_id,
            title=OLYMPIAD["title"],
            time_zone=OLYMPIAD["time_zone"],
            subjects=(
                ScheduledSubject(
                    subject_code=SUBJECT,
                    day=start.date(),
                    round_starts_at=start,
                    round_ends_at=start + dt.timedelta(hours=4),
                ),
            ),
        ),
        ParticipantCheckedIn(
            olympiad_id=olympiad_id,
            participant_id=uuid.UUID(int=1),
            subject_code=SUBJECT,
            task_grade=GRADE,
            present=True,
            at=start,
        ),
        WorkCoded(
            olympiad_id=olympiad_id, work_code=WORK_CODE, subject_code=SUBJECT, task_grade=GRADE
        ),
    ]
    await svc.deliver(*(e for e in events if type(e) in svc.service.events))
    return {
        "olympiad_id": str(olympiad_id),
        "subject_code": SUBJECT,
        "grade": str(GRADE),
        "work_code": WORK_CODE,
    }


def _tokens(svc: ServiceHarness, roles: list[str]) -> dict[str, dict[str, str]]:
    """A bearer token per admitted role; a public operation is called without one."""
    admitted = [Role(r) for r in roles if r != Role.PUBLIC.value]
    if not admitted:
        return {"public": {}}
    return {role.value: svc.auth(role, sub=f"schema-{role.value}") for role in admitted}


class Target:
    """The service's app as the fuzzer calls it: answers always come back as responses (a crash
    is a 500, as a client would see it), and the traceback behind the last 500 is kept for the
    report."""

    def __init__(self, app: ASGIApp, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop
        self.crash: str | None = None
        transport = httpx.ASGITransport(app=self._record, raise_app_exceptions=False)
        self.client = httpx.AsyncClient(transport=transport, base_url="http://test")

    async def _record(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            # the last frames of the outermost error: the route and the call that failed
            self.crash = "".join(traceback.format_exception(exc, limit=-8, chain=False))
            raise

    def send(self, prepared: requests.PreparedRequest) -> httpx.Response:
        """Send from the fuzzer's thread, on the loop the service runs in."""
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        assert body is None or isinstance(body, bytes), "streamed bodies are not generated"
        headers = {
            name: value if isinstance(value, str) else value.decode("latin-1")
            for name, value in prepared.headers.items()
        }
        request = self.client.build_request(
            str(prepared.method), str(prepared.url), headers=headers, content=body
        )
        self.crash = None
        future = asyncio.run_coroutine_threadsafe(self.client.send(request), self.loop)
        return future.result(timeout=REQUEST_TIMEOUT_S)


def _fuzz(
    strategy: Any,
    tokens: dict[str, dict[str, str]],
    target: Target,
    mode: GenerationMode,
) -> Finding | None:
    """Run the examples in this worker thread; each request is sent on the service's loop."""
    failed: list[Finding] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        # no shrinking: the first failing example is reported as it was sent, and a run that
        # finds a defect does not spend minutes minimising it
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(case=strategy, role=st.sampled_from(sorted(tokens)))
    def examples(case: Case[Any], role: str) -> None:
        headers = tokens[role]
        kwargs = case.as_transport_kwargs(base_url=str(target.client.base_url), headers=headers)
        prepared = requests.Request(
            method=kwargs["method"],
            url=kwargs["url"],
            headers=kwargs.get("headers"),
            params=kwargs.get("params"),
            cookies=kwargs.get("cookies"),
            json=kwargs.get("json"),
            data=kwargs.get("data"),
            files=kwargs.get("files"),
        ).prepare()
        response = target.send(prepared)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            report = _report(group, prepared, target.crash)
            failed.append(Finding(case.operation.label, mode, role, report))
            raise

    try:
        examples()
    except FailureGroup:
        pass
    except Unsatisfiable:
        # an operation whose every parameter accepts any value has no request that breaks its
        # document (/healthz, a path of free-form strings); there is nothing to send
        if mode is not GenerationMode.NEGATIVE:
            raise
    return failed[0] if failed else None


def _report(group: FailureGroup, prepared: requests.PreparedRequest, crash: str | None) -> str:
    body = prepared.body
    if isinstance(body, bytes) and len(body) > 2000:
        body = body[:2000] + b"..."
    sent = f"sent: {prepared.method} {prepared.url}\n      body: {body!r}"
    # the group's message holds each failed check, the response and a curl command
    report = f"{sent}\n{group}"
    return report if crash is None else f"{report}\nserver traceback:\n{crash}"
