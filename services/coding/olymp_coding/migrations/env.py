from olymp_coding.store import metadata
from olymp_core.migrations import run_env

run_env(metadata)
