"""What MLPClassifier and MLPRegressor share: parameters, fitting, the forward pass.

The estimators differ only in how targets become network outputs and back
(``_encode_targets``, ``_output_activation``, ``_score_outputs``).
"""

import copy
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass
from numbers import Integral, Real

import array_api_compat
import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import BaseEstimator, _fit_context
from sklearn.metrics import get_scorer_names
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from sknn._activations import HIDDEN_ACTIVATIONS
from sknn._backend import device_of, move_to, namespace_of, to_numpy
from sknn._batches import BatchSource
from sknn._init import INITIALIZERS, initial_parameters
from sknn._layout import ParameterLayout
from sknn._lbfgs import fit_lbfgs
from sknn._log import TrainingLog
from sknn._network import FlatParameters, Network, per_layer
from sknn._optimizers import SGD, Adam, AdamW, RMSProp
from sknn._sample_weight import check_sample_weight
from sknn._split import validation_split
from sknn._validation import ValidationSet, rows_of, validation_monitor
from sknn._state import commit_state, initial_state, state_from
from sknn._stochastic import StoppingRule, fit_epochs
from sknn._summary import network_summary

STOCHASTIC_SOLVERS = ("sgd", "adam", "rmsprop", "adamw")
_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")
_OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSProp, "adamw": AdamW}


def _float_dtypes(X):
    """The float dtypes X may keep, in X's own namespace (float64 first)."""
    xp = namespace_of(X)
    return (xp.float64, xp.float32)


class BaseMultilayerPerceptron(BaseEstimator, ABC):
    """Base class of the sknn estimators; use MLPClassifier or MLPRegressor."""

    _parameter_constraints: dict = {
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
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        rho=0.9,
        init="glorot_uniform",
        scoring=None,
        dropout=0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.rho = rho
        self.init = init
        self.scoring = scoring
        self.dropout = dropout

    # ----------------------------------------------------------------- hooks
    @abstractmethod
    def _encode_targets(self, y, first_pass, incremental, classes=None):
        """Validated host targets -> (Y host float64 (n, n_outputs), coding dict)."""

    @abstractmethod
    def _output_activation(self, coding):
        """Name of the output activation for this target coding."""

    @abstractmethod
    def _score_outputs(self, y_true, y_out, sample_weight, coding):
        """The estimator's score of host network outputs against host targets."""

    def _class_weights(self, y, incremental):
        """Per-sample weights from ``class_weight`` (classifier), or None."""
        return None

    @abstractmethod
    def _encode_validation_targets(self, y_val, coding):
        """Host targets of X_val -> host float64 (n_val, n_outputs), checked."""

    @abstractmethod
    def _stratify_labels(self, y, coding):
        """One label per row to stratify the validation split by, or None."""

    # ------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers in
            regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Validation data for early stopping (requires ``early_stopping=True``);
            when given, no validation split is taken from ``X``, and the best
            weights on it are restored.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Sample weights of ``X_val``.

        Returns
        -------
        self : object
            Returns a trained MLP model.
        """
        validation_data = _given_validation_data(self, X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, incremental=False, validation_data=validation_data)

    def _check_solver(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                "%s is not stochastic." % self.solver
            )
        return True

    def _hidden_activations(self, n_hidden):
        """One activation name per hidden layer; raise for a bad list."""
        if isinstance(self.activation, str):
            return [self.activation] * n_hidden
        names = list(self.activation)
        unknown = [name for name in names if name not in HIDDEN_ACTIVATIONS]
        if len(names) != n_hidden or unknown:
            raise InvalidParameterError(
                f"The 'activation' parameter of {type(self).__name__} must be one "
                f"of {sorted(HIDDEN_ACTIVATIONS)} or a list with one of them per "
                f"hidden layer ({n_hidden}); got {self.activation!r}."
            )
        return names

    def _dropout_rates(self, n_hidden):
        """One dropout rate per hidden layer; raise for a bad list or lbfgs."""
        rates = self.dropout if isinstance(self.dropout, (list, tuple)) else [self.dropout] * n_hidden
        if len(rates) != n_hidden or not all(0 <= float(r) < 1 for r in rates):
            raise InvalidParameterError(
                f"The 'dropout' parameter of {type(self).__name__} must be a rate "
                f"in [0, 1) or a list with one per hidden layer ({n_hidden}); got "
                f"{self.dropout!r}."
            )
        if any(rates) and self.solver == "lbfgs":
            raise ValueError(
                "dropout needs a stochastic solver (sgd, adam, rmsprop, adamw): "
                "L-BFGS's line search needs a deterministic loss."
            )
        return [float(r) for r in rates]

    def _init_activations(self, n_hidden):
        """Per weight layer, the activation whose Glorot factor applies; the
        output layer takes the last hidden one (scikit-learn: the hidden one)."""
        hidden = self._hidden_activations(n_hidden)
        return hidden + hidden[-1:] if hidden else [self.activation]

    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if any(int(s) <= 0 for s in sizes):
            raise ValueError("hidden_layer_sizes must be > 0, got %s." % sizes)
        return [int(s) for s in sizes]

    def _fit(self, X, y, sample_weight, incremental, classes=None, validation_data=None):
        """Fit, or on any error leave the estimator exactly as it was."""
        saved = {k: self.__dict__[k] for k in _INPUT_ATTRIBUTES if k in self.__dict__}
        try:
            return self._fit_all_or_nothing(
                X, y, sample_weight, incremental, classes, validation_data
            )
        except BaseException:
            for name in _INPUT_ATTRIBUTES:  # validate_data may have reset them
                self.__dict__.pop(name, None)
            self.__dict__.update(saved)
            raise

    def _fit_all_or_nothing(self, X, y, sample_weight, incremental, classes, validation_data):
        hidden_sizes = self._hidden_layer_sizes()
        self._hidden_activations(len(hidden_sizes))
        self._dropout_rates(len(hidden_sizes))
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=self._y_numeric,
            dtype=_float_dtypes(X),
            reset=first_pass,
        )
        xp, device = namespace_of(X), device_of(X)
        X = X.tocsr() if sp.issparse(X) else X
        Y_host, coding = self._encode_targets(to_numpy(y), first_pass, incremental, classes)
        Y = move_to(Y_host, xp, device, X.dtype)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        class_weights = self._class_weights(to_numpy(y), incremental)
        sample_weight = move_to(_combine_weights(sample_weight, class_weights), xp, device, X.dtype)
        layout = ParameterLayout([X.shape[1], *hidden_sizes, Y.shape[1]])
        random_state = check_random_state(self.random_state)
        if first_pass:
            coefs, intercepts = initial_parameters(
                layout, self._init_activations(len(hidden_sizes)), random_state, self.init
            )
        else:
            self._check_warm_layout(layout)
            coefs, intercepts = self.coefs_, self.intercepts_
        params = FlatParameters(xp, layout, layout.pack(xp, coefs, intercepts, X.dtype, device))
        state = initial_state(self, params) if first_pass else state_from(self, params)
        problem = _Problem(xp, device, layout, X, Y, to_numpy(y), sample_weight, coding)
        validation = self._validation_set(problem, random_state, incremental, validation_data)
        if self.solver == "lbfgs":
            optimizer = self._run_lbfgs(problem, params, state)
        else:
            optimizer = self._run_stochastic(
                problem, params, state, random_state, incremental, validation
            )
        _check_finite(xp, params.flat)
        commit_state(self, layout, params, state, optimizer, coding)
        return self

    def _check_warm_layout(self, layout):
        shapes = [tuple(c.shape) for c in self.coefs_]
        if shapes != layout.coef_shapes:
            raise ValueError(
                "warm_start and partial_fit continue the fitted network, whose "
                f"layers have shapes {shapes}; this call needs {layout.coef_shapes} "
                "(hidden_layer_sizes or the number of outputs changed). Set "
                "warm_start=False or refit from scratch."
            )

    def _network(self, problem, coding, max_rows, random_state=None):
        """Buffers for ``max_rows`` rows; with ``random_state``, training with dropout."""
        n_hidden = len(problem.layout.layer_units) - 2
        rates = self._dropout_rates(n_hidden) if random_state is not None else 0.0
        random = None
        if any(per_layer(rates, n_hidden)):
            random = np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
        return Network(
            problem.xp, problem.layout, self.activation, self._output_activation(coding),
            problem.X.dtype, problem.device, max_rows, dropout=rates, random=random,
        )

    def _run_lbfgs(self, problem, params, state):
        network = self._network(problem, problem.coding, problem.X.shape[0])
        grads = _zeros_like_params(problem, params)
        settings = dict(
            max_iter=self.max_iter, max_fun=self.max_fun, tol=self.tol, verbose=self.verbose
        )
        n_iter, loss, curve = fit_lbfgs(
            network, params, grads, problem.X, problem.Y, problem.sample_weight,
            self.alpha, settings,
        )
        state.n_iter, state.loss, state.loss_curve = n_iter, loss, curve
        state.best_loss = min(curve, default=loss)
        return None

    def _run_stochastic(self, problem, params, state, random_state, incremental, validation):
        optimizer = self._optimizer_for(problem, params, incremental)
        train_rows = None if validation is None else validation.train_rows
        n_train = problem.X.shape[0] if train_rows is None else len(train_rows)
        batch_size = self._batch_size(n_train)
        batches = BatchSource(
            problem.xp, problem.X, problem.Y, problem.sample_weight, train_rows,
            batch_size, self.shuffle, random_state,
        )
        log = TrainingLog(self.verbose, self.max_iter, batches.n_batches)
        rule = StoppingRule(self.tol, self.n_iter_no_change, log=log)
        if validation is not None:
            network = self._network(problem, problem.coding, validation.X.shape[0])
            rule.validation = validation_monitor(self, problem, validation, network)
            state.watch_validation(params)
        network = self._network(problem, problem.coding, batch_size, random_state)
        grads = _zeros_like_params(problem, params)
        fit_epochs(
            network, params, grads, optimizer, batches, state, rule, self._l2_penalty(),
            self.max_iter, incremental,
        )
        return optimizer

    def _optimizer_for(self, problem, params, incremental):
        """partial_fit continues a copy of the last optimizer (a failed call
        must not advance it); every other fit starts a new one."""
        previous = getattr(self, "_optimizer", None)
        kind = _OPTIMIZERS[self.solver]
        if incremental and type(previous) is kind and previous.continues(params.flat):
            return copy.deepcopy(previous)
        xp, flat, rate, schedule = problem.xp, params.flat, self.learning_rate_init, self.learning_rate
        if self.solver == "sgd":
            return SGD(xp, flat, rate, schedule, self.momentum, self.nesterovs_momentum, self.power_t)
        if self.solver == "rmsprop":
            return RMSProp(xp, flat, rate, schedule, self.power_t, self.rho, self.epsilon)
        if self.solver == "adamw":
            return AdamW(
                xp, flat, rate, schedule, self.beta_1, self.beta_2, self.epsilon,
                weight_decay=self.alpha, n_decayed=problem.layout.n_coefs,
            )
        return Adam(xp, flat, rate, schedule, self.beta_1, self.beta_2, self.epsilon)

    def _l2_penalty(self):
        """alpha as an L2 term of the loss; AdamW decays the weights instead."""
        return 0.0 if self.solver == "adamw" else self.alpha

    def _validation_set(self, problem, random_state, incremental, validation_data):
        """The fit's validation set: given, split off, or None; lbfgs has none."""
        if validation_data is not None:
            validation = self._given_validation_set(problem, *validation_data)
            validation.train_rows = None
            return validation
        if not self.early_stopping or incremental or self.solver == "lbfgs":
            return None
        stratify = self._stratify_labels(problem.y_host, problem.coding)
        split = validation_split(
            problem.X.shape[0], self.validation_fraction, stratify, random_state
        )
        if split is None:
            return None
        validation = rows_of(problem, split[1])
        validation.train_rows = split[0]
        return validation

    def _given_validation_set(self, problem, X_val, y_val, sample_weight_val):
        X = validate_data(
            self, X_val, accept_sparse=["csr", "csc"], dtype=_float_dtypes(X_val), reset=False
        )
        y_host = to_numpy(y_val)
        if y_host.shape[0] != X.shape[0]:
            raise ValueError(
                f"X_val has {X.shape[0]} samples but y_val has {y_host.shape[0]}."
            )
        xp, device, dtype = problem.xp, problem.device, problem.X.dtype
        X = X.tocsr().astype(dtype) if sp.issparse(X) else move_to(X, xp, device, dtype)
        weights = check_sample_weight(sample_weight_val, X.shape[0])
        Y_host = self._encode_validation_targets(y_host, problem.coding)
        if Y_host.shape[1] != problem.Y.shape[1]:
            raise ValueError(
                f"y_val has {Y_host.shape[1]} outputs; y has {problem.Y.shape[1]}."
            )
        weights = _combine_weights(weights, self._class_weights(y_host, incremental=False))
        return ValidationSet(
            X=X,
            Y=move_to(Y_host, xp, device, dtype),
            y_host=y_host,
            sample_weight=move_to(weights, xp, device, dtype),
            X_given=X_val,
            y_given=y_val,
        )

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. "
                "It is going to be clipped"
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    # ---------------------------------------------------------- prediction
    def _forward(self, X, method):
        """Output-layer activations for X, in X's namespace and device."""
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=_float_dtypes(X), reset=False
        )
        xp, device = namespace_of(X), device_of(X)
        self._check_same_namespace(X, xp, device, method)
        dtype = _compute_dtype(xp, X, self.coefs_[0])
        X = X.astype(dtype) if sp.issparse(X) else move_to(X, xp, device, dtype)
        coefs = [move_to(c, xp, device, dtype) for c in self.coefs_]
        intercepts = [move_to(b, xp, device, dtype) for b in self.intercepts_]
        layout = ParameterLayout([X.shape[1], *(b.shape[0] for b in intercepts)])
        network = Network(
            xp, layout, self.activation, self.out_activation_, dtype, device, X.shape[0]
        )
        return xp, network.forward(coefs, intercepts, X)

    def _check_same_namespace(self, X, xp, device, method):
        fitted = self.coefs_[0]
        if xp == namespace_of(fitted) and device == device_of(fitted):
            return
        if not _dispatching():
            return  # X was converted to NumPy; the weights are moved for this call
        raise ValueError(
            f"Inputs passed to {type(self).__name__}.{method}() must use the same "
            "namespace and the same device as those passed to fit(). Got "
            f"{xp.__name__} on {device} but the model was fitted with "
            f"{namespace_of(fitted).__name__} on {device_of(fitted)}."
        )

    def summary(self):
        """Print and return a Keras-style table of the fitted network.

        One row per layer (type, output shape, activation, parameter count)
        and the total; a 784-64-10 network has ``Total params: 50,890``.

        Returns
        -------
        table : str
        """
        check_is_fitted(self)
        table = network_summary(self)
        print(table)
        return table

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags


@dataclass
class _Problem:
    """The validated data of one fit call, in the compute namespace."""

    xp: object
    device: object
    layout: ParameterLayout
    X: object  # (n_samples, n_features), dense or CSR
    Y: object  # (n_samples, n_outputs) network targets
    y_host: np.ndarray  # the targets as given, on the host (for scoring)
    sample_weight: object
    coding: dict  # classes_ and label kind (classifier) or {} (regressor)


def _zeros_like_params(problem, params):
    return FlatParameters(problem.xp, problem.layout, problem.xp.zeros_like(params.flat))


def _combine_weights(sample_weight, class_weights):
    """The product of the two (either may be None), as scikit-learn's classifiers do."""
    if class_weights is None:
        return sample_weight
    return class_weights if sample_weight is None else sample_weight * class_weights


def _given_validation_data(estimator, X_val, y_val, sample_weight_val):
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


def _check_finite(xp, flat):
    if not bool(xp.all(xp.isfinite(flat))):
        raise ValueError(
            "Solver produced non-finite parameter weights. The input data may "
            "contain large values and need to be preprocessed."
        )


def _dispatching():
    return get_config()["array_api_dispatch"]


def _compute_dtype(xp, X, coef):
    """float64 when the data or the weights are float64 (scikit-learn's rule)."""
    coef_is_64 = coef.dtype == array_api_compat.array_namespace(coef).float64
    x_is_64 = X.dtype == np.float64 if sp.issparse(X) else X.dtype == xp.float64
    return xp.float64 if coef_is_64 or x_is_64 else xp.float32
