"""Commands and queries of room video. A command handler takes `(command, uow, actor)` — no actor
where no person acts — plus, when it needs it, the `VideoContext` as `video=`; it commits."""

from olymp_registration.video.handlers.access import (
    GrantPlayback,
    OpenMedia,
    Playback,
    RoundReport,
    coverage_report,
    grant_playback,
    open_media,
    search,
)
from olymp_registration.video.handlers.completion import CompleteUpload, complete_upload
from olymp_registration.video.handlers.context import VideoContext
from olymp_registration.video.handlers.retention import (
    ExpireRecordings,
    SetRetention,
    expire_recordings,
    set_retention,
)
from olymp_registration.video.handlers.uploads import (
    StartUpload,
    UploadProgress,
    UploadStarted,
    open_upload,
    start_upload,
    upload_for_part,
    upload_progress,
    write_part,
)

__all__ = [
    "CompleteUpload",
    "ExpireRecordings",
    "GrantPlayback",
    "OpenMedia",
    "Playback",
    "RoundReport",
    "SetRetention",
    "StartUpload",
    "UploadProgress",
    "UploadStarted",
    "VideoContext",
    "complete_upload",
    "coverage_report",
    "expire_recordings",
    "grant_playback",
    "open_media",
    "open_upload",
    "search",
    "set_retention",
    "start_upload",
    "upload_for_part",
    "upload_progress",
    "write_part",
]
