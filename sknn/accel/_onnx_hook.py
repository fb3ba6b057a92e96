"""skl2onnx under sknn.accel: it knows scikit-learn's classes, and sknn's too.

skl2onnx keys its converters on scikit-learn's classes when it is imported.
Imported while sknn.accel is installed, it would key them on the stand-ins;
this import hook gives it scikit-learn's own classes for the duration of its
import, then registers sknn's converters (``sknn.onnx``) for the stand-ins.
"""

import importlib
import importlib.abc
import importlib.machinery
import sys


def register_stand_ins():
    """sknn's converters for the stand-ins, once skl2onnx is there."""
    if "skl2onnx" not in sys.modules:
        return
    onnx = sys.modules.get("sknn.onnx")
    if onnx is None:
        importlib.import_module("sknn.onnx")  # registers them
    elif hasattr(onnx, "register"):  # else it is being imported, and registers them last
        from sknn.accel._estimators import ESTIMATORS

        for stand_in in ESTIMATORS:
            onnx.register(stand_in)


class _Loader(importlib.abc.Loader):
    """skl2onnx's own loader, run with scikit-learn's classes in place."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        from sknn.accel import _install

        with _install.sklearn_classes():
            self.loader.exec_module(module)
        register_stand_ins()

    def __getattr__(self, name):
        return getattr(self.loader, name)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != "skl2onnx":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


_FINDER = _Finder()


def install():
    """Watch for skl2onnx's import; register the stand-ins if it is there."""
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    register_stand_ins()


def uninstall():
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
