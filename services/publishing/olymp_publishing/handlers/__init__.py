"""Commands, queries and event handlers of the publishing service."""

from olymp_publishing.handlers.commands import (
    DecideTie,
    PublishedResults,
    PublishFinal,
    SetQuotaPolicy,
    decide_tie,
    publish_final,
    published_results,
    published_version,
    quota_policy,
    set_quota_policy,
)
from olymp_publishing.handlers.events import (
    on_olympiad_created,
    on_participant_registered,
    on_subject_grade_checked,
    on_work_rescored,
    on_works_decoded,
)
from olymp_publishing.handlers.tables import preliminary_if_ready

__all__ = [
    "DecideTie",
    "PublishFinal",
    "PublishedResults",
    "SetQuotaPolicy",
    "decide_tie",
    "on_olympiad_created",
    "on_participant_registered",
    "on_subject_grade_checked",
    "on_work_rescored",
    "on_works_decoded",
    "preliminary_if_ready",
    "publish_final",
    "published_results",
    "published_version",
    "quota_policy",
    "set_quota_policy",
]
