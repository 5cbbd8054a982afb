"""Commands and queries of public observation. A command handler takes `(command, uow, actor)`
plus, when it needs it, the object store as `objects=`; it commits. An observer is known by the
login the organiser recorded at accreditation: the token's subject."""

from olymp_registration.observers.handlers.accreditation import (
    AccreditObserver,
    AssignmentView,
    AssignObserver,
    Observation,
    ObserverView,
    PublicSchedule,
    ScheduleItem,
    accredit_observer,
    assign_observer,
    cancel_assignment,
    list_observers,
    my_observations,
    public_schedule,
)
from olymp_registration.observers.handlers.reports import (
    AddAttachment,
    DecideReport,
    FileReport,
    ReportView,
    add_attachment,
    decide_report,
    file_report,
    get_report,
    list_reports,
    open_attachment,
)
from olymp_registration.observers.handlers.watching import check_in_counts_at

__all__ = [
    "AccreditObserver",
    "AddAttachment",
    "AssignObserver",
    "AssignmentView",
    "DecideReport",
    "FileReport",
    "Observation",
    "ObserverView",
    "PublicSchedule",
    "ReportView",
    "ScheduleItem",
    "accredit_observer",
    "add_attachment",
    "assign_observer",
    "cancel_assignment",
    "check_in_counts_at",
    "decide_report",
    "file_report",
    "get_report",
    "list_observers",
    "list_reports",
    "my_observations",
    "open_attachment",
    "public_schedule",
]
