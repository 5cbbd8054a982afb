import olymp_registration.video.store  # noqa: F401  (adds the video tables to the metadata)
from olymp_core.migrations import run_env
from olymp_registration.store import metadata

run_env(metadata)
