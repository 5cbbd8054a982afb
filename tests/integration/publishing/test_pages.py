"""The public pages name the olympiad and give the publication time in its own zone."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from olymp_core.testing.events import eventually, publish_to_broker
from olymp_core.testing.service import ServiceHarness
from olymp_publishing.domain import canonical_sha256

from .conftest import OLYMPIAD_TITLE, PORTAL, Subject

pytestmark = pytest.mark.integration

HEADING = "Математика, 9 класс: предварительные результаты"


async def test_page_names_the_olympiad_and_shows_local_time(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(subject.created())
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())

    page = (await svc.client.get(f"{subject.base}.html")).text
    assert f'<p class="olympiad">{OLYMPIAD_TITLE}</p>' in page
    # 05:00 UTC is 11:00 in Omsk (UTC+6).
    assert ">20.10.2025 11:00 (Asia/Omsk)</time>" in page
    assert "UTC" not in page
    assert page.count(HEADING) == 2  # <title> and <h1>, not again in the caption
    assert page.count("<h1>") == 1
    assert "<caption>Рейтинговая таблица</caption>" in page

    table = (await svc.client.get(subject.base)).json()
    assert (table["olympiad_title"], table["time_zone"]) == (OLYMPIAD_TITLE, "Asia/Omsk")
    assert table["published_at"] == "2025-10-20T05:00:00+00:00"
    assert table["sha256"] == canonical_sha256({k: v for k, v in table.items() if k != "sha256"})

    sheet = load_workbook(io.BytesIO((await svc.client.get(f"{subject.base}.xlsx")).content))
    assert sheet.active is not None
    assert sheet.active["A1"].value == (
        f"{OLYMPIAD_TITLE}. {HEADING}, версия 1 от 20.10.2025 11:00 (Asia/Omsk)"
    )

    index = (await svc.client.get(f"/results/{subject.olympiad_id}")).json()
    assert index["olympiad_title"] == OLYMPIAD_TITLE
    # the schedule of analysis, show, appeals and observation is the portal's public page
    public_page = f"{PORTAL}/olympiad/{subject.olympiad_id}"
    assert index["schedule_url"] == public_page
    listing = (await svc.client.get(f"/results/{subject.olympiad_id}/index.html")).text
    assert f'<a href="{public_page}">Анализ заданий, показ работ, апелляции' in listing


async def test_unknown_olympiad_falls_back_to_utc(svc: ServiceHarness, subject: Subject) -> None:
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())

    page = (await svc.client.get(f"{subject.base}.html")).text
    assert ">20.10.2025 05:00 UTC</time>" in page
    assert 'class="olympiad"' not in page
    assert "<caption>Рейтинговая таблица</caption>" in page

    table = (await svc.client.get(subject.base)).json()
    assert (table["olympiad_title"], table["time_zone"]) == (None, None)
    assert table["sha256"] == canonical_sha256({k: v for k, v in table.items() if k != "sha256"})
    index = (await svc.client.get(f"/results/{subject.olympiad_id}")).json()
    assert index["olympiad_title"] is None


async def test_unknown_time_zone_keeps_the_title_and_says_utc(
    svc: ServiceHarness, subject: Subject
) -> None:
    await svc.deliver(subject.created(time_zone="Asia/Nowhere"))
    await svc.deliver(*subject.registered(), subject.decoded(), subject.checked())

    page = (await svc.client.get(f"{subject.base}.html")).text
    assert f'<p class="olympiad">{OLYMPIAD_TITLE}</p>' in page
    assert ">20.10.2025 05:00 UTC</time>" in page
    assert (await svc.client.get(subject.base)).json()["time_zone"] is None


async def test_olympiad_created_arrives_through_the_broker(
    svc: ServiceHarness, subject: Subject
) -> None:
    await publish_to_broker(subject.created())

    async def titled() -> bool:
        index = (await svc.client.get(f"/results/{subject.olympiad_id}")).json()
        return bool(index["olympiad_title"] == OLYMPIAD_TITLE)

    await eventually(titled)
