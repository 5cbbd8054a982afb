"""Generate the Python gRPC stubs for proto/olymp into libs/proto/olymp.

    uv run python scripts/gen_proto.py           # regenerate the committed stubs
    uv run python scripts/gen_proto.py --check   # exit 1 if the committed stubs are stale

The stubs are committed so a fresh clone imports them without a build step; `--check` in CI keeps
them honest. Output depends only on the .proto files and the grpcio-tools version pinned in uv.lock.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
OUT_ROOT = ROOT / "libs" / "proto"
PACKAGE = "olymp"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")
INIT_TEXT = ""
# Marks the stubs as typed (PEP 561), so mypy reads them instead of refusing the import.
MARKER_FILES = ("__init__.py", "py.typed")


def proto_files() -> list[Path]:
    """Every .proto under proto/olymp, relative to proto/, in a stable order."""
    return sorted(p.relative_to(PROTO_ROOT) for p in (PROTO_ROOT / PACKAGE).rglob("*.proto"))


def generate(out_root: Path) -> None:
    """Run protoc over every .proto into `out_root`, with an __init__.py at each package level."""
    protos = proto_files()
    if not protos:
        raise SystemExit(f"no .proto files under {PROTO_ROOT / PACKAGE}")
    out_root.mkdir(parents=True, exist_ok=True)
    # Sorted, relative paths keep the generated descriptors identical from run to run and machine
    # to machine; grpc_tools adds its bundled well-known types (google/protobuf/*.proto) itself.
    command = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"--python_out={out_root}",
        f"--pyi_out={out_root}",
        f"--grpc_python_out={out_root}",
        *(str(p) for p in protos),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"protoc failed ({result.returncode}):\n{result.stderr}")
    for proto in protos:
        package_dir = out_root / proto.parent
        while package_dir != out_root:
            init = package_dir / "__init__.py"
            if not init.exists():
                init.write_text(INIT_TEXT)
            package_dir = package_dir.parent
    (out_root / PACKAGE / "py.typed").write_text("")


def tracked_files(root: Path) -> set[Path]:
    """Generated stubs and package markers under root/olymp, relative to root."""
    package_root = root / PACKAGE
    if not package_root.exists():
        return set()
    return {
        p.relative_to(root)
        for p in package_root.rglob("*")
        if p.is_file() and (p.name in MARKER_FILES or p.name.endswith(GENERATED_SUFFIXES))
    }


def differing_files(expected_root: Path, actual_root: Path) -> list[Path]:
    """Files that are missing, extra or different in `actual_root` compared with `expected_root`."""
    expected = tracked_files(expected_root)
    actual = tracked_files(actual_root)
    differing = {
        path
        for path in expected & actual
        if not filecmp.cmp(expected_root / path, actual_root / path, shallow=False)
    }
    # A stale package marker is harmless; a leftover stub of a deleted .proto is not.
    extra = {p for p in actual - expected if p.name not in MARKER_FILES}
    return sorted(differing | (expected - actual) | extra)


def write() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        for path in differing_files(fresh, OUT_ROOT):
            target = OUT_ROOT / path
            source = fresh / path
            if source.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
            else:
                target.unlink()
                print(f"removed {target.relative_to(ROOT)}")


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        stale = differing_files(fresh, OUT_ROOT)
    if not stale:
        print("gRPC stubs are up to date")
        return 0
    print("gRPC stubs are stale; run `uv run python scripts/gen_proto.py` and commit the result:")
    for path in stale:
        print(f"  {(OUT_ROOT / path).relative_to(ROOT)}")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary directory and exit 1 if the committed stubs differ",
    )
    args = parser.parse_args(argv)
    if args.check:
        return check()
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
