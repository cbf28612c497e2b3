"""Every service's Dockerfile, .dockerignore and the shared entrypoint, without a Docker engine.

The Dockerfile is read statically; the build context is computed from .dockerignore with the
rules of Docker's pattern matcher; the entrypoint runs for real against the development venv.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERIGNORE = ROOT / ".dockerignore"
ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
# Every service, its uvicorn factory and port.
SERVICES = {
    "registry": ("concordia.registry.app:main", 8000),
    "ledger": ("concordia.ledger.app:main", 8000),
    "hub": ("concordia.hub.app:create", 8600),
}
SECRET_ENV = re.compile(r"(PASSWORD|SECRET|NODE_KEY|TOKEN$|CREDENTIALS)", re.I)


@dataclass
class Stage:
    """One ``FROM`` and its instructions, as (instruction, arguments) pairs."""

    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, instruction: str) -> list[str]:
        """The arguments of every ``instruction`` in this stage."""
        return [rest for name, rest in self.instructions if name == instruction]


def parse_dockerfile(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ``ARG`` defaults and the stages, continuation lines joined, comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#"):
            continue
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        lines.append(pending + raw)
        pending = ""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in filter(str.strip, lines):
        instruction, _, rest = line.strip().partition(" ")
        instruction, rest = instruction.upper(), rest.strip()
        if instruction == "FROM":
            words = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: global_args[m.group(1)], words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image=image, name=name))
        elif not stages and instruction == "ARG":
            key, _, default = rest.partition("=")
            global_args[key] = default
        else:
            stages[-1].instructions.append((instruction, rest))
    return global_args, stages


def test_every_service_has_a_dockerfile() -> None:
    present = {p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").is_file()}
    assert present <= set(SERVICES), (
        f"services without a deploy contract: {present - set(SERVICES)}"
    )
    for name in SERVICES:
        assert (ROOT / "services" / name / "Dockerfile").is_file(), name


@pytest.fixture(params=sorted(SERVICES), scope="module")
def service(request: pytest.FixtureRequest) -> str:
    """One service's name."""
    return str(request.param)


@pytest.fixture(scope="module")
def stages(service: str) -> list[Stage]:
    """The service's Dockerfile's stages."""
    return parse_dockerfile((ROOT / "services" / service / "Dockerfile").read_text())[1]


def _copy_sources(stages: list[Stage]) -> list[str]:
    """Every path a ``COPY`` takes from the build context (not ``--from`` a stage)."""
    sources: list[str] = []
    for stage in stages:
        for args in stage.args("COPY"):
            words = shlex.split(args)
            if any(w.startswith("--from=") for w in words):
                continue
            paths = [w for w in words if not w.startswith("--")]
            sources.extend(paths[:-1])
    return sources


def test_images_are_pinned(stages: list[Stage]) -> None:
    names = {s.name for s in stages}
    for stage in stages:
        if stage.image in names:
            continue
        repository, _, tag = stage.image.rpartition(":")
        assert repository, f"{stage.image} has no tag"
        assert tag, f"{stage.image} has no tag"
        assert tag != "latest", stage.image
        assert "/" not in tag, stage.image
    python = [s.image for s in stages if s.image.startswith("python:")]
    assert python, "no python base image"
    assert all(re.match(r"python:3\.11[.\d]*-slim", image) for image in python), python


def test_multi_stage_and_uv_only_in_the_build(stages: list[Stage]) -> None:
    assert len(stages) >= 3  # uv, build, runtime
    runtime = stages[-1]
    build = next(s for s in stages if s.name == "build")
    assert any("uv" in args for args in build.args("COPY") if "--from=uv" in args)
    assert not any("--from=uv" in args for args in runtime.args("COPY"))
    assert any("--from=build" in args for args in runtime.args("COPY"))


def test_installs_from_the_committed_lock(stages: list[Stage], service: str) -> None:
    assert "uv.lock" in _copy_sources(stages)
    runs = [args for stage in stages for args in stage.args("RUN")]
    syncs = [r for r in runs if "uv sync" in r]
    assert syncs, "no uv sync"
    for run in syncs:
        assert "--frozen" in run or "--locked" in run, run
        assert "--no-dev" in run, run
        assert f"--package concordia-{service}" in run, run
    assert not any(re.search(r"\bpip install\b", r) for r in runs), "bypasses the lock"


def workspace_closure(package: str) -> dict[str, str]:
    """``package`` and the workspace members it needs (transitively), by name: their paths."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    by_name = {p["name"]: p for p in lock["package"]}
    found: dict[str, str] = {}
    todo = [package]
    while todo:
        entry = by_name[todo.pop()]
        path = entry.get("source", {}).get("editable")
        if path is None or entry["name"] in found:
            continue
        found[entry["name"]] = path
        todo.extend(dep["name"] for dep in entry.get("dependencies", []))
    return found


def test_copies_every_member_the_service_needs(stages: list[Stage], service: str) -> None:
    """A new workspace dependency of the service must reach both install steps."""
    members = workspace_closure(f"concordia-{service}")
    assert members[f"concordia-{service}"] == f"services/{service}"
    sources = _copy_sources(stages)
    for name, path in members.items():
        assert f"{path}/pyproject.toml" in sources, f"{name}: manifest not copied first"
        assert f"{path}/" in sources, f"{name}: sources not copied"
    for source in sources:  # and nothing of members it does not need (cache, image size)
        top = "/".join(source.split("/")[:2])
        if source.startswith(("libs/", "services/")):
            assert top in members.values(), f"{source} is not a dependency of {service}"


def test_runs_as_a_fixed_non_root_user(stages: list[Stage]) -> None:
    users = stages[-1].args("USER")
    assert users, "the runtime stage sets no USER"
    user = users[-1].split(":")[0]
    assert user == "10001"
    # The user is created with that uid, so `id`, file ownership and logs show a name.
    assert any("--uid 10001" in run for run in stages[-1].args("RUN"))


def runtime_env(stages: list[Stage]) -> dict[str, str]:
    """The runtime stage's ``ENV`` values."""
    env: dict[str, str] = {}
    for args in stages[-1].args("ENV"):
        for word in shlex.split(args):
            key, _, value = word.partition("=")
            env[key] = value
    return env


def test_healthcheck_port_and_entrypoint(stages: list[Stage], service: str) -> None:
    factory, port = SERVICES[service]
    runtime = stages[-1]
    assert runtime.args("EXPOSE") == [str(port)]
    (healthcheck,) = runtime.args("HEALTHCHECK")
    assert "/healthz" in healthcheck
    assert f"127.0.0.1:{port}/" in healthcheck
    assert not re.search(r"\b(curl|wget)\b", healthcheck), "slim images have neither"
    assert runtime.args("ENTRYPOINT"), "no ENTRYPOINT"
    assert "deploy/docker/entrypoint.sh" in _copy_sources(stages)
    env = runtime_env(stages)
    assert (env["SERVICE"], env["APP_FACTORY"], env["PORT"]) == (service, factory, str(port))
    assert env[f"CONCORDIA_{service.upper()}_DATABASE_URL"] == f"sqlite:////data/{service}.db"


def test_no_secrets_in_the_image(stages: list[Stage]) -> None:
    for stage in stages:
        for instruction in ("ENV", "ARG"):
            for args in stage.args(instruction):
                for word in shlex.split(args):
                    key = word.partition("=")[0]
                    assert not SECRET_ENV.search(key), f"{instruction} {key} bakes a secret"


def test_service_dir_resolves_in_the_image_layout(stages: list[Stage], service: str) -> None:
    """The app finds its migrations at parents[3] of app.py: the sources must keep their tree."""
    app_py = ROOT / "services" / service / "src" / "concordia" / service / "app.py"
    assert "SERVICE_DIR = Path(__file__).resolve().parents[3]" in app_py.read_text()
    build = next(s for s in stages if s.name == "build")
    runtime = stages[-1]
    (workdir,) = build.args("WORKDIR")
    assert f"{workdir} {workdir}" in " ".join(runtime.args("COPY")), "venv moved: editable paths"
    copies = [shlex.split(a) for a in build.args("COPY")]
    assert [f"services/{service}/", f"services/{service}/"] in copies
    in_image = PurePosixPath(workdir) / app_py.relative_to(ROOT).as_posix()
    service_dir = in_image.parents[3]
    assert service_dir == PurePosixPath(workdir) / "services" / service
    assert (ROOT / "services" / service / "alembic.ini").is_file()
    assert (ROOT / "services" / service / "migrations" / "env.py").is_file()
    runs = " ".join(build.args("RUN"))
    # editable (uv's default): a --no-editable install would move app.py into site-packages
    assert "--no-editable" not in runs
    assert "alembic.ini" in runs, "the build no longer checks that SERVICE_DIR holds alembic.ini"


# --- .dockerignore ----------------------------------------------------------------------------


def _compile(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex (moby/patternmatcher: `*`, `?`, `**`)."""
    out, i = "^", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*" and pattern[i + 1 : i + 2] == "*":
            i += 1
            if pattern[i + 1 : i + 2] == "/":
                i += 1
            out += ".*" if i + 1 >= len(pattern) else "(.*/)?"
        elif ch == "*":
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + "$")


def _ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = os.path.normpath(line.removeprefix("!")).lstrip("/")
        rules.append((keep, _compile(pattern)))
    return rules


def in_context(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether ``path`` (relative to the repository root) reaches the builder."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for keep, rule in rules:  # the last matching rule decides
        if any(rule.match(prefix) for prefix in prefixes):
            excluded = not keep
    return not excluded


def test_matcher_follows_docker_rules() -> None:
    rules = [(False, _compile("*")), (True, _compile("libs")), (False, _compile("**/*.pyc"))]
    assert in_context("libs/core/x.py", rules)
    assert not in_context("libs/core/x.pyc", rules)
    assert not in_context("var/se/node.key", rules)
    assert not in_context("README.md", rules)


def test_context_holds_what_the_dockerfile_copies(stages: list[Stage], service: str) -> None:
    rules = _ignore_rules()
    for source in _copy_sources(stages):
        path = ROOT / source
        assert path.exists(), f"COPY {source}: no such path"
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        wanted = [f for f in files if "__pycache__" not in f.parts]
        assert wanted, source
        for file in wanted:
            rel = file.relative_to(ROOT).as_posix()
            assert in_context(rel, rules), f"{rel} is copied but .dockerignore drops it"


@pytest.mark.parametrize(
    "path",
    [
        "var/se/node.key",
        "var/se/tokens.json",
        "var/se/registry.db",
        "var/demo/tokens.json",
        ".venv/bin/python",
        ".tools/bin/uv",
        ".git/config",
        "services/registry/var/node/registry.db",
        "services/registry/.env",
        "libs/core/src/concordia/core/__pycache__/db.cpython-311.pyc",
        "tests/conftest.py",
        "node.key",
    ],
)
def test_context_leaves_out_local_state_and_secrets(path: str) -> None:
    assert not in_context(path, _ignore_rules())


# --- the entrypoint ---------------------------------------------------------------------------


def _run_entrypoint(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    venv_bin = str(Path(sys.executable).parent)
    return subprocess.run(
        ["sh", str(ENTRYPOINT), *args],
        env={"PATH": f"{venv_bin}:/usr/bin:/bin", "HOME": str(cwd), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_entrypoint_is_valid_sh() -> None:
    result = subprocess.run(["sh", "-n", str(ENTRYPOINT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = ENTRYPOINT.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert "set -eu" in text
    assert 'exec uvicorn --factory "$APP_FACTORY"' in text
    assert '--workers "${WORKERS:-2}"' in text
    assert '--host 0.0.0.0 --port "${PORT:-8000}"' in text


@pytest.mark.parametrize("name", ["registry", "ledger"])
def test_entrypoint_migrates_to_head_and_repeats_safely(tmp_path: Path, name: str) -> None:
    import importlib
    import sqlite3

    from alembic.script import ScriptDirectory

    from concordia.kit import alembic_config

    service_dir = importlib.import_module(f"concordia.{name}.app").SERVICE_DIR
    db = tmp_path / f"{name}.db"
    env = {
        "SERVICE": name,
        "CONCORDIA_ENV": "test",
        f"CONCORDIA_{name.upper()}_DATABASE_URL": f"sqlite:///{db}",
    }
    for _ in range(2):
        result = _run_entrypoint("migrate", env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f"{name}: sqlite:///{db} is at head" in result.stdout
    head = ScriptDirectory.from_config(alembic_config(service_dir, f"sqlite:///{db}")).get_heads()
    with sqlite3.connect(db) as conn:
        (version,) = conn.execute("select version_num from alembic_version").fetchone()
    assert [version] == head


def test_entrypoint_refuses_development_secrets_before_migrating(tmp_path: Path) -> None:
    db = tmp_path / "ledger.db"
    env = {
        "SERVICE": "ledger",
        "CONCORDIA_ENV": "prod",
        "CONCORDIA_LEDGER_DATABASE_URL": f"sqlite:///{db}",
    }
    result = _run_entrypoint("migrate", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "development node key is refused" in result.stderr
    assert not db.exists()


def test_entrypoint_needs_the_service_name(tmp_path: Path) -> None:
    result = _run_entrypoint("migrate", env={}, cwd=tmp_path)
    assert result.returncode != 0
    assert "SERVICE is not set" in result.stderr


def test_entrypoint_runs_any_other_command(tmp_path: Path) -> None:
    env = {"SERVICE": "registry"}
    result = _run_entrypoint("python", "-c", "print('passed through')", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "passed through"
