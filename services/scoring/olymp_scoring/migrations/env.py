from olymp_core.migrations import run_env
from olymp_scoring.store import metadata

run_env(metadata)
