"""deploy/k8s/registry: parsed with PyYAML, checked for the restricted Pod Security Standard,
probes and limits, and for settings the service really reads; rendered by kustomize when kubectl
is installed (no cluster is needed to render)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from concordia.registry.settings import RegistrySettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s" / "registry"
NAMESPACE = "concordia-se"
ENTRYPOINT_ENV = {"WORKERS"}  # read by the image's entrypoint, not by the settings


def load(name: str) -> list[dict[str, Any]]:
    """Every document of a manifest file."""
    return [doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc is not None]


def one(name: str) -> dict[str, Any]:
    """The single document of a manifest file."""
    (doc,) = load(name)
    return doc


@pytest.fixture(scope="module")
def pod() -> dict[str, Any]:
    """The registry Deployment's pod spec."""
    deployment = one("deployment.yaml")
    assert deployment["kind"] == "Deployment"
    return deployment["spec"]["template"]["spec"]


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    """Init containers and containers."""
    return [*pod.get("initContainers", []), *pod["containers"]]


def main_container(pod: dict[str, Any]) -> dict[str, Any]:
    """The registry container."""
    (container,) = [c for c in pod["containers"] if c["name"] == "registry"]
    return container


def env_names(container: dict[str, Any]) -> set[str]:
    """The environment variables a container sets one by one."""
    return {entry["name"] for entry in container.get("env", [])}


def test_every_manifest_parses() -> None:
    files = sorted(p.name for p in K8S.glob("*.yaml"))
    assert {"kustomization.yaml", "deployment.yaml", "service.yaml", "configmap.yaml"} <= set(files)
    assert "secret.example.yaml" in files
    for name in files:
        for doc in load(name):
            assert doc.get("apiVersion"), name
            assert doc.get("kind"), name


def test_kustomization_sets_the_country_namespace_and_leaves_secrets_out() -> None:
    kustomization = one("kustomization.yaml")
    assert kustomization["namespace"] == NAMESPACE
    resources = kustomization["resources"]
    assert "secret.example.yaml" not in resources
    for resource in resources:
        assert (K8S / resource).is_file(), resource
    referenced = set(resources) | {"kustomization.yaml", "secret.example.yaml"}
    assert referenced == {p.name for p in K8S.glob("*.yaml")}, "a manifest is not listed"
    (image,) = kustomization["images"]
    assert image["newTag"] not in ("", "latest")


def test_namespace_enforces_restricted_pod_security() -> None:
    namespace = one("namespace.yaml")
    assert namespace["metadata"]["name"] == NAMESPACE
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_pod_runs_as_the_image_user_with_runtime_default_seccomp(pod: dict[str, Any]) -> None:
    security = pod["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] == 10001  # USER of services/registry/Dockerfile
    assert security["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["automountServiceAccountToken"] is False


def test_every_container_is_locked_down(pod: dict[str, Any]) -> None:
    for container in containers(pod):
        security = container["securityContext"]
        name = container["name"]
        assert security["runAsNonRoot"] is True, name
        assert security["allowPrivilegeEscalation"] is False, name
        assert security["readOnlyRootFilesystem"] is True, name
        assert security["capabilities"]["drop"] == ["ALL"], name
        assert "add" not in security["capabilities"], name
        assert security["seccompProfile"]["type"] == "RuntimeDefault", name
        assert not security.get("privileged", False), name


def test_every_container_has_requests_and_limits(pod: dict[str, Any]) -> None:
    for container in containers(pod):
        resources = container["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[kind]), (container["name"], kind)


def test_tmp_is_a_writable_empty_dir(pod: dict[str, Any]) -> None:
    volumes = {v["name"]: v for v in pod["volumes"]}
    for container in containers(pod):
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert "/tmp" in mounts, container["name"]
        assert "emptyDir" in volumes[mounts["/tmp"]]


def test_probes(pod: dict[str, Any]) -> None:
    container = main_container(pod)
    (port,) = container["ports"]
    assert port["containerPort"] == 8000
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in (port["name"], 8000)


def test_migrations_run_before_the_service(pod: dict[str, Any]) -> None:
    (init,) = pod["initContainers"]
    assert init["args"] == ["migrate"]
    assert main_container(pod)["args"] == ["serve"]
    assert init["image"] == main_container(pod)["image"]
    # The migration reads the same settings as the service (node key checked, same database).
    assert {"CONCORDIA_NODE_KEY", "CONCORDIA_REGISTRY_DATABASE_URL"} <= env_names(init)
    assert init["envFrom"] == main_container(pod)["envFrom"]


def test_images_are_never_latest(pod: dict[str, Any]) -> None:
    for container in containers(pod):
        image = container["image"]
        assert not image.endswith(":latest"), image
        assert container.get("imagePullPolicy") != "Always" or ":" in image


def test_every_variable_is_a_setting_the_service_reads(pod: dict[str, Any]) -> None:
    """pydantic-settings ignores unknown variables: a typo would be silently dropped."""
    known: set[str] = set()
    prefix = RegistrySettings.model_config.get("env_prefix", "")
    for name, info in RegistrySettings.model_fields.items():
        alias = info.validation_alias
        known.add(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    config = one("configmap.yaml")["data"]
    names = set(config) | {n for c in containers(pod) for n in env_names(c)}
    assert names - ENTRYPOINT_ENV <= known, names - ENTRYPOINT_ENV - known
    assert config["CONCORDIA_ENV"] == "prod"
    assert config["CONCORDIA_NODE"] == NAMESPACE.removeprefix("concordia-")


def test_configmap_holds_no_secrets() -> None:
    config = one("configmap.yaml")["data"]
    for key in ("CONCORDIA_NODE_KEY", "CONCORDIA_REGISTRY_DATABASE_URL", "CONCORDIA_NATS_URL"):
        assert key not in config, f"{key} carries a secret: it belongs in a Secret"


def test_settings_load_from_the_manifests(
    pod: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ConfigMap plus valid secret values make settings the service accepts in prod."""
    for key, value in one("configmap.yaml")["data"].items():
        monkeypatch.setenv(key, str(value))
    monkeypatch.setenv("CONCORDIA_NODE_KEY", "A" * 43 + "=")
    monkeypatch.setenv("CONCORDIA_REGISTRY_DATABASE_URL", "postgresql://registry:x@db/registry")
    monkeypatch.setenv("CONCORDIA_NATS_URL", "nats://registry:x@nats:4222")
    settings = RegistrySettings()
    assert settings.env == "prod"
    assert settings.node == "se"
    tokens_dir = next(
        m["mountPath"] for m in main_container(pod)["volumeMounts"] if m["name"] == "tokens"
    )
    assert settings.tokens_file.parent == Path(tokens_dir)


def test_secret_references_match_the_example(pod: dict[str, Any]) -> None:
    examples = {doc["metadata"]["name"]: doc for doc in load("secret.example.yaml")}
    for doc in examples.values():
        assert doc["kind"] == "Secret"
    wanted: set[tuple[str, str]] = set()
    for container in containers(pod):
        for entry in container.get("env", []):
            ref = entry.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                wanted.add((ref["name"], ref["key"]))
    for volume in pod["volumes"]:
        if "secret" in volume:
            for item in volume["secret"]["items"]:
                wanted.add((volume["secret"]["secretName"], item["key"]))
    for name, key in wanted:
        assert name in examples, f"secret {name} is not documented in secret.example.yaml"
        assert key in examples[name]["stringData"], f"{name}/{key} is not documented"


def test_tokens_mount_follows_secret_updates(pod: dict[str, Any]) -> None:
    """A subPath mount never sees a changed Secret; the service re-reads the file instead."""
    for mount in main_container(pod)["volumeMounts"]:
        if mount["name"] == "tokens":
            assert "subPath" not in mount
            assert mount["readOnly"] is True


def test_service_selects_the_pods() -> None:
    service = one("service.yaml")
    labels = one("deployment.yaml")["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] in ("http", 8000)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (kustomize) not installed")
def test_kustomize_renders_into_the_country_namespace() -> None:
    result = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == ["ConfigMap", "Deployment", "Namespace", "Service"]
    for doc in docs:
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == NAMESPACE, doc["kind"]
    (deployment,) = [d for d in docs if d["kind"] == "Deployment"]
    for container in containers(deployment["spec"]["template"]["spec"]):
        repository, _, tag = container["image"].rpartition(":")
        assert repository, container["image"]
        assert tag not in ("", "latest"), container["image"]
