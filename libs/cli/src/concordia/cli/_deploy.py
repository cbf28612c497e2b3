"""The deployment files rendered from ``concordia.kit.SERVICES`` and ``deploy_templates/``.

``render()`` maps each path (relative to the repository root) to its text: ``docker-compose.yml``,
each compose node's ``<service>.env``, ``postgres.env`` and ``nats.env``, and the Kubernetes
files of every service (``deploy/k8s/base/<name>/`` at a node, ``deploy/k8s/hub/`` for the hub)
with the service lists of the two kustomizations. Everything else under ``deploy/`` (NATS
configs, namespaces, overlays, Secrets' examples, node.env, tokens) is written by hand.

Templates are plain text with ``${name}`` fields and line blocks ``#%if <flag>`` … ``#%end``,
flags ``node`` and ``hub`` (the role) and ``nats`` (the service has NATS users at its node), so
a new node service needs no template change: one entry in the list, then
``concordia deploy render``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from string import Template

from concordia import kit
from concordia.cli._natsconf.base import BROADCAST_SERVICES
from concordia.kit import ServiceSpec

#: The demo coalition of docker-compose.yml: its nodes, in port-block order (se 81xx, pl 82xx…).
COMPOSE_CODES = ("se", "pl", "de")
HUB = "hub"
#: The tag of the images compose builds and the kustomizations point at.
IMAGE_TAG = "0.1.0"
K8S = "deploy/k8s"
COMPOSE_DIR = "deploy/compose"
#: Env files of a compose node that are not a service's own.
NODE_ENV_FILES = ("node", "nats", "postgres")
#: The Kubernetes files of every service.
MANIFESTS = ("configmap", "deployment", "service", "pdb", "servicemonitor", "networkpolicy")
#: The domain each kustomization's Ingress serves its services under (an overlay patches it).
DOMAINS = {"base": "node.example.org", "hub": "coalition.example.org"}
#: The named volumes of every compose node.
KEPT = ("postgres", "nats")
_BLOCK = re.compile(r"^#%(if (?P<flag>!?\w+)|end)\s*$")


def template(name: str) -> str:
    """The text of one template of ``deploy_templates/``."""
    return (resources.files("concordia.cli") / "deploy_templates" / name).read_text()


def fill(source: str, flags: Mapping[str, bool] | None = None, /, **values: str) -> str:
    """Template ``source`` with its ``#%if`` blocks kept or dropped and its fields filled."""
    flags = flags or {}
    kept: list[str] = []
    stack: list[bool] = []
    for line in template(source).splitlines(keepends=True):
        block = _BLOCK.match(line)
        if block is None:
            if all(stack):
                kept.append(line)
        elif block["flag"] is None:
            stack.pop()
        else:
            flag = block["flag"]
            stack.append(not flags[flag[1:]] if flag.startswith("!") else flags[flag])
    if stack:
        raise ValueError(f"{source}: #%if without #%end")
    values = {"generated": generated(source), **values}
    return Template("".join(kept)).substitute(values)


def generated(name: str) -> str:
    """The note at the top of every rendered file: where to change it."""
    return (
        "# Rendered by `concordia deploy render` from concordia.kit.SERVICES and the template\n"
        f"# deploy_templates/{name} of concordia.cli: change those, not this file."
    )


def flags(spec: ServiceSpec) -> dict[str, bool]:
    """The template flags of a service: its role, and whether it has NATS users at its node."""
    node = spec.role == "node"
    return {"node": node, "hub": not node, "nats": node and spec.nats_users}


def fields(spec: ServiceSpec) -> dict[str, str]:
    """The template fields every service has."""
    return {"name": spec.name, "image": spec.image, "prefix": spec.env_prefix, "tag": IMAGE_TAG}


def compose_port(spec: ServiceSpec, code: str) -> int:
    """Its published port in compose: 8<block><offset>0 at a node (se 81x0…), 86x0 at the hub."""
    if not 1 <= spec.offset <= 9:  # one digit, or a node's ports run into the next node's
        raise ValueError(f"{spec.name}: offset {spec.offset} is not in 1..9")
    if code == HUB:
        return 8600 + 10 * (spec.offset - 1)
    return 8000 + 100 * (COMPOSE_CODES.index(code) + 1) + 10 * spec.offset


def compose_name(spec: ServiceSpec, code: str) -> str:
    """Its name in compose: ``<code>-<service>``, the hub service just ``hub``."""
    return HUB if (code, spec.name) == (HUB, HUB) else f"{code}-{spec.name}"


def k8s_dir(spec: ServiceSpec) -> str:
    """Where its manifests live: ``base/<name>`` at a node, ``hub`` (or ``hub/<name>``)."""
    if spec.role == "node":
        return f"{K8S}/base/{spec.name}"
    return f"{K8S}/hub" if spec.name == HUB else f"{K8S}/hub/{spec.name}"


def services_at(code: str, services: Sequence[ServiceSpec]) -> list[ServiceSpec]:
    """The services a compose node runs: the node services, or the hub's at the hub."""
    role = "hub" if code == HUB else "node"
    return [spec for spec in services if spec.role == role]


def _names(services: Iterable[ServiceSpec]) -> str:
    names = [spec.name for spec in services]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _ports(services: Sequence[ServiceSpec]) -> str:
    """The header's port summary: ``hub 8600 · se registry 8110, ledger 8120 · pl 8210, …``."""
    parts = [f"hub {', '.join(str(compose_port(s, HUB)) for s in services_at(HUB, services))}"]
    for index, code in enumerate(COMPOSE_CODES):
        at = services_at(code, services)
        ports = [f"{s.name} {compose_port(s, code)}" if index == 0 else str(compose_port(s, code))
                 for s in at]  # fmt: skip
        parts.append(f"{code} {', '.join(ports)}")
    return " · ".join(parts)


def compose(services: Sequence[ServiceSpec]) -> str:
    """docker-compose.yml: the hub and every node, each with its PostgreSQL, NATS and services."""
    blocks = []
    for code in (HUB, *COMPOSE_CODES):
        title = "the hub" if code == HUB else f"node {code}"
        rule = "-" * (99 - len(f"  # --- {title} "))
        role = {"hub": code == HUB, "node": code != HUB}
        parts = [fill("compose-node.yml", role, code=code, title=title, rule=rule)]
        for spec in services_at(code, services):
            app, port = compose_name(spec, code), str(compose_port(spec, code))
            parts.append(fill("compose-app.yml", flags(spec), **fields(spec), code=code, app=app,
                              port=port))  # fmt: skip
        blocks.append("\n\n".join(part.strip("\n") for part in parts))
    codes = (HUB, *COMPOSE_CODES)
    return fill(
        "docker-compose.yml",
        codes=", ".join(COMPOSE_CODES),
        names=_names(services_at(COMPOSE_CODES[0], services)),
        ports=_ports(services),
        anchors="\n".join(fill("compose-anchor.yml", **fields(s)) for s in services).rstrip("\n"),
        nodes="\n\n".join(blocks),
        networks="\n".join(f"  {name}: {{}}" for name in (HUB, "coalition", *COMPOSE_CODES)),
        volumes="\n".join(f"  {code}-{kind}: {{}}" for code in codes for kind in KEPT),
    )


def _password(code: str, *parts: str) -> str:
    """A visibly fake development password: ``devonly<code><parts>0000``."""
    return f"devonly{code}{''.join(parts)}0000"


def env_files(services: Sequence[ServiceSpec]) -> dict[str, str]:
    """Each compose node's ``<service>.env``, ``postgres.env`` and (at a node) ``nats.env``."""
    files = {}
    for code in (HUB, *COMPOSE_CODES):
        at = services_at(code, services)
        who = HUB if code == HUB else "node"
        for spec in at:
            files[f"{COMPOSE_DIR}/{code}/{spec.name}.env"] = fill(
                "compose-service.env", flags(spec), **fields(spec), code=code, who=who,
                db_password=_password(code, spec.name, "db"),
                nats_password=_password(code, spec.name),
                shared_password=_password(code, spec.name, "shared"),
            )  # fmt: skip
        files[f"{COMPOSE_DIR}/{code}/postgres.env"] = fill(
            "compose-postgres.env", code=code, who=who,
            databases=" ".join(spec.name for spec in at),
            passwords="\n".join(f"{s.name.upper()}_DB_PASSWORD={_password(code, s.name, 'db')}"
                                for s in at),
        )  # fmt: skip
        if code != HUB:
            files[f"{COMPOSE_DIR}/{code}/nats.env"] = fill(
                "compose-nats.env", code=code, CODE=code.upper(), passwords=_nats(code, at)
            )
    return files


def _nats_users(at: Sequence[ServiceSpec]) -> list[tuple[str, ...]]:
    """The node's NATS users: LOCAL and COALITION of each service, then broadcasters to come."""
    users: list[tuple[str, ...]] = [
        user for s in at if s.nats_users for user in ((s.name,), (s.name, "shared"))
    ]
    return users + [(b, "shared") for b in BROADCAST_SERVICES if (b, "shared") not in users]


def _nats(code: str, at: Sequence[ServiceSpec]) -> str:
    """The password variables of a compose node's nats-server."""
    return "\n".join(
        f"NATS_{'_'.join(user).upper()}_PASSWORD={_password(code, *user)}"
        for user in _nats_users(at)
    )


def secret_example(listed: Sequence[ServiceSpec]) -> str:
    """``base/secret.example.yaml``: the node's Secrets, one per service, and nats-server's."""
    lines = []
    for user in _nats_users(listed):
        if user[0] not in {s.name for s in listed}:
            lines.append(f"  # {user[0]}: a broadcasting COALITION user of a service to come.")
        lines.append(f'  NATS_{"_".join(user).upper()}_PASSWORD: "<password>"')
    secrets = [fill("k8s-secret-example-service.yaml", flags(s), **fields(s), NAME=s.name.upper())
               for s in listed]  # fmt: skip
    return fill(
        "k8s-secret-example-base.yaml",
        first=listed[0].name,
        secrets="".join(secrets).rstrip("\n"),
        nats="\n".join(lines),
    )


def _relative(spec: ServiceSpec, directory: str) -> str:
    """Its manifests' folder inside a kustomization's directory, ``""`` or ``"<name>/"``."""
    inner = k8s_dir(spec).removeprefix(f"{K8S}/{directory}").strip("/")
    return f"{inner}/" if inner else ""


def k8s(services: Sequence[ServiceSpec]) -> dict[str, str]:
    """Each service's deployment, configmap and service, and the two kustomizations."""
    files = {}
    for spec in services:
        namespace = "concordia-hub" if spec.role == "hub" else "concordia-<code>"
        for kind in MANIFESTS:
            files[f"{k8s_dir(spec)}/{kind}.yaml"] = fill(
                f"k8s-{kind}.yaml", flags(spec), **fields(spec), namespace=namespace,
                nats="nats" if spec.role == "node" else "hub-nats",
            )  # fmt: skip
    for role, directory in (("node", "base"), ("hub", "hub")):
        listed = [spec for spec in services if spec.role == role]
        resources_ = [
            f"  - {_relative(s, directory)}{kind}.yaml" for s in listed for kind in MANIFESTS
        ]
        files[f"{K8S}/{directory}/kustomization.yaml"] = fill(
            f"k8s-kustomization-{directory}.yaml",
            names=_names(listed),
            resources="\n".join(resources_),
            images="".join(fill("k8s-image.yaml", **fields(s)) for s in listed).rstrip("\n"),
        )
        domain = DOMAINS[directory]
        files[f"{K8S}/{directory}/ingress.yaml"] = fill(
            "k8s-ingress.yaml",
            who="node" if role == "node" else "hub",
            domain=domain,
            hosts="\n".join(f"        - {s.name}.{domain}" for s in listed),
            rules="".join(fill("k8s-ingress-rule.yaml", name=s.name, domain=domain)
                          for s in listed).rstrip("\n"),
        )  # fmt: skip
    files[f"{K8S}/base/secret.example.yaml"] = secret_example(services_at("se", services))
    return files


def render(services: Sequence[ServiceSpec] | None = None) -> dict[str, str]:
    """Every rendered file by its path relative to the repository root (default: the kit's list)."""
    listed = tuple(kit.SERVICES if services is None else services)
    return {"docker-compose.yml": compose(listed), **env_files(listed), **k8s(listed)}


def stale(root: Path, files: Mapping[str, str]) -> list[str]:
    """Files of a kind ``render`` writes that it no longer renders (a service left the list)."""
    found = []
    for code in (HUB, *COMPOSE_CODES):
        for path in sorted((root / COMPOSE_DIR / code).glob("*.env")):
            if path.stem not in NODE_ENV_FILES:
                found.append(path.relative_to(root).as_posix())
    for directory in ("base", "hub"):
        for path in sorted((root / K8S / directory).glob("**/deployment.yaml")):
            if path.parent.name == "nats":
                continue
            for kind in MANIFESTS:
                if (path.parent / f"{kind}.yaml").is_file():
                    found.append((path.parent / f"{kind}.yaml").relative_to(root).as_posix())
    return [path for path in found if path not in files]


def differences(root: Path, files: Mapping[str, str]) -> list[str]:
    """Rendered files whose copy under ``root`` differs or is missing, then stale files."""
    changed = [
        path
        for path, text in files.items()
        if not (root / path).is_file() or (root / path).read_text() != text
    ]
    return changed + stale(root, files)


def write(root: Path, files: Mapping[str, str]) -> list[str]:
    """Write what differs under ``root``, remove stale files; the paths changed."""
    changed = differences(root, files)
    for path in changed:
        target = root / path
        if path in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[path])
        else:
            target.unlink()
    return changed
