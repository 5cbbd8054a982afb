"""Commands, queries and event handlers of the publishing service."""

from olymp_publishing.handlers.approval import (
    ApproveFinal,
    FinalStatus,
    SubmitFinal,
    approve_final,
    final_status,
    submit_final,
)
from olymp_publishing.handlers.commands import (
    BoundaryTies,
    DecideTie,
    SetQuotaPolicy,
    TieGroup,
    boundary_ties,
    decide_tie,
    quota_policy,
    set_quota_policy,
)
from olymp_publishing.handlers.events import (
    on_appeals_state,
    on_olympiad_created,
    on_participant_registered,
    on_subject_grade_checked,
    on_subject_schedule_changed,
    on_work_rescored,
    on_works_decoded,
)
from olymp_publishing.handlers.files import PublishedFile, PublishedFiles
from olymp_publishing.handlers.protocols import ProtocolAsked, ProtocolFile, protocol_file
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
    "ApproveFinal",
    "BoundaryTies",
    "DecideTie",
    "FinalStatus",
    "ProtocolAsked",
    "ProtocolFile",
    "PublishedFile",
    "PublishedFiles",
    "PublishedResults",
    "ServedFile",
    "SetQuotaPolicy",
    "SubmitFinal",
    "TableAddress",
    "TieGroup",
    "approve_final",
    "boundary_ties",
    "decide_tie",
    "final_status",
    "on_appeals_state",
    "on_olympiad_created",
    "on_participant_registered",
    "on_subject_grade_checked",
    "on_subject_schedule_changed",
    "on_work_rescored",
    "on_works_decoded",
    "preliminary_if_ready",
    "protocol_file",
    "published_file",
    "published_index",
    "published_results",
    "quota_policy",
    "refresh_published",
    "set_quota_policy",
    "submit_final",
    "write_pending_files",
    "write_published_files",
]
