"""The whole suite as a user starts it (`olymp up`), on its own ports and databases, and one
olympiad day through its public APIs."""

from __future__ import annotations

import itertools

import httpx
import pytest

from olymp_cli.audit import verify_all
from olymp_cli.demo.run import run_day
from olymp_cli.suite import PRIVATE_KEY, Layout
from olymp_core.auth import Role, TokenIssuer
from olymp_core.settings import SERVICES
from olymp_publishing.domain.collation import name_part_key

pytestmark = pytest.mark.e2e


def test_quick_start_brings_every_service_to_ready(running_suite: Layout) -> None:
    for service in SERVICES:
        base = running_suite.base_url(service)
        ready = httpx.get(base + "/readyz", timeout=5)
        assert ready.status_code == 200, (service, ready.text)
        checks = ready.json()["checks"]
        # every service checks its three parts; coding also its token for registration's API
        assert {"database", "broker", "storage"} <= checks.keys(), (service, checks)
        assert set(checks.values()) == {"ok"}, (service, checks)
        assert httpx.get(base + "/healthz", timeout=5).status_code == 200
        assert "olymp_http_requests" in httpx.get(base + "/metrics", timeout=5).text
        spec = httpx.get(base + "/openapi.json", timeout=5).json()
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                assert "x-roles" in operation, (
                    f"{service} {method.upper()} {path} declares no roles"
                )


async def test_one_olympiad_day_ends_in_final_tables_that_obey_the_rules(
    running_suite: Layout,
) -> None:
    lines: list[str] = []
    report = await run_day(
        running_suite, participants=60, schools=12, seed=7, say=lines.append, scans=True
    )
    assert report.participants >= 50
    assert report.schools >= 12
    assert report.removed == 1
    assert report.annulled == 1
    assert report.third_marks > 0
    outcomes = {label: d["outcome"] for label, d in report.appeals.items()}
    assert outcomes == {"reject": "reject", "raise": "raise", "lower": "lower", "casting": "raise"}
    assert report.appeals["casting"]["by_casting_vote"] is True
    assert report.appeals["raise"]["by_casting_vote"] is False
    assert report.final_tables
    async with httpx.AsyncClient(timeout=10) as client:
        for name, _ in report.final_tables:
            subject_code, grade = name.rsplit("-", 1)
            url = f"{running_suite.base_url('publishing')}/results/{report.olympiad_id}/{subject_code}/{grade}"
            table = (await client.get(url, params={"stage": "final"})).json()
            _assert_table_rules(table)
            for suffix in (".csv", ".xlsx", ".html"):
                assert (await client.get(url + suffix)).status_code == 200
        # the scan station's sheets all found their works by the label: nothing waits by hand
        officer = TokenIssuer(PRIVATE_KEY.read_bytes()).issue("coding-1", [Role.CODING_OFFICER])
        manual = await client.get(
            f"{running_suite.base_url('coding')}/olympiads/{report.olympiad_id}/scans/manual",
            headers={"Authorization": f"Bearer {officer}"},
        )
        assert manual.status_code == 200 and manual.json()["pages"] == []
    scanned = [line for line in lines if "Сканирование:" in line]
    assert scanned and int(scanned[0].split()[1]) >= report.works
    results = await verify_all(running_suite, SERVICES)
    assert all(result.ok for result in results.values()), results


def _assert_table_rules(table: dict[str, object]) -> None:
    rows = table["rows"]
    assert isinstance(rows, list) and rows
    scores = [float(row["total"]) for row in rows]
    assert scores == sorted(scores, reverse=True), "descending total (§122)"
    status_by_score: dict[float, str] = {}
    for row in rows:
        score = float(row["total"])
        assert status_by_score.setdefault(score, row["status"]) == row["status"], (
            "equal scores, equal status"
        )
        assert row["status"] in ("победитель", "призёр", "участник")
    # rows without consent read «участник № N» and are ordered by names the table does not show
    named = [r for r in rows if not str(r.get("participant", "")).startswith("участник №")]
    for first, second in itertools.pairwise(named):
        if float(first["total"]) == float(second["total"]):
            assert _name_order(first["participant"]) <= _name_order(second["participant"]), (
                "equal totals in alphabetical order (§123)"
            )


def _name_order(public_name: str) -> tuple[str, str]:
    """«Ёлкина А. В.» -> (surname key, initials key): the order of the full names it stands for."""
    surname, _, initials = public_name.partition(" ")
    return name_part_key(surname), name_part_key(initials)
