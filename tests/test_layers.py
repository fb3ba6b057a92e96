"""sknn's subpackages are layers: each imports only the layers below it.

From the top: the public modules (``sknn``, ``sknn.onnx``, ``sknn.accel``...),
the user-facing extras, the estimators, fitting, the engine, arrays and
devices. The imports are read from the source (every ``import`` statement,
those inside functions too), so a lazy import cannot hide a climb.
"""

import ast
from pathlib import Path

import pytest

import sknn

PACKAGE = Path(sknn.__file__).parent
# Highest first; a module may import its own layer and the layers after it.
LAYERS = [
    "sknn",
    "sknn._extras",
    "sknn._estimators",
    "sknn._fitting",
    "sknn._engine",
    "sknn._arrays",
]
# Public modules that belong to a lower layer than the package's surface.
PUBLIC_IN_LAYER = {"sknn.datasets": "sknn._extras"}  # the loaders import no sknn module


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield _module_name(path), path
    for path in sorted(PACKAGE.rglob("*.pyx")):
        yield _module_name(path), path


def _imported_modules(name, path):
    """The sknn modules that ``path`` imports (``from a import b`` may name a module b)."""
    if path.suffix == ".pyx":  # Cython: its Python-level imports are plain lines
        lines = [line.strip() for line in path.read_text().splitlines()]
        code = "\n".join(
            line
            for line in lines
            if line.startswith(("import ", "from ")) and " cimport " not in line
        )
    else:
        code = path.read_text()
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                package = name.rsplit(".", node.level)[0]
                base = f"{package}.{base}" if base else package
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module == "sknn" or module.startswith("sknn.")}


def layer_of(module):
    """The layer a module belongs to (its subpackage, or the public surface)."""
    for public, layer in PUBLIC_IN_LAYER.items():
        if module == public or module.startswith(public + "."):
            return layer
    for layer in LAYERS[1:]:
        if module == layer or module.startswith(layer + "."):
            return layer
    return "sknn"


IMPORTS = {name: _imported_modules(name, path) for name, path in _sources()}


def test_every_private_module_sits_in_a_layer():
    top_level = [name for name in IMPORTS if name.count(".") == 1 and layer_of(name) == "sknn"]
    assert sorted(top_level) == ["sknn.__main__", "sknn.accel", "sknn.onnx"]


def _climbs(module, imported):
    """The modules of ``imported`` in a layer above ``module``'s."""
    rank = LAYERS.index(layer_of(module))
    return sorted(other for other in imported if LAYERS.index(layer_of(other)) < rank)


def _cycle(edges):
    """A cycle of the directed graph ``edges`` (node -> set of nodes) as a list, or None."""
    visiting, done = [], set()

    def visit(node):
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for other in sorted(edges.get(node, ())):
            cycle = visit(other)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    return next((cycle for node in sorted(edges) if (cycle := visit(node))), None)


@pytest.mark.parametrize("module", sorted(IMPORTS))
def test_imports_go_down_the_layers(module):
    climbs = _climbs(module, IMPORTS[module])
    assert climbs == [], f"{module} ({layer_of(module)}) imports a higher layer: {climbs}"


def test_no_import_cycle_between_subpackages():
    edges = {layer: set() for layer in LAYERS}
    for module, imported in IMPORTS.items():
        edges[layer_of(module)].update(layer_of(other) for other in imported)
    for layer in LAYERS:
        edges[layer].discard(layer)
    assert _cycle(edges) is None


def test_the_checks_see_a_climb_and_a_cycle(tmp_path):
    engine_module = tmp_path / "_network.py"
    engine_module.write_text(
        "from sknn._arrays._backend import move_to\n"
        "def late():\n    from sknn._estimators import _base\n"
    )
    imported = _imported_modules("sknn._engine._network", engine_module)
    climbs = _climbs("sknn._engine._network", imported)
    assert climbs == ["sknn._estimators", "sknn._estimators._base"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
