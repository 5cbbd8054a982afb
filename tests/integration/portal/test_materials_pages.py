"""The materials screens over httpx (§24–25), against a real regional hub and a municipality's
mirror (TLS gRPC feed, PostgreSQL, RabbitMQ): the regional coordinator's grid of municipalities by
package, refreshed by htmx; on the mirror the municipal coordinator downloads the released
archive, is refused a receipt that lists nothing missing, then confirms it, and the grid says so."""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from olymp_core.auth import Role, ScopeKind, generate_local_key
from olymp_core.clock import ManualClock
from olymp_core.testing.events import eventually
from olymp_core.testing.service import ServiceHarness, running_service
from olymp_portal.domain import Grant
from tests.integration.materials.feedkit import free_port, hub_settings, mirror_settings
from tests.integration.materials.test_packages_api import (
    BEFORE,
    FAST,
    PASSWORD,
    TASKS_AT,
    TASKS_FILE,
    learn_olympiad,
    olympiad_created,
    upload,
)
from tests.integration.portal.conftest import add_account, csrf_of
from tests.integration.portal.suite import Suite as PortalSuite
from tests.integration.portal.suite import serving, signed_in

pytestmark = pytest.mark.integration

MUNICIPALITIES = ["kalachinsk", "tara", "ust-ishim"]


@dataclass
class Region:
    hub: ServiceHarness
    mirror: ServiceHarness  # tara's
    regional: PortalSuite  # the portal in front of the hub
    municipal: PortalSuite  # tara's portal, in front of its mirror
    clock: ManualClock


@asynccontextmanager
async def region(workdir: Path) -> AsyncIterator[Region]:
    """One key signs every token (the portals', the tests'); the materials nodes on one clock that
    the test moves to the instant, the portals on the real one (tokens are checked by it)."""
    key = workdir / "key.pem"
    generate_local_key(key)

    def folder(name: str) -> Path:
        path = workdir / name
        (path / "keys").mkdir(parents=True)
        shutil.copy(key, path / "keys" / "auth.pem")
        return path

    clock = ManualClock(BEFORE)
    async with AsyncExitStack() as stack:
        hub = await stack.enter_async_context(
            running_service(
                "materials", folder("hub"), clock=clock,
                **hub_settings(workdir / "hub-tls", free_port(), municipalities=MUNICIPALITIES,
                               receipt_late_after_min=30, **FAST),
            )
        )  # fmt: skip
        mirror = await stack.enter_async_context(
            running_service(
                "materials", folder("tara"), clock=clock, **mirror_settings(hub, "tara"), **FAST
            )
        )
        portals = []
        for name, node in (("regional", hub), ("municipal", mirror)):
            url = await stack.enter_async_context(serving(node.service.asgi))
            path = folder(f"portal-{name}")
            portal = await stack.enter_async_context(
                running_service(
                    "portal", path, materials_url=url,
                    auth_local_private_key_file=path / "keys" / "auth.pem",
                )
            )  # fmt: skip
            portals.append(PortalSuite(portal, {"materials": node}, clock))
        await add_account(portals[0].portal, "region-petrova", Grant(Role.COORDINATOR))
        await add_account(
            portals[1].portal,
            "tara-organiser",
            Grant(Role.MUNICIPAL_COORDINATOR, {ScopeKind.MUNICIPALITY: frozenset({"tara"})}),
        )
        yield Region(hub, mirror, portals[0], portals[1], clock)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_p24_p25_the_grid_follows_the_mirrors_and_the_receipt_reaches_it(
    tmp_path: Path,
) -> None:
    olympiad_id = uuid.uuid4()
    async with region(tmp_path) as found:
        await learn_olympiad(found.hub, olympiad_created(olympiad_id, "math"))
        await learn_olympiad(found.mirror, olympiad_created(olympiad_id, "math"))
        uploaded = await upload(found.hub, olympiad_id, "tasks", password=PASSWORD)
        assert uploaded.status_code == 201, uploaded.text
        package_id = uploaded.json()["package_id"]
        grid = f"/materials/{olympiad_id}/grid"

        async with signed_in(found.regional, "region-petrova") as coordinator:

            async def fetched_by_tara() -> bool:
                page = await coordinator.get(grid, headers={"HX-Request": "true"})
                return "пакет получен, ждёт ключа" in page.text

            await eventually(fetched_by_tara)
            page = await coordinator.get(grid)
            assert page.status_code == 200, page.text
            assert f'hx-get="{grid}" hx-trigger="every 15s"' in page.text
            text = text_of(page.text)
            assert "Математика: задания" in text and "14.10 08:00" in text
            assert "kalachinsk пакет ещё не получен" in text
            assert "tara пакет получен, ждёт ключа" in text
            partial = await coordinator.get(grid, headers={"HX-Request": "true"})
            assert "<html" not in partial.text and "materials-grid" in partial.text

            async with signed_in(found.municipal, "tara-organiser") as organiser:
                packages = f"/materials/{olympiad_id}/packages"
                before = text_of((await organiser.get(packages)).text)
                assert "Раскрытие: 14.10 08:00" in before and "Скачать архив" not in before

                found.clock.set(TASKS_AT)

                async def key_delivered() -> bool:
                    page = await coordinator.get(grid, headers={"HX-Request": "true"})
                    return "tara ключ доставлен" in text_of(page.text)

                await eventually(key_delivered)
                page = await organiser.get(packages)
                assert "Скачать архив" in page.text
                archive = await organiser.get(f"{packages}/{package_id}/content")
                assert archive.status_code == 200 and archive.content == TASKS_FILE
                csrf = csrf_of(page.text)
                receipt = f"{packages}/{package_id}/receipt"
                incomplete = await organiser.post(
                    receipt, data={"csrf": csrf, "missing": "", "problems": "бланк 9 класса"}
                )
                assert incomplete.status_code == 422
                assert "Перечислите, чего не хватает" in incomplete.text
                assert 'value="бланк 9 класса"' in incomplete.text  # what was typed stays
                confirmed = await organiser.post(receipt, data={"csrf": csrf, "complete": "true"})
                assert confirmed.status_code == 303, confirmed.text

                async def confirmed_on_the_hub() -> bool:
                    page = await coordinator.get(grid, headers={"HX-Request": "true"})
                    return "tara получение подтверждено" in text_of(page.text)

                await eventually(confirmed_on_the_hub)
                refused = await organiser.get(grid)  # the grid is the regional coordinator's
                assert refused.status_code == 403
