"""The folders are the layers: nothing inside imports what is built on top of it.

``sim/errors.py`` < ``sim/scenario`` < ``sim/model`` < ``sim/runs`` < ``sim/cli``, ``sim/viz``, ``sim/classroom``.
Every import is checked, including the ones inside functions.
"""

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"
LAYERS = {"errors": 0, "scenario": 1, "model": 2, "runs": 3, "cli": 4, "viz": 4, "classroom": 4}


def layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "sim" or len(parts) < 2:
        return None
    return LAYERS.get(parts[1])


def imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return out


MODULES = sorted(p for p in SIM.rglob("*.py") if layer("sim." + ".".join(p.relative_to(SIM).with_suffix("").parts)))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SIM)))
def test_no_import_reaches_a_higher_layer(path):
    own = layer("sim." + ".".join(path.relative_to(SIM).with_suffix("").parts))
    upward = [m for m in imports(path) if (layer(m) or 0) > own]
    assert not upward, f"{path.relative_to(SIM)} imports {upward}"


def test_the_cli_and_the_app_do_not_import_each_other():
    for path in (SIM / "cli").rglob("*.py"):
        assert not [m for m in imports(path) if m.startswith("sim.viz")], path
    for path in (SIM / "viz").rglob("*.py"):
        assert not [m for m in imports(path) if m.startswith("sim.cli")], path
