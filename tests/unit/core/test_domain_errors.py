"""One error map: a domain error knows no HTTP; each service maps its classes to statuses once."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import APIRouter, Depends

from olymp_core.auth import Role, authorize, generate_local_key
from olymp_core.errors import DomainError, NotPermitted, status_of
from olymp_core.runtime import Runtime
from olymp_core.service import Service
from olymp_core.settings import ServiceSettings


class RuleBroken(DomainError):
    title = "Нарушено правило"


class DeadlinePassed(RuleBroken):
    pass


class NamedSlug(DomainError):
    type_ = "decoding-refused"


class Unmapped(DomainError):
    pass


def test_the_slug_is_the_class_name_unless_set() -> None:
    assert DeadlinePassed.slug() == "deadline-passed"
    assert NamedSlug.slug() == "decoding-refused"


def test_the_nearest_mapped_class_decides_the_status() -> None:
    statuses = {RuleBroken: 422, NotPermitted: 403}
    assert status_of(DeadlinePassed("поздно"), statuses) == 422
    assert status_of(NotPermitted("нет"), statuses) == 403
    assert status_of(Unmapped("?"), statuses) is None


async def test_a_refusal_is_an_rfc9457_problem_with_its_extensions(tmp_path: Path) -> None:
    router = APIRouter()

    @router.get("/late", dependencies=[Depends(authorize(Role.PUBLIC))])
    async def late() -> None:
        raise DeadlinePassed("Срок подачи апелляции истёк 3 декабря.", deadline="2026-12-03")

    public_key = tmp_path / "auth.pub.pem"
    public_key.write_text(generate_local_key(tmp_path / "auth.pem"))
    settings = ServiceSettings(
        service_name="probe",
        profile="test",
        auth_local_public_key_file=public_key,
        storage_url=f"file:{tmp_path / 'storage'}",
    )
    service = Service(
        name="probe", runtime=Runtime(settings), routers=[router], errors={RuleBroken: 422}
    )
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/late")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://olymp.example/problems/deadline-passed",
        "title": "Нарушено правило",
        "status": 422,
        "detail": "Срок подачи апелляции истёк 3 декабря.",
        "instance": "/late",
        "deadline": "2026-12-03",
    }
