"""Putting sknn's classes in scikit-learn's place, and taking them back.

``install`` sets ``MLPClassifier`` and ``MLPRegressor`` of
``sklearn.neural_network`` and ``sklearn.neural_network._multilayer_perceptron``
to the stand-ins of ``_estimators``; ``uninstall`` puts scikit-learn's back.
Options come from the arguments, else from the environment
(``SKNN_ACCEL_DEVICE``, ``SKNN_ACCEL_DTYPE``, ``SKNN_ACCEL_REPORT``).
"""

import atexit
import os
import sys
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import sklearn.neural_network
from sklearn.neural_network import _multilayer_perceptron

from sknn._arrays._device import gpu_available, parse_device, wants_gpu
from sknn.accel import _estimators, _onnx_hook, _report

MODULES = (sklearn.neural_network, _multilayer_perceptron)
STAND_INS = {stand_in.__name__: stand_in for stand_in in _estimators.ESTIMATORS}
ORIGINALS = {name: stand_in._sklearn_class for name, stand_in in STAND_INS.items()}
ENVIRONMENT = {
    "device": "SKNN_ACCEL_DEVICE",
    "dtype": "SKNN_ACCEL_DTYPE",
    "report": "SKNN_ACCEL_REPORT",
}
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """What ``install`` was given: the estimators' defaults, and the report."""

    device: str = None
    dtype: str = None
    report: bool = False

    def __str__(self):
        return f"device={self.device!r}, dtype={self.dtype!r}"


_lock = threading.RLock()
_installed = None  # the Settings while installed
_report_at_exit = []  # the Settings to report with, once registered


def settings(device=None, dtype=None, report=None):
    """Settings from the arguments, else the environment; checked."""
    device = device if device is not None else os.environ.get(ENVIRONMENT["device"]) or None
    dtype = dtype if dtype is not None else os.environ.get(ENVIRONMENT["dtype"]) or None
    if report is None:
        report = os.environ.get(ENVIRONMENT["report"], "").strip().lower() in _TRUE
    parse_device(device)  # ValueError for a device sknn does not know
    if dtype not in (None, "float32", "float64"):
        raise ValueError(f"dtype={dtype!r}: use 'float32', 'float64' or None (follow the data).")
    if wants_gpu(device) and not gpu_available(parse_device(device)[1]):
        _estimators.note(
            f"device={device!r} needs CuPy and a GPU, which this machine "
            "lacks: the estimators run on the CPU"
        )
        device = None
    return Settings(device, dtype, bool(report))


def install(device=None, dtype=None, report=None):
    with _lock:
        global _installed
        chosen = settings(device, dtype, report)
        _estimators.set_defaults(chosen.device, chosen.dtype)
        _put(STAND_INS)
        _onnx_hook.install()
        _installed = chosen
        if chosen.report:
            if not _report_at_exit:
                atexit.register(_print_report)
            _report_at_exit[:] = [chosen]
    _note_earlier_imports()
    return chosen


def uninstall():
    with _lock:
        global _installed
        _put(ORIGINALS)
        _estimators.set_defaults(None, None)
        _onnx_hook.uninstall()
        _installed = None


def installed():
    """The Settings in force, or None."""
    return _installed


@contextmanager
def restored(previous):
    """On exit, install ``previous`` Settings again, or uninstall for None."""
    try:
        yield
    finally:
        if previous is None:
            uninstall()
        else:
            install(previous.device, previous.dtype, previous.report)


@contextmanager
def sklearn_classes():
    """scikit-learn's own classes in its modules for the duration of the block."""
    with _lock:
        if _installed is None:
            yield
            return
        _put(ORIGINALS)
        try:
            yield
        finally:
            _put(STAND_INS)


def report_text():
    return _report.text(_installed or (_report_at_exit or [Settings()])[0])


def _put(classes):
    for module in MODULES:
        for name, klass in classes.items():
            setattr(module, name, klass)


def _print_report():
    print(report_text(), file=sys.stderr)


def _note_earlier_imports():
    """A note when the interactive namespace took scikit-learn's classes before
    install() (a notebook cell above ``%load_ext sknn.accel``)."""
    main = vars(sys.modules.get("__main__", sys))
    names = sorted(
        name
        for name, value in main.items()
        if any(value is original for original in ORIGINALS.values())
    )
    if names:
        warnings.warn(
            f"sknn.accel: {', '.join(names)} in __main__ is scikit-learn's own class, "
            "imported before install(); import it again to get sknn's.",
            _estimators.FallbackWarning,
            stacklevel=3,
        )
