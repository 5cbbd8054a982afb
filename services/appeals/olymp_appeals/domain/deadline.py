"""§96: appeals are filed not later than 2 working days after the analysis and show of works.

Precisely: take the local date (in the olympiad's zone) on which the analysis and show ended; the
deadline is the last instant (23:59:59.999999 local) of the `working_days`-th working day after that
date. The day of the show itself never counts, even when it is a working day ("после"); if the show
ends on a weekend or holiday, counting starts with the next working day. An organiser may set a
shorter period (§96 «не позднее»), never a longer one.
"""

from __future__ import annotations

import datetime as dt

from olymp_appeals.domain.calendar import WorkingDayCalendar
from olymp_core.clock import local_instant, to_local

LEGAL_WORKING_DAYS = 2


def appeal_deadline(
    analysis_and_show_end: dt.datetime,
    calendar: WorkingDayCalendar,
    tz_name: str,
    working_days: int = LEGAL_WORKING_DAYS,
) -> dt.datetime:
    """The last instant (UTC) an appeal may be filed."""
    if not 0 <= working_days <= LEGAL_WORKING_DAYS:
        raise ValueError(
            f"the filing period is {working_days} working days; §96 allows 0..{LEGAL_WORKING_DAYS}"
        )
    show_day = to_local(analysis_and_show_end, tz_name).date()
    last_day = calendar.add_working_days(show_day, working_days)
    next_midnight = local_instant(last_day + dt.timedelta(days=1), dt.time(0), tz_name)
    return next_midnight - dt.timedelta(microseconds=1)
