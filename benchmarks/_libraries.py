"""The libraries compared, and how each builds its estimator for a case.

``LIBRARIES`` is also the order in which they alternate within a repeat.
"""

import sklearn.neural_network

import sknn
from _skorch import SkorchMLP, unavailable_reason

SKNN, SKLEARN, SKORCH = "sknn", "scikit-learn", "skorch"
LIBRARIES = (SKNN, SKLEARN, SKORCH)
REFERENCE = SKLEARN  # ratios are taken against it


def make_estimator(library, case, quick=False, max_iter=None):
    """An unfitted estimator of ``library`` set up for ``case``.

    Parameters
    ----------
    library : {"sknn", "scikit-learn", "skorch"}
    case : _cases.Case
    quick : bool
        Use the case's ``--quick`` settings.
    max_iter : int or None
        Override the number of epochs (iterations).
    """
    if library == SKNN:
        return getattr(sknn, case.estimator)(**case.sknn_estimator_params(quick, max_iter))
    params = case.estimator_params(quick, max_iter)
    if library == SKLEARN:
        return getattr(sklearn.neural_network, case.estimator)(**params)
    if library == SKORCH:
        task = "classification" if case.estimator == "MLPClassifier" else "regression"
        return SkorchMLP(task, **params)
    raise ValueError(f"unknown library {library!r}")


def libraries_for(case, skip_skorch_reason=None):
    """The libraries timed on ``case``, in alternation order.

    skorch is left out when the case has no skorch row or when
    ``skip_skorch_reason`` (from :func:`skorch_unavailable`) is set.
    """
    with_skorch = case.skorch and skip_skorch_reason is None
    return [SKNN, SKLEARN] + ([SKORCH] if with_skorch else [])


def skorch_unavailable():
    """Why skorch cannot run here (a string), or None."""
    return unavailable_reason()


def dtype_label(library, case, data):
    """What the dtype column says: the compute dtype, and the input's when it differs."""
    data_dtype = data.X_train.dtype.name
    if library == SKORCH:
        return "float32 (tensors)" + ("" if data_dtype == "float32" else f", {data_dtype} input")
    compute = case.sknn_params.get("dtype") if library == SKNN else None
    if compute and compute != data_dtype:
        return f"{compute} ({data_dtype} input)"
    return data_dtype
