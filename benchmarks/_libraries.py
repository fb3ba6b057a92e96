"""The libraries compared, and how each builds its estimator for a case.

``LIBRARIES`` is also the order in which they alternate within a repeat.
Besides sknn and scikit-learn: skorch, a plain PyTorch loop (when torch is
installed) and the floor, the fit's matrix products alone (``_floor.py``).
"""

import sklearn.neural_network

import sknn
from _floor import MatmulFloor
from _skorch import SkorchMLP, unavailable_reason
from _torch_loop import TorchLoopMLP
from _torch_loop import unavailable_reason as torch_unavailable_reason

SKNN, SKLEARN, SKORCH, TORCH, FLOOR = "sknn", "scikit-learn", "skorch", "PyTorch loop", "floor"
LIBRARIES = (SKNN, SKLEARN, SKORCH, TORCH, FLOOR)
REFERENCE = SKLEARN  # ratios are taken against it


def make_estimator(library, case, quick=False, max_iter=None):
    """An unfitted estimator of ``library`` set up for ``case``.

    Parameters
    ----------
    library : one of ``LIBRARIES``
    case : _cases.Case
    quick : bool
        Use the case's ``--quick`` settings.
    max_iter : int or None
        Override the number of epochs (iterations).
    """
    if library == SKNN:
        return getattr(sknn, case.estimator)(**case.sknn_estimator_params(quick, max_iter))
    params = case.estimator_params(quick, max_iter)
    task = "classification" if case.estimator == "MLPClassifier" else "regression"
    if library == SKLEARN:
        return getattr(sklearn.neural_network, case.estimator)(**params)
    if library == SKORCH:
        return SkorchMLP(task, **params)
    if library == TORCH:
        return TorchLoopMLP(task, **params)
    if library == FLOOR:
        return MatmulFloor(**params)
    raise ValueError(f"unknown library {library!r}")


def libraries_for(case, skipped=()):
    """The libraries timed on ``case``, in alternation order.

    A library is left out when the case has no row for it, or when it is
    in ``skipped`` (see :func:`unavailable`).
    """
    wanted = {
        SKNN: True,
        SKLEARN: case.sklearn,
        SKORCH: case.skorch,
        TORCH: case.torch,
        FLOOR: case.floor,
    }
    return [lib for lib in LIBRARIES if wanted[lib] and lib not in skipped]


def unavailable():
    """``{library: why it cannot run here}`` for the optional libraries."""
    reasons = {SKORCH: unavailable_reason(), TORCH: torch_unavailable_reason()}
    return {library: reason for library, reason in reasons.items() if reason}


def dtype_label(library, case, data):
    """What the dtype column says: the compute dtype, and the input's when it differs."""
    data_dtype = data.X_train.dtype.name
    if library == SKORCH:
        return "float32 (tensors)" + ("" if data_dtype == "float32" else f", {data_dtype} input")
    compute = case.sknn_params.get("dtype") if library == SKNN else None
    if compute and compute != data_dtype:
        return f"{compute} ({data_dtype} input)"
    return data_dtype
