"""The gate has one door: only the movement services, the sharing services and the record
exports call the safeguards' decisions. Any other caller that needs to know in advance asks
`movements.gate.preview_movement`, which records nothing."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "asylon"
DOORS = {
    SRC / "movements" / "gate.py",  # assess_movement, for every recorded movement and preview
    SRC / "sharing" / "guard.py",  # assess_disclosure, for every release
    SRC / "sharing" / "services.py",  # d1_refusal, before a grant (D3)
    SRC / "reports" / "exports.py",
}
GATE_NAMES = {"assess_movement", "assess_disclosure", "d1_refusal"}
GATE_MODULES = {"asylon.safeguards.movement_rules", "asylon.safeguards.sharing_rules"}


def gate_uses(path: Path, root: Path = SRC) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("asylon.safeguards"):
            names = {a.name for a in node.names}
            if node.module in GATE_MODULES or names & GATE_NAMES:
                hits.append(f"{path.relative_to(root)}:{node.lineno} imports {sorted(names)} from {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in GATE_MODULES:
                    hits.append(f"{path.relative_to(root)}:{node.lineno} imports {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in GATE_NAMES:
            hits.append(f"{path.relative_to(root)}:{node.lineno} calls .{node.attr}")
    return hits


def test_only_the_movement_and_sharing_services_and_exports_open_the_gate():
    files = [
        p
        for p in SRC.rglob("*.py")
        if p not in DOORS and "migrations" not in p.parts and (SRC / "safeguards") not in p.parents
    ]
    assert [hit for p in files for hit in gate_uses(p)] == []


def test_the_scan_sees_a_second_door(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from asylon.safeguards import assess_movement\nimport asylon.safeguards as s\ns.assess_disclosure\n"
    )
    assert len(gate_uses(sneaky, tmp_path)) == 2
