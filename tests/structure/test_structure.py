"""The repository's shape: no import cycles among Concordia's modules, pure event contracts."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The contract modules of ``concordia.events``: anyone may import them (no broker, no database).
CONTRACTS = (
    "concordia.events",
    "concordia.events.aggregates",
    "concordia.events.charter",
    "concordia.events.codes",
    "concordia.events.ledger",
    "concordia.events.overlap",
    "concordia.events.practices",
    "concordia.events.registry",
    "concordia.events.status",
)


def _modules() -> dict[str, Path]:
    """Every concordia module under libs/*/src and services/*/src, by dotted name."""
    found: dict[str, Path] = {}
    for src in [*ROOT.glob("libs/*/src"), *ROOT.glob("services/*/src")]:
        for path in src.rglob("*.py"):
            parts = list(path.relative_to(src).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The concordia modules ``name`` imports, inside functions too (a deferred import is
    still a cycle, only hidden from the interpreter)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue  # only the type checker follows these
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                targets = [alias.name for alias in inner.names]
            elif isinstance(inner, ast.ImportFrom):
                base = inner.module or ""
                if inner.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - inner.level + 1])
                    base = f"{base}.{inner.module}" if inner.module else base
                targets = [base, *(f"{base}.{alias.name}" for alias in inner.names)]
            else:
                continue
            yield from (t for t in targets if t in known and t != name)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _graph() -> dict[str, set[str]]:
    known = _modules()
    graph = {name: set(_imports(name, path, known)) for name, path in known.items()}
    # A package's own __init__ importing its submodules is how packages re-export: that edge
    # (package -> child) is not a cycle in the sense that hurts, the child -> parent one is.
    return {
        name: {t for t in targets if not t.startswith(f"{name}.")}
        for name, targets in graph.items()
    }


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles_among_concordia_modules() -> None:
    graph = _graph()
    assert "concordia.registry.service.persons" in graph  # the walk found the services
    assert _cycles(graph) == []


def test_event_contracts_import_neither_nats_nor_sqlalchemy() -> None:
    script = (
        "import sys\n"
        f"for name in {CONTRACTS!r}:\n"
        "    __import__(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('nats', 'sqlalchemy'))\n"
        "assert not loaded, loaded[:5]\n"
        "import concordia.events as events\n"
        "assert events.Outbox.__module__ == 'concordia.events.runtime.outbox'\n"
        "assert 'sqlalchemy' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
