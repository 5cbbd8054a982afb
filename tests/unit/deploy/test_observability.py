"""deploy/observability: the alert rules and the Grafana dashboards ask only for metrics the services
export today. The exported names are read from prometheus_client's registry once every service's
composition root is imported (a Counter `x` is exported as `x_total` and `x_created`, a Histogram as
`x_bucket`, `x_sum`, `x_count`, `x_created`); the names an expression uses are read off its PromQL.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

import prometheus_client
import pytest
import yaml

from olymp_core.settings import SERVICES

OBSERVABILITY = Path(__file__).resolve().parents[3] / "deploy" / "observability"
ALERTS = OBSERVABILITY / "prometheus" / "olymp-alerts.yaml"
DASHBOARDS = sorted((OBSERVABILITY / "grafana").glob("*.json"))

SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("", "_sum", "_count", "_created"),
    "info": ("_info",),
    "stateset": ("",),
    "enum": ("",),
    "unknown": ("",),
}


def exported_metrics() -> set[str]:
    """Every series name the services' /metrics can show (the registry is per process, shared by
    whatever is imported: the services' modules define their metrics at import)."""
    for service in SERVICES:
        importlib.import_module(f"olymp_{service}.main")
    names = set()
    for family in prometheus_client.REGISTRY.collect():
        names |= {family.name + suffix for suffix in SUFFIXES[family.type]}
    return names


# --- PromQL: the metric names an expression selects ---------------------------------------------

KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
    "unless", "offset", "inf", "nan",
}  # fmt: skip
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
GRAFANA_VARIABLES = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
MATCHERS = re.compile(r"\{[^{}]*\}")
RANGES = re.compile(r"\[[^\[\]]*\]")
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
TOKENS = re.compile(r"\d[\w.]*|[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\()?)")
LABEL_VALUES = re.compile(
    r"^\s*label_values\(\s*(?:([A-Za-z_:][\w:]*)\s*(\{[^}]*\})?\s*,)?\s*\w+\s*\)\s*$"
)


def metric_names(expression: str) -> set[str]:
    """The metric names `expression` selects: identifiers that are not functions, aggregations,
    keywords, label names (in matchers and grouping clauses), durations or numbers."""
    text = STRINGS.sub('""', expression)
    text = GRAFANA_VARIABLES.sub("", text)
    text = MATCHERS.sub("", text)
    text = RANGES.sub("", text)
    text = GROUPING.sub("", text)
    names = set()
    for match in TOKENS.finditer(text):
        token, call = match.group(0), match.group(1)
        if token[0].isdigit() or call or token.lower() in KEYWORDS:
            continue
        names.add(token)
    return names


def template_query_names(query: str) -> set[str]:
    """A Grafana variable's query: `label_values(metric, label)` names a metric and a label."""
    found = LABEL_VALUES.match(query)
    if found is not None:
        return {found.group(1)} if found.group(1) else set()
    return metric_names(query)


def test_metric_names_are_read_off_promql() -> None:
    assert metric_names(
        'sum by (namespace, le) (rate(olymp_http_request_seconds_bucket{route=~"/results.*"}[5m]))'
    ) == {"olymp_http_request_seconds_bucket"}
    assert metric_names(
        "sum(rate(a_total[$__rate_interval])) by (job) / on (job) group_left(x) b offset 5m > 0.5"
    ) == {"a_total", "b"}
    assert metric_names("histogram_quantile(0.95, x_bucket) > 1e3 and y unless z{a='b c'}") == {
        "x_bucket",
        "y",
        "z",
    }
    assert metric_names("count(up == bool 1) or vector(0)") == {"up"}
    assert template_query_names("label_values(olymp_http_requests_total, namespace)") == {
        "olymp_http_requests_total"
    }
    assert template_query_names("label_values(namespace)") == set()


# --- what the files ask for ----------------------------------------------------------------------


def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(ALERTS.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_expressions(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, expression) of every panel's query and every variable's."""
    found = []
    panels = list(dashboard.get("panels", []))
    while panels:
        panel = panels.pop()
        panels.extend(panel.get("panels", []))  # a collapsed row keeps its panels inside
        for target in panel.get("targets", []):
            found.append((f"panel {panel['title']!r}", target["expr"]))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable["query"]
            found.append(
                (
                    f"variable {variable['name']}",
                    "label_values:" + str(query["query"] if isinstance(query, dict) else query),
                )
            )
    return found


def names_used(expression: str) -> set[str]:
    if expression.startswith("label_values:"):
        return template_query_names(expression.removeprefix("label_values:"))
    return metric_names(expression)


def unknown_metrics(uses: list[tuple[str, str]], exported: set[str]) -> list[str]:
    return [
        f"{where}: {name}"
        for where, expression in uses
        for name in sorted(names_used(expression))
        if name not in exported
    ]


@pytest.fixture(scope="module")
def exported() -> set[str]:
    return exported_metrics()


def test_the_code_exports_the_metrics_of_the_day(exported: set[str]) -> None:
    assert {
        "olymp_http_requests_total",
        "olymp_http_request_seconds_bucket",
        "olymp_dead_letters",
        "olymp_outbox_published_total",
        "olymp_events_consumed_total",
        "olymp_materials_quarantined_packages",
        # the day's state, read from the databases at the scrape (olymp_core.state_metrics)
        "olymp_outbox_pending",
        "olymp_outbox_oldest_pending_seconds",
        "olymp_outbox_publish_lag_seconds_bucket",
        "olymp_events_retried_in_place_total",
        "olymp_materials_keys_undelivered",
        "olymp_materials_receipts_late",
        "olymp_coding_manual_queue_pages",
        "olymp_coding_manual_queue_oldest_seconds",
        "olymp_scoring_works",
    } <= exported


def test_the_day_is_alerted_on_and_shown() -> None:
    alerts = {rule["alert"]: str(rule["expr"]) for rule in alert_rules()}
    for alert, metric in {
        "OlympKeysNotDelivered": "olymp_materials_keys_undelivered",
        "OlympOutboxStuck": "olymp_outbox_oldest_pending_seconds",
        "OlympManualQueueGrowing": "olymp_coding_manual_queue_pages",
        "OlympReceiptsLate": "olymp_materials_receipts_late",
    }.items():
        assert metric in names_used(alerts[alert]), alert
    day = json.loads((OBSERVABILITY / "grafana" / "olymp-day.json").read_text())
    rows = [panel for panel in day["panels"] if panel["type"] == "row"]
    progress = next(row for row in rows if row["title"].startswith("The day's progress"))
    below = [
        panel
        for panel in day["panels"]
        if panel["type"] != "row" and panel["gridPos"]["y"] > progress["gridPos"]["y"]
    ]
    shown = {name for panel in below for t in panel["targets"] for name in names_used(t["expr"])}
    assert {
        "olymp_materials_keys_undelivered",
        "olymp_materials_receipts_late",
        "olymp_coding_manual_queue_pages",
        "olymp_scoring_works",
    } <= shown


def test_every_alert_asks_for_exported_metrics_only(exported: set[str]) -> None:
    rules = alert_rules()
    assert rules
    uses = [(f"alert {rule['alert']}", str(rule["expr"])) for rule in rules]
    assert all(names_used(expression) for _, expression in uses), "an alert on no metric"
    assert unknown_metrics(uses, exported) == []


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_dashboard_asks_for_exported_metrics_only(path: Path, exported: set[str]) -> None:
    dashboard = json.loads(path.read_text())
    uses = dashboard_expressions(dashboard)
    assert uses
    assert unknown_metrics(uses, exported) == []


def test_alerts_say_how_urgent_and_what_to_do() -> None:
    names = [rule["alert"] for rule in alert_rules()]
    assert len(names) == len(set(names))
    for rule in alert_rules():
        assert rule["labels"]["severity"] in ("page", "ticket"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        expression = str(rule["expr"])
        assert expression.count("(") == expression.count(")"), rule["alert"]


def test_dashboards_are_well_formed() -> None:
    assert len(DASHBOARDS) == 2
    uids = [json.loads(path.read_text())["uid"] for path in DASHBOARDS]
    assert len(uids) == len(set(uids))
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        ids = [panel["id"] for panel in dashboard["panels"]]
        assert len(ids) == len(set(ids)), path.name
        for panel in dashboard["panels"]:
            assert {"x", "y", "w", "h"} <= set(panel["gridPos"]), panel["title"]
            refs = [target["refId"] for target in panel.get("targets", [])]
            assert len(refs) == len(set(refs)), panel["title"]


@pytest.mark.parametrize(
    ("kind", "broken"),
    [
        ("alert", "max by (namespace) (olymp_outbox_lag_seconds) > 60"),
        ("dashboard", "sum(rate(olymp_http_request_total[5m]))"),
        (
            "variable",
            "label_values:label_values(olymp_materials_keys_undelivered_total, namespace)",
        ),
    ],
)
def test_a_metric_the_code_lacks_is_refused(kind: str, broken: str, exported: set[str]) -> None:
    # a name nobody exports (the lag is a histogram, _publish_lag_seconds_bucket), a misspelt one
    # (_request_ for _requests_) and a gauge asked for as a counter (_total)
    problems = unknown_metrics([(kind, broken)], exported)
    assert len(problems) == 1 and problems[0].startswith(kind), problems
