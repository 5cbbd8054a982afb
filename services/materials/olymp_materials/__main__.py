"""`python -m olymp_materials`: run the materials service (what `olymp up` starts)."""

from olymp_core.service import run
from olymp_materials.main import build

if __name__ == "__main__":
    run(build)
