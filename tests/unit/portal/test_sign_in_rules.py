"""The portal's own rules: throttling failed sign-ins, session lifetimes, account checks."""

from __future__ import annotations

import datetime as dt

import pytest

from olymp_core.auth import Role, ScopeKind
from olymp_portal.domain import Account, Grant, LoginThrottle, SessionPolicy, SessionState
from olymp_portal.domain.accounts import password_matches
from olymp_portal.domain.errors import InvalidAccount

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


def test_four_failures_are_heard_the_fifth_closes_the_door_until_the_oldest_leaves_the_window() -> (
    None
):
    throttle = LoginThrottle(max_failures=5, window=15 * MIN)
    failures = [T0 + i * MIN for i in range(4)]
    assert throttle.retry_at(failures, T0 + 4 * MIN) is None
    failures.append(T0 + 4 * MIN)
    assert throttle.retry_at(failures, T0 + 5 * MIN) == T0 + 15 * MIN
    # the oldest failure has left the window: one more attempt is heard
    assert throttle.retry_at(failures, T0 + 15 * MIN) is None


def test_old_failures_do_not_count() -> None:
    throttle = LoginThrottle(max_failures=3, window=10 * MIN)
    failures = [T0, T0 + MIN, T0 + 2 * MIN]
    assert throttle.retry_at(failures, T0 + 30 * MIN) is None


def test_a_session_ends_after_the_idle_time_and_in_any_case_after_its_lifetime() -> None:
    policy = SessionPolicy(idle=60 * MIN, lifetime=dt.timedelta(hours=12))
    assert policy.state(T0, T0 + 59 * MIN, T0 + 60 * MIN) is SessionState.ACTIVE
    assert policy.state(T0, T0, T0 + 60 * MIN) is SessionState.IDLE
    busy_all_day = T0 + dt.timedelta(hours=12)
    assert policy.state(T0, busy_all_day - MIN, busy_all_day) is SessionState.OVER


def test_last_seen_is_written_at_most_once_a_minute() -> None:
    policy = SessionPolicy(idle=60 * MIN, lifetime=dt.timedelta(hours=12))
    assert not policy.needs_touch(T0, T0 + dt.timedelta(seconds=59))
    assert policy.needs_touch(T0, T0 + MIN)


def test_an_account_keeps_only_a_hash_that_matches_its_password() -> None:
    account = Account.new(
        "Petrova.Jury", "Петрова Анна Сергеевна", (Grant(Role.JURY_MEMBER),), "длинный пароль 1"
    )
    assert account.login == "petrova.jury"
    assert "длинный" not in account.password_hash
    assert password_matches(account.password_hash, "длинный пароль 1")
    assert not password_matches(account.password_hash, "длинный пароль 2")
    assert not password_matches("not a hash", "длинный пароль 1")


@pytest.mark.parametrize(
    ("login", "name", "grants", "password", "says"),
    [
        ("пётр", "Пётр", (Grant(Role.JURY_MEMBER),), "достаточно длинный", "Логин"),
        ("petr", " ", (Grant(Role.JURY_MEMBER),), "достаточно длинный", "фамилию"),
        ("petr", "Пётр", (), "достаточно длинный", "роль"),
        ("petr", "Пётр", (Grant(Role.PUBLIC),), "достаточно длинный", "не выдаётся"),
        ("petr", "Пётр", (Grant(Role.JURY_MEMBER),), "короткий", "короче"),
    ],
)
def test_a_bad_account_is_refused_saying_what_to_fix(
    login: str, name: str, grants: tuple[Grant, ...], password: str, says: str
) -> None:
    with pytest.raises(InvalidAccount, match=says):
        Account.new(login, name, grants, password)


def test_a_grant_is_labelled_as_officials_call_it_and_keyed_stably() -> None:
    grant = Grant(Role.JURY_CHAIR, {ScopeKind.SUBJECT: frozenset({"physics", "math"})})
    assert grant.label == "председатель жюри (предмет: math, physics)"
    assert grant.key == "jury_chair;subject=math,physics"
    assert Grant.from_json(grant.to_json()) == grant
