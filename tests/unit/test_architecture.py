"""The shape of the code, checked on every run (ARCHITECTURE.md "Layers"; issue 11, "How it will be
checked"): top imports bottom, never the reverse; services never import each other; no import
cycles; no service reads `app.state`; no module over 400 lines.

The import graph is read with `ast` from every module of the tree, counting the imports inside
functions and under `if TYPE_CHECKING:` too: an import that only runs later or only for the type
checker still ties the two modules together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The packages below services/ (the shared runtime and the core).
BELOW_SERVICES = (
    "runtime",
    "cases",
    "events",
    "office",
    "officers",
    "audit",
    "skm",
    "sop",
    "privacy",
    "attachments",
)
ABOVE_THEM = ("services", "alur")
MAX_LINES = 400
# Folders that are not the project's code.
_NOT_CODE = {"__pycache__", "node_modules"}


@dataclass(frozen=True)
class Module:
    name: str  # dotted, as imported: "services.sla.plan"; a package by its own name
    path: Path
    tree: ast.Module

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        if self.path.name == "__init__.py":
            return self.name
        return self.name.rpartition(".")[0]


def _python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in _NOT_CODE:
            continue
        if path.is_dir():
            yield from _python_files(path)
        elif path.suffix == ".py":
            yield path


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Module]:
    """Every Python module of the tree, by its dotted name."""
    found = {}
    for path in _python_files(ROOT):
        source = path.read_text(encoding="utf-8")
        found[_dotted(path)] = Module(_dotted(path), path, ast.parse(source, str(path)))
    return found


def _imported_names(module: Module) -> Iterator[str]:
    """The dotted names each import statement of `module` reaches, wherever it stands."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b` reaches a.b when that is a module, else a name in a.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _resolved(name: str, known: dict[str, Module]) -> str | None:
    """The module of the tree that `name` names, its longest known prefix; None if outside."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Module → the modules of the tree it imports (itself left out)."""
    known = modules()
    graph = {}
    for name, module in known.items():
        targets = {_resolved(imported, known) for imported in _imported_names(module)}
        graph[name] = frozenset(t for t in targets if t is not None and t != name)
    return graph


def _top(name: str) -> str:
    return name.partition(".")[0]


def upward_imports(graph: dict[str, frozenset[str]]) -> list[str]:
    return sorted(
        f"{source} imports {target}"
        for source, targets in graph.items()
        if _top(source) in BELOW_SERVICES
        for target in targets
        if _top(target) in ABOVE_THEM
    )


def _service(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "services" and len(parts) > 1 else None


def services_importing_services(graph: dict[str, frozenset[str]]) -> list[str]:
    return sorted(
        f"{source} imports {target}"
        for source, targets in graph.items()
        if _service(source) is not None
        for target in targets
        if _service(target) not in (None, _service(source))
    )


def cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so that a long import chain cannot reach the recursion limit.
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(found)


def app_state_reads(found: dict[str, Module]) -> list[str]:
    """`app.state` / `request.app.state` under services/, by module and line."""
    reads = []
    for name, module in found.items():
        if _top(name) != "services":
            continue
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Attribute) and node.attr == "state"):
                continue
            owner = node.value
            if (isinstance(owner, ast.Name) and owner.id == "app") or (
                isinstance(owner, ast.Attribute) and owner.attr == "app"
            ):
                reads.append(f"{name}:{node.lineno}")
    return sorted(reads)


def long_modules(found: dict[str, Module]) -> list[str]:
    sizes = {
        str(m.path.relative_to(ROOT)): len(m.path.read_text(encoding="utf-8").splitlines())
        for m in found.values()
    }
    return sorted(f"{path}: {lines} lines" for path, lines in sizes.items() if lines > MAX_LINES)


# -- the tree --------------------------------------------------------------------------------


def test_the_graph_reads_every_package_of_the_tree():
    found = modules()
    for package in (*BELOW_SERVICES, *ABOVE_THEM, "bench", "tests"):
        assert package in found, f"{package} not read"
    assert "tests.unit.test_architecture" in found
    assert "events" in import_graph()["alur.cli"]


def test_nothing_below_services_imports_services_or_the_entry_points():
    assert upward_imports(import_graph()) == []


def test_a_service_never_imports_another_service():
    assert services_importing_services(import_graph()) == []


def test_no_module_imports_itself_through_others():
    assert cycles(import_graph()) == []


def test_no_service_reads_app_state():
    assert app_state_reads(modules()) == []


def test_no_module_is_longer_than_400_lines():
    assert long_modules(modules()) == []


# -- the checks themselves: each one catches what it is for ---------------------------------


def _module(name: str, source: str, file: str = "m.py") -> Module:
    return Module(name, ROOT / file, ast.parse(source))


def test_an_import_inside_a_function_or_for_type_checking_counts():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from services.sla import plan\n"
        "def later():\n    import alur.cli\n"
        "from . import sibling\n"
        "from .. import cousin\n"
    )
    module = _module("office.deep.thing", source, "office/deep/thing.py")
    assert set(_imported_names(module)) == {
        "typing.TYPE_CHECKING",
        "services.sla.plan",
        "alur.cli",
        "office.deep.sibling",
        "office.cousin",
    }


def test_each_check_names_what_breaks_the_rule():
    graph = {
        "office.calendar": frozenset({"services.sla.plan"}),
        "runtime.settings": frozenset({"alur.cli"}),
        "services.sla.plan": frozenset({"services.sla.lapor", "services.routing.router"}),
        "services.sla.lapor": frozenset({"services.sla.plan"}),
        "services.routing.router": frozenset({"events"}),
        "events": frozenset(),
    }
    assert upward_imports(graph) == [
        "office.calendar imports services.sla.plan",
        "runtime.settings imports alur.cli",
    ]
    assert services_importing_services(graph) == [
        "services.sla.plan imports services.routing.router"
    ]
    assert cycles(graph) == [["services.sla.lapor", "services.sla.plan"]]
    assert cycles({"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"})}) == [
        ["a", "b", "c"]
    ]
    reads = _module(
        "services.intake.api",
        "def route(request):\n    return request.app.state.store\napp.state.pool = 1\n",
    )
    assert app_state_reads({reads.name: reads}) == [
        "services.intake.api:2",
        "services.intake.api:3",
    ]
