"""The safeguards app is pure: no models, no ORM, no other asylon app but core.errors."""

from __future__ import annotations

import ast
from pathlib import Path

import asylon.safeguards

PACKAGE = Path(asylon.safeguards.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_database_and_no_other_app():
    for path in PACKAGE.glob("*.py"):
        for module in imported_modules(path):
            assert not module.startswith("django.db"), (path.name, module)
            if module.startswith("asylon."):
                assert module == "asylon.core.errors", (path.name, module)


def test_no_models_or_migrations():
    assert not (PACKAGE / "models.py").exists()
    assert not (PACKAGE / "migrations").exists()


def test_app_config():
    from asylon.safeguards.apps import SafeguardsConfig

    assert SafeguardsConfig.name == "asylon.safeguards"
    assert SafeguardsConfig.label == "safeguards"
