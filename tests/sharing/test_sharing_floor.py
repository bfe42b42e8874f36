"""Data sharing sits above the register, legal status and movements: those apps' rules and
reads never import it. Only their edges (pages and API routes, which pass what they return
to a partner through `sharing.guard`) may."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "asylon"
BELOW = ("registry", "status", "movements")


def is_edge(path: Path) -> bool:
    name = path.stem
    return name in ("views", "api", "urls") or name.endswith(("_views", "_api"))


def imports_sharing(path: Path, root: Path = SRC) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    hits = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        if any(n == "asylon.sharing" or n.startswith("asylon.sharing.") for n in names):
            hits.append(f"{path.relative_to(root)}:{node.lineno}")
    return hits


def test_the_apps_below_sharing_import_it_only_at_their_edges():
    files = [p for app in BELOW for p in (SRC / app).rglob("*.py") if "migrations" not in p.parts and not is_edge(p)]
    assert files
    assert [hit for p in files for hit in imports_sharing(p)] == []


def test_the_scan_sees_an_import(tmp_path):
    sneaky = tmp_path / "queries.py"
    sneaky.write_text("from asylon.sharing.guard import guard_read\nimport asylon.sharing\n")
    assert len(imports_sharing(sneaky, tmp_path)) == 2
