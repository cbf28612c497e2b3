"""The images build and one node of docker-compose.yml starts from them, for real.

``concordia deploy images`` builds every image of a node offline (a debootstrapped Debian base,
a wheelhouse from uv.lock, NATS from the shipped nats-server, PostgreSQL from Debian's packages);
then one node of the rendered docker-compose.yml (its PostgreSQL, its nats-server and the hub's
it joins over the leaf connection, every node service with its migration one-shot) runs from
those images, with the services' ports published on 127.0.0.1 only. An agency syncs persons and
pulls the delta feed through them; then everything the test made goes: containers, networks,
volumes and images.

Needs a Docker engine (root, ``docker info``): ``.ci/run`` installs and starts one. In CI a
missing engine fails the test; elsewhere it skips, naming why.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from polling import eventually
from registry_support import person

from concordia import kit
from concordia.cli import _images
from concordia.core.auth import TokenStore

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parents[2]
NODE = "se"
AGENCY = "agency:test-migration-office"
NODE_SERVICES = [s.name for s in kit.SERVICES if s.role == "node"]


def engine_or_reason() -> str | None:
    """Why no Docker engine can be used here, or None."""
    try:
        info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return "no docker client (.ci/run installs docker.io)"
    if info.returncode != 0:
        return f"no Docker engine answers `docker info`: {info.stderr.strip()[-300:]}"
    if subprocess.run(["docker-compose", "version"], capture_output=True).returncode != 0:
        return "no docker-compose (.ci/run installs it)"
    return None


@pytest.fixture(scope="module")
def engine() -> None:
    reason = engine_or_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the image and stack test needs a Docker engine in CI: {reason}")
    pytest.skip(reason)


def docker(*args: str, check: bool = True) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=600)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def node_compose(built: _images.Built, tokens: Path) -> dict[str, Any]:
    """One node of the rendered docker-compose.yml, on the images just built.

    The node's own services and the hub's nats-server it joins; image names swapped for the
    test's tags; each service's port published on an ephemeral port of 127.0.0.1; the test's
    tokens file mounted instead of the committed (empty) one; paths made absolute.
    """
    rendered = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    names = [f"{NODE}-postgres", f"{NODE}-nats", "hub-nats"]
    for service in NODE_SERVICES:
        names += [f"{NODE}-{service}-migrate", f"{NODE}-{service}"]
    services: dict[str, Any] = {}
    for name in names:
        spec = dict(rendered["services"][name])
        spec.pop("build", None)
        role = name.removeprefix(f"{NODE}-").removesuffix("-migrate")
        if role == "postgres":
            spec["image"] = built.postgres
        elif role in ("nats", "hub-nats"):
            spec["image"] = built.nats
        else:
            spec["image"] = built.services[role]
        files = spec.get("env_file", [])
        spec["env_file"] = [str(ROOT / f) for f in ([files] if isinstance(files, str) else files)]
        volumes = []
        for volume in spec.get("volumes", []):
            source, target, *mode = volume.split(":")
            if target.endswith("/tokens.json"):
                source = str(tokens)
            elif source.startswith("./"):
                source = str(ROOT / source)
            volumes.append(":".join([source, target, *mode]))
        spec["volumes"] = volumes
        if "ports" in spec:
            assert all(p.startswith("127.0.0.1:") for p in spec["ports"]), spec["ports"]
            spec["ports"] = ["127.0.0.1::8000"] if role in NODE_SERVICES else []
        services[name] = spec
    networks = sorted({n for spec in services.values() for n in spec["networks"]})
    volumes = sorted(v.split(":")[0] for s in services.values() for v in s["volumes"])
    return {
        "version": rendered.get("version", "3.9"),
        "services": services,
        "networks": {n: {} for n in networks},
        "volumes": {v: {} for v in volumes if not v.startswith("/")},
    }


def health(container: str) -> str:
    state = json.loads(docker("inspect", container))[0]["State"]
    return str(state.get("Health", {}).get("Status", state["Status"]))


@pytest.fixture(scope="module")
def stack(engine: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tag = f"stacktest{os.getpid()}"
    project = f"concordia-stacktest-{os.getpid()}"
    work = tmp_path_factory.mktemp("stack")
    tokens = work / "tokens.json"
    token = TokenStore(tokens).create(
        "stack-agency", {"registry:read", "registry:write"}, owner=AGENCY
    )
    tokens.chmod(0o644)  # read by the services' uid 10001 through the read-only mount
    compose = ["docker-compose", "--project-name", project, "--file", str(work / "compose.yml")]
    built: _images.Built | None = None
    started = time.monotonic()
    try:
        built = _images.build(ROOT, tag=tag, services=NODE_SERVICES, log=print)
        print(f"images built in {time.monotonic() - started:.0f} s")
        (work / "compose.yml").write_text(yaml.safe_dump(node_compose(built, tokens)))
        up = subprocess.run(
            [*compose, "up", "--detach", "--no-build"], capture_output=True, text=True
        )
        assert up.returncode == 0, f"docker-compose up failed: {up.stderr[-3000:]}"
        ports: dict[str, int] = {}
        for service in NODE_SERVICES:
            out = subprocess.run(
                [*compose, "port", f"{NODE}-{service}", "8000"],
                capture_output=True, text=True, check=True,
            ).stdout.strip()  # fmt: skip
            host, _, port = out.rpartition(":")
            assert host == "127.0.0.1", f"{service} is published on {out}, not on loopback"
            ports[service] = int(port)
        yield {"ports": ports, "token": token, "compose": compose, "project": project}
    finally:
        logs = subprocess.run([*compose, "logs", "--no-color", "--tail", "40"],
                              capture_output=True, text=True)  # fmt: skip
        print(logs.stdout[-8000:])
        subprocess.run([*compose, "down", "--volumes", "--remove-orphans", "--timeout", "10"],
                       capture_output=True)  # fmt: skip
        if built is not None:
            docker("rmi", *built.all, check=False)
        # The classic builder keeps each build stage as an untagged image: ours are labelled.
        docker("image", "prune", "--force", "--filter", "label=org.concordia.build-stage")
        print(f"stack test (build, run, teardown) took {time.monotonic() - started:.0f} s")


async def test_node_stack_serves_an_agency_from_the_built_images(
    stack: dict[str, Any],
) -> None:
    ports, project = stack["ports"], stack["project"]

    def all_healthy() -> bool:
        label = f"label=com.docker.compose.project={project}"
        ids = docker("ps", "--all", "--quiet", "--filter", label)
        states = {c: health(c) for c in ids.split()}
        assert "unhealthy" not in states.values(), states
        assert "dead" not in states.values(), states
        serving = [c for c, s in states.items() if s not in ("exited",)]
        return bool(serving) and all(states[c] == "healthy" for c in serving)

    await eventually(all_healthy, within=300, interval=2, what="every container healthy")
    # The migration one-shots finished successfully (the services depend on that).
    for service in NODE_SERVICES:
        container = f"{project}_{NODE}-{service}-migrate_1"
        state = json.loads(docker("inspect", container))[0]["State"]
        assert (state["Status"], state["ExitCode"]) == ("exited", 0), (container, state)

    headers = {"Authorization": f"Bearer {stack['token']}", "X-Purpose": "permit_case_work"}
    registry = f"http://127.0.0.1:{ports['registry']}"
    async with httpx.AsyncClient(base_url=registry, headers=headers, timeout=30) as client:
        for service, port in ports.items():
            ready = await client.get(f"http://127.0.0.1:{port}/readyz")
            assert ready.status_code == 200, (service, ready.text)
        records = [person(n, host_country="SE") for n in range(1, 6)]
        synced = await client.put("/v1/sync/persons", json={"records": records})
        assert synced.status_code == 200, synced.text
        report = synced.json()
        assert [r["status"] for r in report["results"]] == ["created"] * 5, report
        again = await client.put("/v1/sync/persons", json={"records": records})
        assert {r["status"] for r in again.json()["results"]} == {"unchanged"}

        feed = await client.get("/v1/changes", params={"after": 0})
        assert feed.status_code == 200, feed.text
        changes = feed.json()["items"]
        assert sorted(c["external_id"] for c in changes) == [r["external_id"] for r in records]
        rest = await client.get("/v1/changes", params={"after": feed.json()["next"]})
        assert rest.json()["items"] == []

        listed = await client.get("/v1/persons", params={"limit": 10})
        assert len(listed.json()["items"]) == 5
        # A token the node never issued is refused by the running image as well.
        forged = await client.get("/v1/persons", headers={"Authorization": "Bearer cnc_x"})
        assert forged.status_code == 401

    # Stored in the node's PostgreSQL container, not in a SQLite file inside the registry's.
    counted = await asyncio.to_thread(
        subprocess.run,
        [*stack["compose"], "exec", "-T", f"{NODE}-postgres", "psql", "-U", "postgres",
         "-d", "registry", "-tAc", "SELECT count(*) FROM persons"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert counted.stdout.strip() == "5", counted.stderr
