"""docker-compose.yml: rendered by the real `docker-compose config` (no engine needed), then
checked for what the coalition needs: exactly the services of ``concordia.kit.SERVICES``, each
built from the one Dockerfile, healthchecks, start order, non-root, ports, networks, and env
files that agree with each other, with the NATS configs and with the settings."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.hazmat.primitives import serialization

from concordia.events.natsserver import find_binary
from concordia.hub.nodes import read_nodes_dir
from concordia.hub.settings import HubSettings
from concordia.identity import DirectoryPin, NodeKey
from concordia.kit import HUB_SERVICES, NODE_SERVICES, SERVICES, ServiceSpec

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = "deploy/docker/Dockerfile"
CODES = ("se", "pl", "de")
NODE_NAMES = tuple(spec.name for spec in NODE_SERVICES)
ROOT_USERS = {None, "", "root", "0", "0:0"}
CORE_ENV = {
    "CONCORDIA_ENV",
    "CONCORDIA_NODE",
    "CONCORDIA_NODE_KEY",
    "CONCORDIA_TOKENS_FILE",
    "CONCORDIA_NATS_URL",
    "CONCORDIA_NATS_SHARED_URL",
    "CONCORDIA_IDENTITY_KEY_FILE",
    "CONCORDIA_IDENTITY_DIRECTORY_FILE",
}
#: Read by the image's entrypoint (deploy/docker/entrypoint.sh), not by the settings.
ENTRYPOINT_ENV = {"CONCORDIA_IDENTITY_KEY_SOURCE"}


def compose_command() -> list[str] | None:
    """`docker-compose` (Debian's package, works without an engine) or `docker compose`."""
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


@pytest.fixture(scope="module")
def rendered() -> dict[str, Any]:
    """The file as Compose itself resolves it: anchors merged, env files read."""
    command = compose_command()
    if command is None:
        pytest.skip(
            "neither docker-compose nor `docker compose` is installed (.ci/run installs it)"
        )
    result = subprocess.run(
        [*command, "-f", str(COMPOSE), "config"],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


@pytest.fixture(scope="module")
def services(rendered: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The rendered services by name."""
    return dict(rendered["services"])


def mounts(service: dict[str, Any]) -> list[dict[str, str]]:
    """The service's volumes as type, source, target (compose v1 renders them as strings)."""
    found = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
            kind = "bind" if source.startswith(("/", ".")) else "volume"
            volume = {"type": kind, "source": source, "target": target}
        found.append({k: volume[k] for k in ("type", "source", "target")})
    return found


def is_one_shot(service: dict[str, Any]) -> bool:
    """A migration service: runs once, before the service that needs it."""
    return service.get("command") == ["migrate"]


def compose_name(node: str, spec: ServiceSpec) -> str:
    """A service's name in compose: ``<node>-<service>``; the hub service is just ``hub``."""
    return "hub" if (node, spec.name) == ("hub", "hub") else f"{node}-{spec.name}"


def apps() -> list[tuple[str, str, ServiceSpec]]:
    """(compose name, its node or 'hub', its entry in the list) of every HTTP service."""
    found = [(compose_name(c, s), c, s) for c in CODES for s in NODE_SERVICES]
    return [*found, *((compose_name("hub", s), "hub", s) for s in HUB_SERVICES)]


def test_exactly_the_services_of_the_list_at_the_hub_and_three_nodes(
    services: dict[str, dict[str, Any]],
) -> None:
    """Node services at every node, hub services at the hub: no more, no fewer."""
    assert {s.role for s in SERVICES} == {"node", "hub"}
    expected = {f"{node}-{part}" for node in ("hub", *CODES) for part in ("postgres", "nats")}
    expected |= {f"{name}{suffix}" for name, _, _ in apps() for suffix in ("", "-migrate")}
    assert set(services) == expected, (
        f"missing: {sorted(expected - set(services))}, unknown: {sorted(set(services) - expected)}"
    )


def test_every_service_builds_from_the_one_dockerfile(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, _, spec in apps():
        for each in (name, f"{name}-migrate"):
            build = services[each]["build"]
            assert Path(build["context"]) == ROOT, each
            assert build["dockerfile"] in (DOCKERFILE, str(ROOT / DOCKERFILE)), each
            assert build["args"] == {"SERVICE": spec.name}, each
            assert services[each]["image"].split(":")[0] == spec.image, each
    assert (ROOT / DOCKERFILE).is_file()


def test_apps_publish_the_image_port_on_localhost(services: dict[str, dict[str, Any]]) -> None:
    published = []
    for name, _, _ in apps():
        (port,) = services[name]["ports"]
        text = port if isinstance(port, str) else f"{port['host_ip']}:{port['published']}:"
        target = port.split(":")[-1].split("/")[0] if isinstance(port, str) else str(port["target"])
        assert target == "8000", f"{name}: every image listens on 8000"
        published.append(text.split(":")[1])
    assert len(set(published)) == len(published), published


def test_every_long_running_service_has_a_healthcheck(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        if is_one_shot(service):
            assert service["restart"] == "no", name
            continue
        check = service.get("healthcheck", {})
        assert not check.get("disable"), name
        assert check.get("test"), f"{name} has no healthcheck"
        assert service["restart"] == "unless-stopped", name


def test_apps_wait_for_their_healthy_database_nats_and_migration(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, node, _ in apps():
        depends = services[name]["depends_on"]
        assert depends[f"{node}-postgres"]["condition"] == "service_healthy", name
        assert depends[f"{node}-nats"]["condition"] == "service_healthy", name
        migrate = f"{name}-migrate"
        assert depends[migrate]["condition"] == "service_completed_successfully", name
        # The migration is the same image with the same settings, run first.
        one_shot = services[migrate]
        assert is_one_shot(one_shot)
        assert services[name]["command"] == ["serve"]
        assert one_shot["image"] == services[name]["image"]
        assert one_shot["environment"] == services[name]["environment"], name
        assert one_shot["depends_on"][f"{node}-postgres"]["condition"] == "service_healthy"


def test_nodes_join_the_hub_once_it_is_healthy(services: dict[str, dict[str, Any]]) -> None:
    for code in CODES:
        assert services[f"{code}-nats"]["depends_on"]["hub-nats"]["condition"] == "service_healthy"


def test_no_service_runs_as_root(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        assert service.get("user") not in ROOT_USERS, f"{name} runs as root"
        assert not service.get("privileged", False), name


def test_published_ports_are_local_and_no_node_nats_is_published(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        ports = service.get("ports", [])
        for port in ports:
            text = port if isinstance(port, str) else f"{port['host_ip']}:{port['published']}"
            assert text.startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"
        if name.endswith("-nats") or name.endswith("-postgres"):
            published = [p if isinstance(p, str) else str(p["target"]) for p in ports]
            if name == "hub-nats":
                assert [p.split(":")[-1].split("/")[0] for p in published] == ["7422"]
            else:
                assert not published, f"{name} is published"


def test_only_the_nats_servers_share_a_network(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        networks = set(service["networks"])
        node = name.split("-")[0]
        if name.endswith("-nats"):
            assert networks == {node, "coalition"}, name
        else:
            assert networks == {node}, name


def test_data_lives_in_named_volumes(
    rendered: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    for node in ("hub", *CODES):
        for kind, target in (("postgres", "/var/lib/postgresql/data"), ("nats", "/data")):
            found = mounts(services[f"{node}-{kind}"])
            named = [m for m in found if m["type"] == "volume" and m["target"] == target]
            assert named, f"{node}-{kind} keeps no data"
            assert named[0]["source"] in rendered["volumes"]


def test_images_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        repository, _, tag = service["image"].rpartition(":")
        assert repository, (name, service["image"])
        assert tag not in ("", "latest"), (name, service["image"])


def test_secrets_are_visibly_development_placeholders(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for key, value in service.get("environment", {}).items():
            if "PASSWORD" in key or (key.endswith("_URL") and "@" in str(value)):
                assert "devonly" in str(value), f"{name}: {key} is not a dev placeholder"
        env = service.get("environment", {})
        if name == "hub":
            for file in sorted(hub_nodes_dir(services).glob("*.json")):
                assert "devonly" in file.read_text(), f"{file.name} is not a dev placeholder"
        if "CONCORDIA_ENV" in env:
            assert env["CONCORDIA_ENV"] == "dev", name


def _password(url: str, user: str) -> str:
    parts = urlsplit(url)
    assert parts.username == user, (url, user)
    assert parts.password
    return parts.password


def hub_nodes_dir(services: dict[str, dict[str, Any]]) -> Path:
    """The checked-in directory mounted (read-only) where the hub reads its node files."""
    hub = services["hub"]
    target = hub["environment"]["CONCORDIA_HUB_NODES_DIR"]
    (volume,) = [v for v in hub["volumes"] if target in str(v)]
    read_only = volume.endswith(":ro") if isinstance(volume, str) else volume.get("read_only")
    assert read_only, f"the hub's node files are mounted writable: {volume}"
    return _mounted(hub, target)


def test_env_files_agree_with_each_other(services: dict[str, dict[str, Any]]) -> None:
    """Every password a client uses is the one its server is given."""
    hub_nats = services["hub-nats"]["environment"]
    for code in CODES:
        nats = services[f"{code}-nats"]["environment"]
        postgres = services[f"{code}-postgres"]["environment"]
        assert nats["NATS_DOMAIN"] == code
        leaf_url = nats["NATS_HUB_LEAF_URL"]
        assert _password(leaf_url, f"leaf-{code}") == hub_nats[f"NATS_LEAF_{code.upper()}_PASSWORD"]
        assert urlsplit(leaf_url).hostname == "hub-nats"
        assert set(postgres["CONCORDIA_DATABASES"].split()) == set(NODE_NAMES)
        for kind in NODE_NAMES:
            env = services[f"{code}-{kind}"]["environment"]
            assert env["CONCORDIA_NODE"] == code
            local = env["CONCORDIA_NATS_URL"]
            shared = env["CONCORDIA_NATS_SHARED_URL"]
            assert _password(local, kind) == nats[f"NATS_{kind.upper()}_PASSWORD"]
            assert (
                _password(shared, f"{kind}-shared") == nats[f"NATS_{kind.upper()}_SHARED_PASSWORD"]
            )
            assert {urlsplit(local).hostname, urlsplit(shared).hostname} == {f"{code}-nats"}
            db = env[f"CONCORDIA_{kind.upper()}_DATABASE_URL"]
            assert _password(db, kind) == postgres[f"{kind.upper()}_DB_PASSWORD"]
            assert urlsplit(db).hostname == f"{code}-postgres"
            assert urlsplit(db).path == f"/{kind}"
    hub = services["hub"]["environment"]
    assert hub["CONCORDIA_NODE"] == "hub"
    nodes = read_nodes_dir(hub_nodes_dir(services))  # as the hub reads it (bad files skipped)
    assert sorted(nodes) == sorted(CODES)
    for code, node in nodes.items():
        expected = hub_nats[f"NATS_HUB_{code.upper()}_PASSWORD"]
        assert _password(node.nats_url, f"hub-{code}") == expected, code
        url = urlsplit(node.nats_url)
        assert (url.hostname, url.port) == ("hub-nats", 4222), code
    db = hub["CONCORDIA_HUB_DATABASE_URL"]
    assert _password(db, "hub") == services["hub-postgres"]["environment"]["HUB_DB_PASSWORD"]


def test_services_accept_their_settings(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The settings classes load the rendered environment (a typo would be ignored silently)."""
    for code in CODES:
        for spec in NODE_SERVICES:
            kind, settings_class = spec.name, spec.settings_class()
            env = services[f"{code}-{kind}"]["environment"]
            with monkeypatch.context() as patch:
                for key, value in env.items():
                    patch.setenv(key, str(value))
                settings = settings_class()
            assert settings.node == code
            assert settings.database_url == env[f"CONCORDIA_{kind.upper()}_DATABASE_URL"]
            assert settings.nats_url == env["CONCORDIA_NATS_URL"]
            prefix = f"CONCORDIA_{kind.upper()}_"
            for key in env:
                assert key in CORE_ENV | ENTRYPOINT_ENV or key.startswith(prefix), (
                    f"{code}-{kind}: unknown {key}"
                )
            assert settings.identity_key_file == Path(env["CONCORDIA_IDENTITY_KEY_FILE"])
            directory = Path(env["CONCORDIA_IDENTITY_DIRECTORY_FILE"])
            assert settings.identity_directory_file == directory


def test_hub_accepts_its_settings(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """HubSettings loads the rendered environment; it reads the mounted node files, sourced."""
    env = services["hub"]["environment"]
    for key, value in env.items():
        monkeypatch.setenv(key, str(value))
    settings = HubSettings()
    assert (settings.node, settings.stream_mode) == ("hub", "sourced")
    assert settings.database_url == env["CONCORDIA_HUB_DATABASE_URL"]
    assert settings.nodes_dir == Path(env["CONCORDIA_HUB_NODES_DIR"])
    assert hub_nodes_dir(services).is_dir()
    for key in env:
        assert key in CORE_ENV or key.startswith("CONCORDIA_HUB_"), f"hub: unknown {key}"
        assert (
            not key.startswith("CONCORDIA_HUB_")
            or key.removeprefix("CONCORDIA_HUB_").lower() in HubSettings.model_fields
        ), f"hub: {key} is no setting of the hub"


def _mounted(service: dict[str, Any], target: str) -> Path:
    (mount,) = [m for m in mounts(service) if m["target"] == target]
    return Path(mount["source"])


def read_only(service: dict[str, Any], target: str) -> bool:
    """Whether the volume mounted at ``target`` is read-only."""
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            parts = volume.split(":")
            if parts[1] == target:
                return len(parts) > 2 and "ro" in parts[2].split(",")
        elif volume["target"] == target:
            return bool(volume.get("read_only"))
    raise AssertionError(f"nothing is mounted at {target}")


def host_path(service: dict[str, Any], path: str) -> Path:
    """The file on the host that a bind mount of ``service`` shows at container ``path``."""
    for mount in mounts(service):
        if mount["type"] == "bind" and (path + "/").startswith(mount["target"].rstrip("/") + "/"):
            return Path(mount["source"]) / path.removeprefix(mount["target"]).lstrip("/")
    raise AssertionError(f"no bind mount shows {path}")


@pytest.mark.parametrize("node", ["hub", *CODES])
def test_nats_configs_are_valid_with_the_compose_environment(
    services: dict[str, dict[str, Any]], node: str, tmp_path: Path
) -> None:
    """nats-server accepts its config with the compose environment and only the files compose
    mounts: the config, its includes next to it, and the leaf TLS directories (read-only)."""
    service = services[f"{node}-nats"]
    conf_path = service["command"][-1]
    conf = _mounted(service, conf_path)
    assert conf.is_file(), conf
    text = conf.read_text()
    for mount in mounts(service):
        if mount["type"] != "bind":
            continue
        source, target = Path(mount["source"]), mount["target"]
        assert read_only(service, target), f"{node}-nats: {target} is mounted writable"
        if Path(target).parent == Path(conf_path).parent and source.is_file():
            # includes resolve next to the config, as in the container
            assert source.parent == conf.parent, mount
            shutil.copy(source, tmp_path / Path(target).name)
        else:  # a directory of files the config names by their container path
            assert source.is_dir(), mount
            assert f'"{target}/' in text, f"{node}-nats mounts {target}, unused by its config"
            text = text.replace(f'"{target}/', f'"{source}/')
    assert '"/etc/' not in text, f"{node}-nats: its config reads a file compose does not mount"
    (tmp_path / conf.name).write_text(text)
    env = {k: str(v) for k, v in service["environment"].items()}
    result = subprocess.run(
        [str(find_binary()), "-c", str(tmp_path / conf.name), "-t"],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_the_hub_verifies_every_nodes_leaf_client_certificate(
    services: dict[str, dict[str, Any]],
) -> None:
    """Mutual TLS in compose: the hub's leaf listener verifies client certificates of the CA
    it mounts, and every node's leaf remote presents one of that CA, named for its leaf user."""
    from cryptography import x509

    hub = services["hub-nats"]
    hub_conf = _mounted(hub, hub["command"][-1]).read_text()
    leaf = hub_conf[hub_conf.index("\nleafnodes {") :]
    leaf = leaf[: leaf.index("\n}")]
    assert re.search(r"^\s*verify: true$", leaf, re.M), "the hub's leaf listener verifies nothing"
    ca_path = re.search(r'ca_file: "([^"]+)"', leaf)
    assert ca_path, "the hub's leaf listener names no CA for client certificates"
    ca = x509.load_pem_x509_certificate(host_path(hub, ca_path.group(1)).read_bytes())
    for code in CODES:
        node = services[f"{code}-nats"]
        conf = _mounted(node, node["command"][-1]).read_text()
        remote = conf[conf.index("# >>> leaf remote") : conf.index("# <<< leaf remote")]
        files = dict(re.findall(r'(ca_file|cert_file|key_file): "([^"]+)"', remote))
        assert set(files) == {"ca_file", "cert_file", "key_file"}, files
        assert host_path(node, files["ca_file"]).read_bytes() == ca.public_bytes(
            serialization.Encoding.PEM
        ), f"{code}: the node's hub CA is not the hub's"
        cert = x509.load_pem_x509_certificate(host_path(node, files["cert_file"]).read_bytes())
        assert cert.issuer == ca.subject, code
        cert.verify_directly_issued_by(ca)
        names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        assert [n.value for n in names] == [f"leaf-{code}"]
        key = serialization.load_pem_private_key(
            host_path(node, files["key_file"]).read_bytes(), None
        )
        public = serialization.PublicFormat.SubjectPublicKeyInfo
        assert key.public_key().public_bytes(serialization.Encoding.DER, public) == (
            cert.public_key().public_bytes(serialization.Encoding.DER, public)
        ), f"{code}: the leaf client key is not the certificate's"


def test_node_services_mount_their_identity_read_only(
    services: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """Every node service gets the node's signing key and the directory it pinned, from a
    read-only mount; the key it loads is a copy on a tmpfs (the entrypoint makes it 0600), and
    it is the key the pinned directory lists for the node."""
    pins = {}
    for name, code, spec in apps():
        if spec.role != "node":
            continue
        service = services[name]
        env = service["environment"]
        source, directory = (
            env["CONCORDIA_IDENTITY_KEY_SOURCE"],
            env["CONCORDIA_IDENTITY_DIRECTORY_FILE"],
        )
        for path in (source, directory):
            mount = next(m for m in mounts(service) if path.startswith(m["target"] + "/"))
            assert read_only(service, mount["target"]), f"{name}: {path} is mounted writable"
        key_file = env["CONCORDIA_IDENTITY_KEY_FILE"]
        assert any(key_file.startswith(t.split(":")[0] + "/") for t in service.get("tmpfs", [])), (
            f"{name}: the copy of the key ({key_file}) is not on a tmpfs"
        )
        copy = tmp_path / f"{name}.key"
        copy.write_bytes(host_path(service, source).read_bytes())
        copy.chmod(0o600)
        pin = DirectoryPin.load(host_path(service, directory))
        assert pin.keys()[code] == NodeKey.load(copy).public, f"{name}: not {code}'s key"
        pins[name] = pin.document
    assert len({doc.model_dump_json() for doc in pins.values()}) == 1, "nodes pin different ones"
    hub = services["hub"]
    directory = hub["environment"]["CONCORDIA_HUB_DIRECTORY_FILE"]
    assert read_only(hub, str(Path(directory).parent)), "the hub's directory is mounted writable"
    kept = DirectoryPin.load(host_path(hub, directory)).document
    assert kept.model_dump_json() == next(iter(pins.values())).model_dump_json()


def test_postgres_init_script_is_valid_sh() -> None:
    script = ROOT / "deploy" / "compose" / "postgres" / "init-databases.sh"
    result = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_postgres_init_script_creates_a_role_and_database_per_service() -> None:
    """Run against the test PostgreSQL (as the image runs it: psql as the superuser)."""
    import os
    import secrets

    url = os.environ.get("CONCORDIA_TEST_DATABASE_URL")
    if not url or shutil.which("psql") is None:
        pytest.skip("needs CONCORDIA_TEST_DATABASE_URL and psql")
    parts = urlsplit(url)
    names = [f"ztest_init_{secrets.token_hex(4)}_{kind}" for kind in NODE_NAMES]
    env = {
        "PATH": os.environ["PATH"],
        "PGHOST": parts.hostname or "127.0.0.1",
        "PGPORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres",
        "CONCORDIA_DATABASES": " ".join(names),
    } | {f"{name.upper()}_DB_PASSWORD": "devonly0000" for name in names}
    if parts.password:
        env["PGPASSWORD"] = parts.password
    script = ROOT / "deploy" / "compose" / "postgres" / "init-databases.sh"
    try:
        result = subprocess.run(
            ["sh", str(script)], env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        listed = subprocess.run(
            ["psql", "-tAc", "select datname || ':' || pg_get_userbyid(datdba) from pg_database",
             "--dbname", "postgres"],
            env=env, capture_output=True, text=True, timeout=30, check=True,
        ).stdout.split()  # fmt: skip
        for name in names:
            assert f"{name}:{name}" in listed
    finally:
        for name in names:
            for sql in (f'drop database if exists "{name}"', f'drop role if exists "{name}"'):
                subprocess.run(["psql", "-c", sql, "--dbname", "postgres"], env=env,
                               capture_output=True, timeout=30, check=False)  # fmt: skip


def test_each_service_runs_as_its_image_user(services: dict[str, dict[str, Any]]) -> None:
    """`user:` repeats the Dockerfile's USER, so a volume's ownership and the image agree."""
    users = {}
    for kind, path in (
        ("app", ROOT / DOCKERFILE),
        ("nats", ROOT / "deploy/docker/nats/Dockerfile"),
    ):
        (user,) = [line.split()[1] for line in path.read_text().splitlines()
                   if line.startswith("USER ")]  # fmt: skip
        users[kind] = user
    for name, _, _ in apps():
        for each in (name, f"{name}-migrate"):
            assert services[each]["user"] == users["app"], each
    for node in ("hub", *CODES):
        assert services[f"{node}-nats"]["user"] == users["nats"], node
