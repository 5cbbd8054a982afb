#!/usr/bin/env bash
# Install everything the suite needs into .venv (idempotent, a few seconds when nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "bootstrap: Python 3.11 or newer is needed as '$python' (set PYTHON=... to choose another)" >&2
  exit 1
fi
if ! "$python" -m uv --version >/dev/null 2>&1; then
  echo "bootstrap: installing uv (the workspace's package manager) with pip"
  "$python" -m pip install --quiet --disable-pip-version-check "uv>=0.5"
fi
"$python" -m uv sync --frozen --quiet --python "$python"

# DejaVu Sans, the Cyrillic font of the suite's PDFs (olymp_core.pdf_fonts), from Debian's package
if ! .venv/bin/python -c 'from olymp_core.pdf_fonts import find_font_dir; find_font_dir()' 2>/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing fonts-dejavu-core (the Cyrillic font of the PDF documents)"
    apt-get install -y --no-install-recommends fonts-dejavu-core >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends fonts-dejavu-core >/dev/null 2>&1; } \
      || echo "bootstrap: could not install fonts-dejavu-core; PDFs will be refused until a DejaVu Sans is installed (or OLYMP_FONT_DIR names one)" >&2
  else
    echo "bootstrap: no DejaVu Sans found; install fonts-dejavu-core (or set OLYMP_FONT_DIR) for the PDF documents" >&2
  fi
fi

# Chromium, for the portal's browser tests (Playwright drives Debian's /usr/bin/chromium)
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing chromium (the browser of the portal's tests)"
    apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; } \
      || echo "bootstrap: could not install chromium; the browser tests will fail until /usr/bin/chromium exists" >&2
  else
    echo "bootstrap: no /usr/bin/chromium; install Debian's chromium for the browser tests" >&2
  fi
fi

problems=0
if ! .venv/bin/python - <<'PY'
import socket, sys
for name, port in (("PostgreSQL", 5432), ("RabbitMQ", 5672)):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        print(f"bootstrap: {name} does not answer on 127.0.0.1:{port}; start it "
              f"(see README, 'Quick start') and run the command again", file=sys.stderr)
        sys.exit(1)
PY
then problems=1; fi
exit $problems
