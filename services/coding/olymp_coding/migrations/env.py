from olymp_coding.scans import store as scans_store  # noqa: F401  (registers the scan tables)
from olymp_coding.store import metadata
from olymp_core.migrations import run_env

run_env(metadata)
