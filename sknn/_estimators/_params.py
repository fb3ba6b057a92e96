"""The estimators' parameters: their constraints, and the checks that need the data.

``PARAMETER_CONSTRAINTS`` is scikit-learn's declarative validation (invalid
values raise ``InvalidParameterError`` before fitting); the functions check
what depends on the network's depth or on the fit call.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.metrics import get_scorer_names
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)

from sknn._engine._activations import HIDDEN_ACTIVATIONS
from sknn._engine._init import INITIALIZERS

STOCHASTIC_SOLVERS = ("sgd", "adam", "rmsprop", "adamw")

PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions(set(HIDDEN_ACTIVATIONS)), list, tuple],
    "solver": [StrOptions({"lbfgs", *STOCHASTIC_SOLVERS})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "rho": [Interval(Real, 0, 1, closed="left")],
    "init": [StrOptions(set(INITIALIZERS))],
    "scoring": [StrOptions(set(get_scorer_names()) | {"loss"}), callable, None],
    "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
    "dtype": [StrOptions({"float32", "float64"}), None],
    "device": [str, None],  # its form is checked by sknn._arrays._device.parse_device
}


def hidden_activations(estimator, n_hidden):
    """One activation name per hidden layer; raise for a bad list."""
    if isinstance(estimator.activation, str):
        return [estimator.activation] * n_hidden
    names = list(estimator.activation)
    unknown = [name for name in names if name not in HIDDEN_ACTIVATIONS]
    if len(names) != n_hidden or unknown:
        raise InvalidParameterError(
            f"The 'activation' parameter of {type(estimator).__name__} must be one "
            f"of {sorted(HIDDEN_ACTIVATIONS)} or a list with one of them per "
            f"hidden layer ({n_hidden}); got {estimator.activation!r}."
        )
    return names


def dropout_rates(estimator, n_hidden):
    """One dropout rate per hidden layer; raise for a bad list or lbfgs."""
    rates = (
        estimator.dropout
        if isinstance(estimator.dropout, (list, tuple))
        else [estimator.dropout] * n_hidden
    )
    if len(rates) != n_hidden or not all(0 <= float(r) < 1 for r in rates):
        raise InvalidParameterError(
            f"The 'dropout' parameter of {type(estimator).__name__} must be a rate "
            f"in [0, 1) or a list with one per hidden layer ({n_hidden}); got "
            f"{estimator.dropout!r}."
        )
    if any(rates) and estimator.solver == "lbfgs":
        raise ValueError(
            "dropout needs a stochastic solver (sgd, adam, rmsprop, adamw): "
            "L-BFGS's line search needs a deterministic loss."
        )
    return [float(r) for r in rates]


def init_activations(estimator, n_hidden):
    """Per weight layer, the activation whose Glorot factor applies; the
    output layer takes the last hidden one (scikit-learn: the hidden one)."""
    hidden = hidden_activations(estimator, n_hidden)
    return hidden + hidden[-1:] if hidden else [estimator.activation]


def hidden_layer_sizes(estimator):
    """The hidden layer sizes as a list of ints; raise for a size that is not
    an int (5.7, True, '5') or is below 1."""
    given = estimator.hidden_layer_sizes
    sizes = list(given) if hasattr(given, "__iter__") else [given]
    not_ints = [s for s in sizes if not is_integer(s)]
    if not_ints:
        raise InvalidParameterError(
            f"The 'hidden_layer_sizes' parameter of {type(estimator).__name__} must be "
            "an int in the range [1, inf) or an array-like of such ints. Got "
            f"{given!r} instead: {not_ints[0]!r} is not an int."
        )
    if any(s <= 0 for s in sizes):
        raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
    return [int(s) for s in sizes]


def is_integer(value):
    """An int or a NumPy integer, not a bool."""
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def fitted_activation(estimator):
    """The hidden activation the fitted network was trained with (``activation``
    as it was at fit; it may have been changed by ``set_params`` since)."""
    return getattr(estimator, "_fitted_activation", estimator.activation)


def given_validation_data(estimator, X_val, y_val, sample_weight_val):
    """``(X_val, y_val, sample_weight_val)`` or None; raise when half given."""
    if X_val is None and y_val is None:
        if sample_weight_val is not None:
            raise ValueError("sample_weight_val is given without X_val and y_val.")
        return None
    if X_val is None or y_val is None:
        raise ValueError("X_val and y_val must be given together.")
    if not estimator.early_stopping or estimator.solver == "lbfgs":
        raise ValueError(
            "X_val and y_val are validation data for early stopping: set "
            "early_stopping=True and a stochastic solver (got "
            f"early_stopping={estimator.early_stopping}, solver={estimator.solver!r})."
        )
    return X_val, y_val, sample_weight_val
