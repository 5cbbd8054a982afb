"""`python -m olymp_appeals`: run the appeals service (what `olymp up` starts)."""

from olymp_appeals.main import build
from olymp_core.service import run

if __name__ == "__main__":
    run(build)
