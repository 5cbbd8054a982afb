"""`python -m olymp_scoring`: run the scoring service (what `olymp up` starts)."""

from olymp_core.service import run
from olymp_scoring.main import build

if __name__ == "__main__":
    run(build)
