"""Commands, queries and event handlers of the publishing service."""

from olymp_publishing.handlers.commands import (
    DecideTie,
    PublishFinal,
    SetQuotaPolicy,
    decide_tie,
    publish_final,
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
from olymp_publishing.handlers.files import PublishedFile, PublishedFiles
from olymp_publishing.handlers.published import (
    PublishedResults,
    ServedFile,
    TableAddress,
    published_file,
    published_index,
    published_results,
    refresh_published,
    write_pending_files,
    write_published_files,
)
from olymp_publishing.handlers.tables import preliminary_if_ready

__all__ = [
    "DecideTie",
    "PublishFinal",
    "PublishedFile",
    "PublishedFiles",
    "PublishedResults",
    "ServedFile",
    "SetQuotaPolicy",
    "TableAddress",
    "decide_tie",
    "on_olympiad_created",
    "on_participant_registered",
    "on_subject_grade_checked",
    "on_work_rescored",
    "on_works_decoded",
    "preliminary_if_ready",
    "publish_final",
    "published_file",
    "published_index",
    "published_results",
    "quota_policy",
    "refresh_published",
    "set_quota_policy",
    "write_pending_files",
    "write_published_files",
]
