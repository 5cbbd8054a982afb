"""`python -m olymp_registration`: run the registration service (what `olymp up` starts)."""

from olymp_core.service import run
from olymp_registration.main import build

if __name__ == "__main__":
    run(build)
