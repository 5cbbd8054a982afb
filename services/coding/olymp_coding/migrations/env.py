from olymp_coding import scan_store  # noqa: F401  (registers the scan tables on the metadata)
from olymp_coding.store import metadata
from olymp_core.migrations import run_env

run_env(metadata)
