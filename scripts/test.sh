#!/usr/bin/env bash
# The whole test suite and its quality gates; CI runs exactly this (through `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff (lint and format)"
ruff check .
ruff format --check .
echo "== mypy"
mypy .
echo "== generated code is current (gRPC stubs, AsyncAPI)"
python scripts/gen_proto.py --check
olymp events asyncapi | diff -u docs/asyncapi.json - \
  || { echo "docs/asyncapi.json is stale: run 'make asyncapi'" >&2; exit 1; }
echo "== compose file parses"
python -c "import yaml, sys; d = yaml.safe_load(open('deploy/compose.yaml')); assert d['services'], 'no services'"
echo "== pytest"
pytest "$@"
