# The sub-features' stores add their tables to the service's metadata when imported.
import olymp_registration.observers.store
import olymp_registration.seating.store
import olymp_registration.video.store  # noqa: F401
from olymp_core.migrations import run_env
from olymp_registration.store import metadata

run_env(metadata)
