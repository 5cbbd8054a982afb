"""Commands, queries and the event handler of the materials service (the feed's are in feed/)."""

from olymp_materials.handlers.criteria import (
    CriteriaFiles,
    CriteriaOf,
    CriteriaState,
    criteria_files,
    criteria_state,
)
from olymp_materials.handlers.events import on_olympiad_created, on_subject_schedule_changed
from olymp_materials.handlers.node import Feed, Hub, Node
from olymp_materials.handlers.opening import (
    OpenPackage,
    RevealedKey,
    package_content,
    release_due_packages,
    reveal_key,
    sealing_problem,
)
from olymp_materials.handlers.packages import (
    MovePackage,
    PackageListing,
    UploadPackage,
    list_packages,
    move_package,
    upload_package,
)

__all__ = [
    "CriteriaFiles",
    "CriteriaOf",
    "CriteriaState",
    "Feed",
    "Hub",
    "MovePackage",
    "Node",
    "OpenPackage",
    "PackageListing",
    "RevealedKey",
    "UploadPackage",
    "criteria_files",
    "criteria_state",
    "list_packages",
    "move_package",
    "on_olympiad_created",
    "on_subject_schedule_changed",
    "package_content",
    "release_due_packages",
    "reveal_key",
    "sealing_problem",
    "upload_package",
]
