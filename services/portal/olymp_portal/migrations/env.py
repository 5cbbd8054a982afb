from olymp_core.migrations import run_env
from olymp_portal.store import metadata

run_env(metadata)
