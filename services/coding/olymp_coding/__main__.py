"""`python -m olymp_coding`: run the coding service (what `olymp up` starts)."""

from olymp_coding.main import build
from olymp_core.service import run

if __name__ == "__main__":
    run(build)
