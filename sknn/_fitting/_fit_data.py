"""A fit's data: validated, moved and typed in one pass, as a ``Problem``.

``prepare_fit_data`` is the one entry point: it finds the namespace and device
the fit runs on (the ``device`` parameter, else the data's own), checks X and
y as ``validate_data`` does (arrays that stay on their device, such as CuPy
input, are checked there), moves X once to that device in the compute dtype
(a NumPy array in a layout the compiled engine does not compute on as it is,
such as Fortran order or a field of a structured array, is copied once),
codes the targets with the estimator's encoder, checks ``sample_weight`` and
multiplies in the class weights, and sets the parameter layout and the type of
the reported loss. It calls only the engine and the arrays layer below it;
what only the estimator knows (its target coding, its class weights) comes in
as two callables.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import is_classifier
from sklearn.utils import check_array
from sklearn.utils.validation import validate_data

from sknn._arrays._backend import float_dtypes, is_numpy, move_to, to_numpy
from sknn._arrays._device import follows_data, target_for
from sknn._arrays._device_input import validate_device_data
from sknn._arrays._errors import explained_input_errors
from sknn._engine._choice import in_compute_layout
from sknn._engine._layout import ParameterLayout
from sknn._engine._losses import loss_value_type
from sknn._fitting._batches import take_rows


@dataclass
class Problem:
    """The validated data of one fit call, in the compute namespace."""

    xp: object
    device: object
    layout: ParameterLayout
    X: object  # (n_samples, n_features), dense or CSR
    Y: object  # (n_samples, n_outputs) network targets: compute dtype, or 0/1 as uint8
    y_host: np.ndarray  # the targets as given, on the host (for scoring)
    sample_weight: object
    coding: dict  # classes_ and label kind (classifier) or {} (regressor)
    loss_type: type = np.float64  # of loss_ and loss_curve_ entries, as scikit-learn's

    def targets(self, rows=None):
        """The network targets (of ``rows``, or all) in the compute dtype."""
        Y = self.Y if rows is None else take_rows(self.xp, self.Y, rows)
        return Y if Y.dtype == self.X.dtype else self.xp.astype(Y, self.X.dtype)


def prepare_fit_data(
    estimator, X, y, sample_weight, hidden_sizes, *, reset, encode_targets, class_weights
):
    """The data of a fit, validated and moved once to where it trains, as a ``Problem``.

    Parameters
    ----------
    estimator : BaseMultilayerPerceptron
        Read for its ``device``, ``dtype`` and ``_y_numeric``; ``validate_data``
        checks (with ``reset``, sets) its ``n_features_in_`` and ``feature_names_in_``.
    X, y, sample_weight
        As given to ``fit`` or ``partial_fit``.
    hidden_sizes : list of int
        The validated ``hidden_layer_sizes``.
    reset : bool
        True on a first pass: the input attributes are set, not checked.
    encode_targets : callable
        ``encode_targets(y_host) -> (Y_host, coding)``: the validated host targets
        as network targets, (n_samples, n_outputs) float64 or 0/1 uint8, and their
        coding (``classes_`` and label kind, or ``{}``).
    class_weights : callable
        ``class_weights(y_host, coding) -> weights``: per-sample weights from
        ``class_weight``, or None.

    Returns
    -------
    Problem
    """
    xp, device = target_for(estimator.device, X)
    X, y = _validated(estimator, X, y, reset)
    X = _on_compute_device(X, xp, device, estimator.dtype)
    y_host = to_numpy(y)
    Y_host, coding = encode_targets(y_host)
    Y_host = np.require(Y_host, requirements=["C", "A"])  # what the compiled engine reads
    weights = combine_weights(
        check_sample_weight(sample_weight, X.shape[0]),
        class_weights(y_host, coding),
        "sample_weight",
    )
    layout = ParameterLayout([X.shape[1], *hidden_sizes, Y_host.shape[1]])
    Y_dtype = X.dtype if Y_host.dtype.kind == "f" else None  # 0/1 targets stay uint8
    weight_dtype = None if sample_weight is None else getattr(sample_weight, "dtype", "float64")
    loss_type = loss_value_type(is_classifier(estimator), X.dtype, y_host.dtype, weight_dtype)
    return Problem(
        xp,
        device,
        layout,
        X,
        move_to(Y_host, xp, device, Y_dtype),
        y_host,
        move_to(weights, xp, device, X.dtype),
        coding,
        loss_type,
    )


def _validated(estimator, X, y, reset):
    """``(X, y)`` checked as ``validate_data`` checks them for a fit."""
    if follows_data(X) and not get_config()["array_api_dispatch"]:
        return validate_device_data(estimator, X, y, reset, estimator._y_numeric)
    with explained_input_errors():
        return validate_data(
            estimator,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=estimator._y_numeric,
            dtype=float_dtypes(X),
            reset=reset,
        )


def _on_compute_device(X, xp, device, dtype_name):
    """X (dense, or sparse as CSR) in ``xp`` on ``device``; in ``dtype_name``
    ('float32', 'float64') when given, else in its own float dtype."""
    if dtype_name is not None and type(X) is np.ndarray and not is_numpy(xp):
        X = X.astype(dtype_name)  # convert on the host: half the transfer to a GPU
    X = move_to(X.tocsr() if sp.issparse(X) else X, xp, device)
    if dtype_name is not None:
        X = move_to(X, xp, device, getattr(xp, dtype_name))
    return in_compute_layout(X)


def check_sample_weight(sample_weight, n_samples, name="sample_weight"):
    """``sample_weight`` as a finite, non-negative float64 host vector, or None.

    A scalar weighs every sample alike. ``name`` is the parameter's name in
    the messages ('sample_weight', 'sample_weight_val').

    Raises
    ------
    ValueError
        When it is not 1-D of length ``n_samples``, is not finite or negative
        somewhere, or sums to zero.
    """
    if sample_weight is None:
        return None
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, sample_weight)
    weights = check_array(
        to_numpy(sample_weight) if hasattr(sample_weight, "shape") else sample_weight,
        ensure_2d=False,
        dtype=np.float64,
        input_name=name,
    )
    if weights.ndim != 1 or weights.shape[0] != n_samples:
        raise ValueError(f"{name}.shape == {weights.shape}, expected ({n_samples},)!")
    if np.any(weights < 0):
        raise ValueError(f"{name} must be non-negative; got negative values.")
    if not np.any(weights > 0):
        raise ValueError(f"{name} sums to zero: at least one weight must be > 0.")
    return np.require(weights, requirements=["C", "A"])  # any layout given: as the kernels read it


def combine_weights(sample_weight, class_weights, name):
    """The product of the two (either may be None), as scikit-learn's classifiers do.

    Raises a ValueError when the product is 0 for every sample (``name``, the
    sample weights' parameter, says which: 'sample_weight' or 'sample_weight_val').
    """
    if class_weights is None:
        return sample_weight
    weights = class_weights if sample_weight is None else sample_weight * class_weights
    if not np.any(weights > 0):
        given = "class_weight" if sample_weight is None else f"{name} times class_weight"
        raise ValueError(
            f"The weights of the samples ({given}) are 0 for every sample: class_weight "
            "gives weight 0 to every class they hold (where the other factor is not 0), "
            "so there is nothing to learn from."
        )
    return weights
