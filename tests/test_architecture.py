"""Asylon's architecture as a test: floors, no upward arrows, no circles (docs/architecture.md).

Every module under src/asylon (migrations aside) is parsed with `ast`; every import it makes, at
module level or inside a function, is an arrow from its app to another. The floors below are the
one table of which app may lean on which; docs/architecture.md carries the same table and says
why each app sits where it does.

- A module may import its own app and any app on a lower floor.
- An edge module of an app (pages, API, routes, admin, forms, template tags, commands) may also
  import any app's non-edge modules: an edge composes the rooms, it never becomes one of them.
- Within one app, module-level imports form no cycle (a circle is two modules that are one).
- No `services*.py` grows past SERVICES_MAX_LINES: a longer one is two concerns in one file.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

import asylon

PACKAGE = Path(asylon.__file__).parent

# Bottom to top. An app on one floor may import the apps on the floors below it, never above.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("safeguards",),  # pure rules: core only, no database (tests/safeguards/test_safeguards_purity.py)
    ("audit",),
    ("registry",),
    ("accounts",),
    ("status",),
    ("matching",),
    ("incidents",),
    ("movements",),
    ("sharing",),
    ("solutions",),
    ("cases",),  # protection cases: a referral is a disclosure (sharing), origins in registry and incidents
    ("reports",),
    ("documents",),  # the papers attest what the register and the status history say
    ("mywork",),  # each user's work, read from the sources every app registers in core.work
    ("demo",),
    ("operations",),  # backup, health, worker: they need the whole system
    ("<project>",),  # the edges of the whole: api.py, urls.py, cli.py, wsgi, settings, __main__
)
FLOOR = {app: level for level, apps in enumerate(FLOORS) for app in apps}

# The project's own edges, above every app.
PROJECT_MODULES = {"__init__", "__main__", "api", "urls", "cli", "wsgi", "settings"}

SERVICES_MAX_LINES = 600


def is_edge(module: str) -> bool:
    """An edge module of an app: a page, an API router, routes, admin, forms, tags or a command."""
    parts = module.split(".")
    if len(parts) < 3:
        return True  # asylon.api, asylon.urls, ...: the project's own edges
    if "templatetags" in parts or "management" in parts:
        return True
    name = parts[-1]
    return (
        name in {"views", "api", "urls", "admin", "forms"}
        or name.endswith("_views")
        or name.endswith("_api")
        or (len(parts) > 3 and parts[-2] in {"views", "api"})
    )


def app_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in PROJECT_MODULES:
        return "<project>"
    return parts[1]


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        if "migrations" in relative.parts:
            continue
        parts = list(relative.parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()
        found[".".join(parts)] = path
    return found


def resolve(importer: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The asylon modules an `import` or `from ... import` statement names."""
    if node.level:
        package = importer.split(".") if path.name == "__init__.py" else importer.split(".")[:-1]
        base = ".".join(package[: len(package) - node.level + 1])
        target = f"{base}.{node.module}" if node.module else base
    else:
        target = node.module or ""
    if not target.startswith("asylon"):
        return []
    known = modules()
    # `from asylon.x import y` names module asylon.x.y when it exists, else a name in asylon.x.
    names = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in known]
    return names or [target]


def imports(module: str, *, module_level_only: bool = False) -> set[str]:
    """Every asylon module `module` imports (inside functions too, unless module_level_only)."""
    path = modules()[module]
    tree = ast.parse(path.read_text(), filename=str(path))
    # Names the type checker alone reads (`if TYPE_CHECKING:`) are no arrow at run time:
    # core.types names the user model so that `actor` can be typed everywhere.
    type_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    nodes: list[ast.AST] = (
        list(tree.body) if module_level_only else [n for n in ast.walk(tree) if id(n) not in type_only]
    )
    if module_level_only:
        # Top-level `if`/`try` blocks run at import; `if TYPE_CHECKING:` does not.
        for node in list(nodes):
            if isinstance(node, ast.Try):
                nodes += node.body + [n for handler in node.handlers for n in handler.body]
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                nodes += node.body + node.orelse
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("asylon")}
        elif isinstance(node, ast.ImportFrom):
            found |= set(resolve(module, path, node))
    return found - {module}


def arrow_allowed(importer: str, imported: str) -> bool:
    source, target = app_of(importer), app_of(imported)
    if source == target:
        return True
    if FLOOR[target] < FLOOR[source]:
        return True
    return is_edge(importer) and not is_edge(imported)


def violations() -> set[tuple[str, str]]:
    found = set()
    for importer in modules():
        for imported in imports(importer):
            if app_of(imported) == "<project>" and imported.count(".") == 0:
                continue  # `import asylon` (the version)
            if not arrow_allowed(importer, imported):
                found.add((importer, imported))
    return found


def test_every_app_has_a_floor():
    apps = {app_of(module) for module in modules()}
    assert apps <= set(FLOOR), sorted(apps - set(FLOOR))


def test_no_upward_arrow():
    found = sorted(violations())
    assert not found, "imports that climb a floor:\n" + "\n".join(f"  {a} -> {b}" for a, b in found)


def cycles_in(app: str) -> list[list[str]]:
    members = [module for module in modules() if app_of(module) == app]
    graph = {m: sorted(i for i in imports(m, module_level_only=True) if i in members) for m in members}
    # Tarjan's strongly connected components: any component of two or more modules is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for member in members:
        if member not in index:
            visit(member)
    return components


@pytest.mark.parametrize("app", [app for apps in FLOORS for app in apps if app != "<project>"])
def test_no_cycle_within_an_app(app):
    assert not cycles_in(app)


def services_too_long() -> dict[str, int]:
    found = {}
    for module, path in modules().items():
        if module.rsplit(".", 1)[-1].startswith("services"):
            lines = len(path.read_text().splitlines())
            if lines > SERVICES_MAX_LINES:
                found[module] = lines
    return found


def test_no_services_module_too_long():
    assert not services_too_long(), services_too_long()
