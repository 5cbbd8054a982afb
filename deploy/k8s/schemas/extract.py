"""Turn operators' CustomResourceDefinitions into the JSON schemas the k8s tests validate against.

    python deploy/k8s/schemas/extract.py --source "cloudnative-pg/cloudnative-pg v1.30.0 <commit>" \
        path/to/postgresql.cnpg.io_clusters.yaml ...

Each served version of each CRD becomes `<group>/<kind>_<version>.json` beside this file (the
`openAPIV3Schema`, descriptions left out: they are most of the bytes and checked by nobody), and
`sources.json` records where it came from: the repository, release tag, commit, path in the
repository and the sha256 of the CRD file read. Upgrading an operator: extract its CRDs again from
the new release and commit the diff with the new versions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent


def without_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [without_descriptions(v) for v in node]
    return node


def extract(crd_file: Path, source: str, out: Path) -> list[dict[str, str]]:
    text = crd_file.read_bytes()
    crd = yaml.safe_load(text)
    if crd.get("kind") != "CustomResourceDefinition":
        raise SystemExit(f"{crd_file}: not a CustomResourceDefinition")
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    repository, tag, commit = source.split()
    written = []
    for version in crd["spec"]["versions"]:
        if not version.get("served", False):
            continue
        schema = without_descriptions(version["schema"]["openAPIV3Schema"])
        target = out / group / f"{kind.lower()}_{version['name']}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
        written.append(
            {
                "apiVersion": f"{group}/{version['name']}",
                "kind": kind,
                "schema": str(target.relative_to(out)),
                "repository": repository,
                "tag": tag,
                "commit": commit,
                "path": crd_file.name,
                "sha256": hashlib.sha256(text).hexdigest(),
            }
        )
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help='"<owner/repo> <tag> <commit>"')
    parser.add_argument("--repo-path", default="config/crd/bases", help="the CRDs' folder there")
    parser.add_argument("crd", nargs="+", type=Path)
    args = parser.parse_args()
    sources_file = HERE / "sources.json"
    sources = json.loads(sources_file.read_text()) if sources_file.exists() else []
    for crd_file in args.crd:
        for entry in extract(crd_file, args.source, HERE):
            entry["path"] = f"{args.repo_path}/{entry['path']}"
            sources = [s for s in sources if s["schema"] != entry["schema"]] + [entry]
    sources.sort(key=lambda s: s["schema"])
    sources_file.write_text(json.dumps(sources, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
