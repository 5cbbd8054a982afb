"""docs/operations: the runbooks stay true. Every `olymp` command they show exists with the options
they give it, every alert they name is one of the alert rules and the day's runbook describes each
rule, and every runbook is reachable from the index and the index from the README."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from olymp_cli.main import cli

ROOT = Path(__file__).resolve().parents[3]
RUNBOOKS = ROOT / "docs" / "operations"
PAGES = sorted(RUNBOOKS.glob("*.md"))
ALERTS = ROOT / "deploy" / "observability" / "prometheus" / "olymp-alerts.yaml"

# `olymp …` inside a code span or a line of a code block, up to where the shell or the span ends
_COMMAND = re.compile(r"(?:^|[\s`(])olymp ((?:[^`|;&#)\n])+)")
_CODE = re.compile(r"```[a-z]*\n(.*?)```|`([^`\n]+)`", re.S)
_ALERT = re.compile(r"\bOlymp[A-Z][A-Za-z]+\b")
_LINK = re.compile(r"\]\(([^)#\s]+\.md)\)")


def commands_in(text: str) -> list[str]:
    found = []
    for block, span in _CODE.findall(text):
        # a command inside $( … ) is a command of its own
        code = (block or span).replace("\\\n", " ").replace("$(", "\n")
        for line in code.splitlines():
            found += [match.strip() for match in _COMMAND.findall(line)]
    return found


def alert_rules() -> set[str]:
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    return {rule["alert"] for group in groups for rule in group["rules"] if "alert" in rule}


def check_command(words: list[str]) -> list[str]:
    """What is wrong with `olymp <words>`: an unknown command or an option it does not take."""
    command: click.Command = cli
    path = ["olymp"]
    rest = list(words)
    while isinstance(command, click.Group) and rest and not rest[0].startswith(("-", "<", "…")):
        name = rest.pop(0)
        found = command.commands.get(name)
        if found is None:
            return [f"{' '.join(path)} has no command {name!r}"]
        command, path = found, [*path, name]
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    options |= {"-h", "--help"}
    return [
        f"{' '.join(path)} takes no option {word.split('=')[0]!r}"
        for word in rest
        if word.startswith("-") and word.split("=")[0] not in options
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_olymp_command_shown_exists_with_its_options(page: Path) -> None:
    commands = commands_in(page.read_text())
    problems = []
    for line in commands:
        try:
            words = shlex.split(line)
        except ValueError:  # an unbalanced quote in a placeholder
            words = line.split()
        problems += [f"`olymp {line}`: {p}" for p in check_command(words)]
    assert problems == []


def test_the_pages_show_commands() -> None:
    # the checker finds what it checks: a wrong name or option would be reported
    shown = [line for page in PAGES for line in commands_in(page.read_text())]
    assert any(line.startswith("events replay") for line in shown)
    assert any(line.startswith("restore --check") for line in shown)
    assert check_command(["events", "rewind"]) == ["olymp events has no command 'rewind'"]
    assert check_command(["backup", "dir", "--with-objects"]) == [
        "olymp backup takes no option '--with-objects'"
    ]


def test_every_alert_named_is_a_rule_and_every_rule_is_described() -> None:
    rules = alert_rules()
    named = {alert for page in PAGES for alert in _ALERT.findall(page.read_text())}
    assert named - rules == set(), "alerts named in the runbooks that the rules do not have"
    day = (RUNBOOKS / "olympiad-day.md").read_text()
    undescribed = {rule for rule in rules if f"| `{rule}` |" not in day}
    assert undescribed == set(), "add each alert to the table of docs/operations/olympiad-day.md"


def test_every_runbook_is_linked_and_every_link_leads_somewhere() -> None:
    index = (RUNBOOKS / "README.md").read_text()
    linked = set(_LINK.findall(index))
    assert {page.name for page in PAGES if page.name != "README.md"} <= linked
    for page in PAGES:
        for target in _LINK.findall(page.read_text()):
            assert (page.parent / target).is_file(), f"{page.name} links to {target}"
    assert "docs/operations/README.md" in (ROOT / "README.md").read_text()
