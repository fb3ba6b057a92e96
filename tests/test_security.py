"""sknn never unpickles, evaluates or downloads anything itself.

A static check of the package's source: no call that deserialises with
pickle/joblib/marshal, evaluates strings as code, opens a network connection
or starts a process. Loading a saved model is always the user's own call
(see docs/persistence.md for which formats are safe from strangers).
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sknn"
SOURCES = sorted(p for p in PACKAGE.rglob("*.py")) + sorted(PACKAGE.rglob("*.pyx"))

FORBIDDEN_MODULES = {
    "pickle",
    "marshal",
    "shelve",
    "urllib",
    "http",
    "socket",
    "requests",
    "subprocess",
    "ftplib",
    "joblib",
}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}


def _python_sources():
    return [p for p in SOURCES if p.suffix == ".py"]


@pytest.mark.parametrize("path", _python_sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_neither_loads_nor_downloads_nor_evaluates(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN_MODULES, f"{path.name} imports {name}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{path.name} calls {node.func.id}()"


def test_cython_sources_import_nothing_unsafe():
    for path in SOURCES:
        if path.suffix != ".pyx":
            continue
        text = path.read_text()
        for module in FORBIDDEN_MODULES:
            assert f"import {module}" not in text, f"{path.name} imports {module}"


def test_the_check_sees_the_whole_package():
    names = {p.relative_to(PACKAGE).as_posix() for p in SOURCES}
    every_layer = {
        "datasets.py",
        "accel/_install.py",
        "_extras/_cli.py",
        "_estimators/_classifier.py",
        "_fitting/_fit_data.py",
        "_engine/_network.py",
        "_engine/_cpu/_dense.pyx",
        "_arrays/_device.py",
    }
    assert every_layer <= names
