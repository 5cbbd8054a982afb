"""`python -m olymp_portal`: run the staff portal (what `olymp up` starts)."""

from olymp_core.service import run
from olymp_portal.main import build

if __name__ == "__main__":
    run(build)
