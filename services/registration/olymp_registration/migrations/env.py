from olymp_core.migrations import run_env
from olymp_registration.store import metadata

run_env(metadata)
