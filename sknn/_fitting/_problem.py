"""The data of one fit: validated once, moved once to where training runs.

``validated_fit_data`` gives ``validate_data``'s checks (arrays that stay on
their device, such as CuPy input, are checked there), ``on_compute_device``
moves X to the training namespace and device in the compute dtype (one
conversion; a NumPy array in a layout the compiled engine does not compute on
as it is, such as Fortran order or a field of a structured array, is copied
once), and ``Problem`` holds what the training loop reads.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.utils.validation import validate_data

from sknn._arrays._backend import float_dtypes, is_numpy, move_to
from sknn._fitting._batches import take_rows
from sknn._arrays._device import follows_data
from sknn._arrays._device_input import validate_device_data
from sknn._engine._choice import in_compute_layout
from sknn._arrays._errors import explained_input_errors
from sknn._engine._layout import ParameterLayout


def validated_fit_data(estimator, X, y, reset):
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


def on_compute_device(X, xp, device, dtype_name):
    """X (dense, or sparse as CSR) in ``xp`` on ``device``; in ``dtype_name``
    ('float32', 'float64') when given, else in its own float dtype."""
    if dtype_name is not None and type(X) is np.ndarray and not is_numpy(xp):
        X = X.astype(dtype_name)  # convert on the host: half the transfer to a GPU
    X = move_to(X.tocsr() if sp.issparse(X) else X, xp, device)
    if dtype_name is not None:
        X = move_to(X, xp, device, getattr(xp, dtype_name))
    return in_compute_layout(X)



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
