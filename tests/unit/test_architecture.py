"""The layers of docs/development.md, kept true: each package imports only the first-party packages
its layer may use (read from the source with ast, so a lazy import inside a function counts too)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Layer -> the first-party layers it may import (docs/development.md, "Layers"). Longest prefix wins.
ALLOWED: dict[str, set[str]] = {
    "stackconfig": set(),
    "graphtypes": set(),
    "emulator": {"graphtypes"},
    "policy": set(),
    "providers/sdk": set(),
    "providers/graph": {"stackconfig"},
    "providers/synchronization": {"providers/graph", "stackconfig"},
    "providers/framework": {"providers/graph", "stackconfig"},
    "providers/resources": {"providers/framework", "providers/graph", "providers/synchronization", "stackconfig"},
    # The composition root (providers/__main__.py, codegen.py): the framework, the resources, the components.
    "providers": {"components", "providers/framework", "providers/graph", "providers/resources", "providers/synchronization",
                  "stackconfig"},
    "components": {"providers/sdk", "stackconfig"},
    "ctsync": {"graphtypes", "providers/graph", "providers/resources", "providers/synchronization", "stackconfig"},
    "__main__.py": {"components"},
}
LAYERS = sorted(ALLOWED, key=len, reverse=True)


def layer_of(module_path: str) -> str | None:
    """The layer a module (``providers/graph/session``) or a source file belongs to."""
    return next((layer for layer in LAYERS if module_path == layer or module_path.startswith(layer + "/")), None)


def product_files() -> list[Path]:
    return sorted([ROOT / "__main__.py"] + [path for layer in ALLOWED if (ROOT / layer).is_dir()
                                           for path in (ROOT / layer).rglob("*.py") if ".venv" not in path.parts])


def first_party_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
        found |= {layer for name in names if (layer := layer_of(name.replace(".", "/"))) is not None}
    return found


@pytest.mark.parametrize("path", product_files(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_each_module_imports_only_what_its_layer_may(path):
    layer = layer_of(path.relative_to(ROOT).as_posix())
    assert layer is not None
    forbidden = first_party_imports(path) - ALLOWED[layer] - {layer}
    assert not forbidden, f"{layer} may not import {sorted(forbidden)} (docs/development.md, Layers)"


def test_the_rules_cover_every_package():
    packages = {path.parent.relative_to(ROOT).as_posix() for path in ROOT.glob("*/__init__.py")}
    assert packages - {"tests"} <= {layer.split("/")[0] for layer in ALLOWED}
