"""Build-time helper of deploy/docker/Dockerfile: what one ``SERVICE`` needs, from the list.

    python service.py prune <service> <root>   keep only the workspace members the service needs
    python service.py env <service>            the image's defaults for it, as sh (kit installed)

``prune`` runs before anything is installed (standard library only): it reads the committed
``uv.lock``, so a new workspace dependency of a service reaches its image without a Dockerfile
change. ``env`` reads ``concordia.kit.SERVICES``: an unknown service fails the build there.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path


def members_needed(lock: dict[str, object], package: str) -> dict[str, str]:
    """``package`` and the workspace members it needs (transitively), by name: their paths."""
    packages = lock["package"]
    assert isinstance(packages, list)
    by_name = {p["name"]: p for p in packages}
    if package not in by_name:
        raise SystemExit(f"{package} is not in uv.lock: is SERVICE a service of the workspace?")
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


def prune(service: str, root: Path) -> list[str]:
    """Delete the members under ``root`` that ``concordia-<service>`` does not need; their paths."""
    lock = tomllib.loads((root / "uv.lock").read_text())
    keep = set(members_needed(lock, f"concordia-{service}").values())
    removed = []
    for top in ("libs", "services"):
        for member in sorted((root / top).iterdir()):
            path = member.relative_to(root).as_posix()
            if member.is_dir() and path not in keep:
                shutil.rmtree(member)
                removed.append(path)
    return removed


def env(service: str) -> str:
    """The image's defaults for ``service`` as sh: kept when the environment already sets them."""
    from concordia.kit import service_named

    spec = service_named(service)
    spec.service_dir()  # alembic.ini beside the sources (editable install), or a clear error
    database = f"{spec.env_prefix}DATABASE_URL"
    return (
        f"# Written at build time from concordia.kit.SERVICES ({spec.name}).\n"
        f': "${{APP_FACTORY:={spec.factory}}}"\n'
        f': "${{{database}:=sqlite:////data/{spec.name}.db}}"\n'
        f"export APP_FACTORY {database}\n"
    )


def main(argv: list[str]) -> None:
    """Command line: ``prune <service> <root>`` or ``env <service>``."""
    match argv:
        case ["prune", service, root]:
            for path in prune(service, Path(root)):
                print(f"not needed by {service}: {path}")
        case ["env", service]:
            sys.stdout.write(env(service))
        case _:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
