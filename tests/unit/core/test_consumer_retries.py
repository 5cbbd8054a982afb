"""Which handler failures the consumer retries in place (not the message's fault) and which it
hands back to the broker, where each counts towards dead-lettering."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from olymp_core.events.consumer import _retry_pause


class DriverError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"driver error {sqlstate}")
        self.sqlstate = sqlstate


def wrapped(sqlstate: str | None) -> DBAPIError:
    """What SQLAlchemy raises for a driver error it maps to no narrower class."""
    return DBAPIError("SELECT 1", {}, DriverError(sqlstate), connection_invalidated=False)


@pytest.mark.parametrize(
    "sqlstate",
    [
        "57P01",  # terminating connection due to administrator command (a restart)
        "57P02",  # crash shutdown
        "57P03",  # the database system is starting up
        "08006",  # connection failure
        "08001",  # unable to connect
    ],
)
def test_a_database_going_down_or_coming_up_is_waited_out(sqlstate: str) -> None:
    pause = _retry_pause(wrapped(sqlstate), attempt=1)
    assert pause is not None and pause > 0


def test_deadlocks_are_retried_at_once_and_other_errors_go_back_to_the_broker() -> None:
    deadlock = _retry_pause(wrapped("40P01"), attempt=1)
    assert deadlock is not None and deadlock < 0.5
    assert _retry_pause(wrapped("23505"), attempt=1) is None  # a unique violation: the data's
    assert _retry_pause(wrapped(None), attempt=1) is None
    assert _retry_pause(ValueError("a bug"), attempt=1) is None
    assert _retry_pause(ConnectionRefusedError(), attempt=1) is not None
