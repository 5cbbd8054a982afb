# The two commands of the README's quick start, and a few for developers.
.PHONY: up test lint proto asyncapi down

up:            ## install, prepare databases and broker, start the six services and the portal (Ctrl-C stops)
	@scripts/bootstrap.sh
	@.venv/bin/olymp up

test:          ## the whole test suite with its quality gates (what CI runs)
	@scripts/bootstrap.sh
	@scripts/test.sh

down:          ## stop a suite started with `make up` in another terminal
	@.venv/bin/olymp down

lint:          ## ruff and mypy only
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy .

proto:         ## regenerate the gRPC stubs after editing proto/
	@.venv/bin/python scripts/gen_proto.py

asyncapi:      ## regenerate docs/asyncapi.json after changing an event
	@.venv/bin/olymp events asyncapi -o docs/asyncapi.json
