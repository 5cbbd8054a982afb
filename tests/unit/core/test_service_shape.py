"""Every service has one shape: the same module names, one event table, one error map, one
transaction rule, and a declared policy for every entry point. A reader who learnt one service
knows where to look in the next; these tests fail on any drift."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import fastapi.routing
import pytest

from olymp_core.auth import generate_local_key, undeclared_routes
from olymp_core.errors import CORE_ERRORS, DomainError, status_of
from olymp_core.events import EventTable
from olymp_core.service import Service
from olymp_core.settings import SERVICES

# What every service has (a module past ~400 lines becomes a package of the same name).
REQUIRED = {"domain", "handlers", "store", "schemas", "api", "settings", "main", "migrations"}
# What a service has when it does that thing, under exactly these names.
OPTIONAL = {
    "consumers",  # it consumes events: EVENTS, its event table
    "grpc_api",  # it serves gRPC
    "sweeper",  # it repairs what a lost message left undone
    "documents",  # it renders files people read (XLSX, PDF)
    "clients",  # it calls another service or the hub
    "background",  # parts that run beside the server: loops given to Service(lifecycles=...)
    "pages",  # it serves HTML pages: templates, the person at the screen, CSRF (the portal)
    "gauges",  # state the day's dashboards watch, read at each scrape: Service(gauges=...)
}
# A sub-feature is a sub-package made of the same names (coding/scans/, registration/video/).
SUB_FEATURE = (REQUIRED | OPTIONAL) - {"settings", "main", "migrations", "consumers", "sweeper"}
PACKAGE_FILES = {"__init__", "__main__"}


def build(service: str, tmp_path: Path) -> Service[Any]:
    public_key = tmp_path / "auth.pub.pem"
    public_key.write_text(generate_local_key(tmp_path / "auth.pem"))
    settings_cls = getattr(
        importlib.import_module(f"olymp_{service}.settings"), f"{service.title()}Settings"
    )
    settings = settings_cls(
        profile="test",
        auth_local_public_key_file=public_key,
        storage_url=f"file:{tmp_path / 'storage'}",
    )
    result: Service[Any] = importlib.import_module(f"olymp_{service}.main").build(settings)
    return result


def package_dir(service: str) -> Path:
    return Path(importlib.import_module(f"olymp_{service}").__file__ or "").parent


def parts_of(directory: Path) -> dict[str, Path]:
    """Module and package names directly in `directory`."""
    found: dict[str, Path] = {}
    for path in directory.iterdir():
        if path.name == "__pycache__" or path.name.startswith("."):
            continue
        if path.suffix == ".py":
            found[path.stem] = path
        elif path.is_dir() and ((path / "__init__.py").is_file() or path.name == "migrations"):
            found[path.name] = path
    return found


def modules_of(service: str) -> Iterator[ModuleType]:
    package = importlib.import_module(f"olymp_{service}")
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        yield importlib.import_module(info.name)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_modules(service: str) -> None:
    parts = parts_of(package_dir(service))
    names = set(parts) - PACKAGE_FILES
    assert REQUIRED - names == set(), f"olymp_{service} lacks {sorted(REQUIRED - names)}"
    assert (package_dir(service) / "migrations" / "env.py").is_file()
    strays = []
    for name in sorted(names - REQUIRED - OPTIONAL):
        if not parts[name].is_dir():
            strays.append(name)
            continue
        inside = set(parts_of(parts[name])) - PACKAGE_FILES
        strays.extend(f"{name}/{part}" for part in sorted(inside - SUB_FEATURE))
        if not inside & {"api", "handlers"}:
            strays.append(f"{name}/ (a sub-feature has an api or handlers)")
    assert strays == [], (
        f"olymp_{service}: {strays} are not in the shape — name modules "
        f"{sorted(REQUIRED | OPTIONAL)}, or make a sub-feature package of the same names"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_consumers_declare_one_event_table(service: str, tmp_path: Path) -> None:
    built = build(service, tmp_path)
    declared = (package_dir(service) / "consumers.py").is_file()
    assert declared == bool(built.events), (
        f"olymp_{service}: consumers.py exists exactly when the service consumes events"
    )
    if not declared:
        return
    table = importlib.import_module(f"olymp_{service}.consumers").EVENTS
    assert isinstance(table, EventTable) and table.service == service
    assert set(built.events) == set(table), "the service runs the table its consumers.py declares"
    for event_cls, handler in table.items():
        assert handler.__name__ == f"on_{event_cls.event_name}", (
            f"{service}: {event_cls.__name__} is handled by {handler.__name__}, "
            f"not on_{event_cls.event_name}"
        )


@pytest.mark.parametrize("service", SERVICES)
def test_grpc_is_served_from_grpc_api(service: str, tmp_path: Path) -> None:
    built = build(service, tmp_path)
    has_module = "grpc_api" in parts_of(package_dir(service))
    assert has_module == (built.grpc is not None), (
        f"olymp_{service}: gRPC is served from grpc_api exactly when the service serves gRPC"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_http_route_declares_its_roles(service: str, tmp_path: Path) -> None:
    app = build(service, tmp_path).app
    assert undeclared_routes(app) == []


@pytest.mark.parametrize("service", SERVICES)
def test_route_dependencies_run_on_the_event_loop(service: str, tmp_path: Path) -> None:
    # A plain `def` dependency is run in the thread pool: a hand-off and a wake-up per request for
    # what is a dictionary look-up. Under load that was a fifth of a request's time in scoring.
    def sync_calls(dependant: Any) -> Iterator[str]:
        for dependency in dependant.dependencies:
            call = dependency.call
            # a dependency may be an instance with an async __call__ (FastAPI's HTTPBearer)
            function = call if inspect.isroutine(call) else getattr(call, "__call__", None)  # noqa: B004
            if function is not None and not (
                inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)
            ):
                yield f"{function.__module__}.{function.__qualname__}"
            yield from sync_calls(dependency)

    app = build(service, tmp_path).app
    found = {
        name
        for route in fastapi.routing.iter_route_contexts(app.routes)
        if getattr(route, "dependant", None) is not None
        for name in sync_calls(route.dependant)
    }
    assert sorted(found) == [], "make these dependencies `async def`"


@pytest.mark.parametrize("service", SERVICES)
def test_every_grpc_method_served_has_a_policy(service: str, tmp_path: Path) -> None:
    built = build(service, tmp_path)
    if built.grpc is None:
        return
    stubs = importlib.import_module(f"olymp.{service}.v1.{service}_pb2")
    for proto_service in stubs.DESCRIPTOR.services_by_name.values():
        for method in proto_service.methods:
            full_name = f"/{proto_service.full_name}/{method.name}"
            assert full_name in built.grpc.policies, f"{service}: {full_name} has no policy"


@pytest.mark.parametrize("service", SERVICES)
def test_every_domain_error_has_a_status(service: str, tmp_path: Path) -> None:
    statuses = {**CORE_ERRORS, **build(service, tmp_path).errors}
    unmapped = set()
    for module in modules_of(service):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DomainError) and cls.__module__ == module.__name__:
                probe = cls.__new__(cls)
                if status_of(probe, statuses) is None:
                    unmapped.add(f"{cls.__module__}.{cls.__qualname__}")
    assert unmapped == set(), f"olymp_{service}: add {sorted(unmapped)} to an ERRORS map"


def _source_files(service: str) -> Iterator[Path]:
    for path in sorted(package_dir(service).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _calls_commit(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "commit"
        for n in ast.walk(node)
    )


@pytest.mark.parametrize("service", SERVICES)
def test_event_handlers_never_commit(service: str) -> None:
    """`on_<event>(event, uow)` leaves the commit to the consumer, which commits with the inbox."""
    offenders = []
    for path in _source_files(service):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.AsyncFunctionDef)
                and node.name.startswith("on_")
                and _calls_commit(node)
            ):
                offenders.append(f"{path.name}:{node.lineno} {node.name}")
    assert offenders == []


@pytest.mark.parametrize("service", SERVICES)
def test_routes_only_parse_call_and_map(service: str) -> None:
    """No route commits, opens its own transaction, queries the store or catches a domain error."""
    offenders = []
    for path in _source_files(service):
        if path.stem != "api":
            continue
        module = importlib.import_module(
            ".".join(path.relative_to(package_dir(service).parent).with_suffix("").parts)
        )
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            where = f"{path.parent.name}/{path.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "commit":
                    offenders.append(f"{where} commits")
                target = node.func.value
                if isinstance(target, ast.Name) and target.id in {"store", "uows"}:
                    offenders.append(f"{where} calls {target.id}.{node.func.attr}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "uows"
            ):
                offenders.append(f"{where} opens a unit of work")
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
                for name in names:
                    caught = _resolve(module, name)
                    if isinstance(caught, type) and issubclass(caught, DomainError):
                        offenders.append(f"{where} catches {caught.__name__}")
    assert offenders == []


def _resolve(module: ModuleType, node: ast.expr) -> object:
    if isinstance(node, ast.Name):
        return getattr(module, node.id, None)
    if isinstance(node, ast.Attribute):
        owner = _resolve(module, node.value)
        return getattr(owner, node.attr, None)
    return None


@pytest.mark.parametrize("service", SERVICES)
def test_services_raise_domain_errors_not_http_problems(service: str) -> None:
    """HTTP problems are the runtime's rendering of domain errors, never raised by a service."""
    offenders = [
        str(path.relative_to(package_dir(service)))
        for path in _source_files(service)
        if "olymp_core.problems" in path.read_text()
    ]
    assert offenders == []
