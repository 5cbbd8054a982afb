"""`python -m olymp_publishing`: run the publishing service (what `olymp up` starts)."""

from olymp_core.service import run
from olymp_publishing.main import build

if __name__ == "__main__":
    run(build)
