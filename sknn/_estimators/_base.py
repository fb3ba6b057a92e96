"""What MLPClassifier and MLPRegressor share: parameters, fitting, the forward pass.

The estimators differ only in how targets become network outputs and back
(``_encode_targets``, ``_output_activation``, ``_score_outputs``).
"""

import copy
import warnings
from abc import ABC, abstractmethod

import array_api_compat
import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from sknn._arrays._backend import (
    device_of,
    is_sparse,
    move_to,
    namespace_of,
    numpy_namespace,
)
from sknn._arrays._device import (
    data_target,
    is_out_of_memory,
    memory_error,
    prediction_target,
    warn_if_moved_to_cpu,
)
from sknn._arrays._host import host_state
from sknn._engine._choice import PREDICTION_ROWS, in_compute_layout, make_network
from sknn._engine._init import initial_parameters
from sknn._engine._network import FlatParameters, per_layer
from sknn._engine._optimizers import (
    SGD,
    Adam,
    AdamW,
    RMSProp,
    optimizer_from_record,
    optimizer_record,
)
from sknn._engine._prediction import (
    check_finite_outputs,
    prediction_network,
    validated_input,
    weights_on,
)
from sknn._estimators._params import (
    PARAMETER_CONSTRAINTS,
    STOCHASTIC_SOLVERS,
    dropout_rates,
    fitted_activation,
    given_validation_data,
    hidden_activations,
    hidden_layer_sizes,
    init_activations,
)
from sknn._estimators._summary import network_summary
from sknn._fitting._batches import BatchSource
from sknn._fitting._fit_data import prepare_fit_data
from sknn._fitting._interrupt import refuse_after_a_stopped_fit
from sknn._fitting._lbfgs import fit_lbfgs
from sknn._fitting._log import TrainingLog
from sknn._fitting._pipeline_check import check_validation_input
from sknn._fitting._state import commit_state, initial_state, state_from
from sknn._fitting._stochastic import StoppingRule, fit_epochs
from sknn._fitting._validation import ValidationMonitor, scores_are_minus_the_loss, validation_set

_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")
_OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSProp, "adamw": AdamW}


class BaseMultilayerPerceptron(BaseEstimator, ABC):
    """Base class of the sknn estimators; use MLPClassifier or MLPRegressor."""

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS

    def __init__(self, **params):
        # The subclasses spell out every parameter (scikit-learn reads their
        # signatures); the values are stored here, once.
        for name, value in params.items():
            setattr(self, name, value)

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

    def _class_weights(self, y, coding, incremental, y_train=None):
        """Per-sample weights from ``class_weight`` (classifier), or None;
        'balanced' uses the class frequencies of ``y_train`` when given."""
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
            weights on it are restored. In a Pipeline, ``X_val`` must go
            through the earlier steps as ``X`` does: pass it with metadata
            routing and ``Pipeline(..., transform_input=["X_val"])`` (see
            docs/validation.md); ``step__X_val`` hands it over untransformed,
            and sknn warns when it sees that.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Sample weights of ``X_val``.

        Returns
        -------
        self : object
            Returns a trained MLP model.
        """
        validation_data = given_validation_data(self, X_val, y_val, sample_weight_val)
        if validation_data is not None:
            check_validation_input(self, X, X_val)
        return self._fit(X, y, sample_weight, incremental=False, validation_data=validation_data)

    def _check_solver(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    def _fit(self, X, y, sample_weight, incremental, classes=None, validation_data=None):
        """Fit, or on any error leave the estimator exactly as it was."""
        saved = {k: self.__dict__[k] for k in _INPUT_ATTRIBUTES if k in self.__dict__}
        try:
            return self._fit_all_or_nothing(
                X, y, sample_weight, incremental, classes, validation_data
            )
        except BaseException as error:
            for name in _INPUT_ATTRIBUTES:  # validate_data may have reset them
                self.__dict__.pop(name, None)
            self.__dict__.update(saved)
            if is_out_of_memory(error):
                raise memory_error(error, self) from error
            raise

    def _fit_all_or_nothing(self, X, y, sample_weight, incremental, classes, validation_data):
        refuse_after_a_stopped_fit()
        hidden_sizes = hidden_layer_sizes(self)
        hidden_activations(self, len(hidden_sizes))
        dropout_rates(self, len(hidden_sizes))
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        problem = prepare_fit_data(
            self,
            X,
            y,
            sample_weight,
            hidden_sizes,
            reset=first_pass,
            encode_targets=lambda y_host: self._encode_targets(
                y_host, first_pass, incremental, classes
            ),
            class_weights=lambda y_host, coding: self._class_weights(y_host, coding, incremental),
        )
        random_state = check_random_state(self.random_state)
        params = self._starting_parameters(problem, first_pass, random_state)
        validation = validation_set(self, problem, random_state, incremental, validation_data)
        state = initial_state(params, validation) if first_pass else state_from(self, params)
        state.loss_type = problem.loss_type
        if self.solver == "lbfgs":
            optimizer = self._run_lbfgs(problem, params, state)
        else:
            optimizer = self._run_stochastic(
                problem, params, state, random_state, incremental, validation
            )
        _check_finite(problem.xp, params.flat)
        commit_state(self, problem.layout, params, state, optimizer, problem.coding)
        return self

    def _starting_parameters(self, problem, first_pass, random_state):
        """Initial weights on a first fit, else the fitted ones, in a new flat buffer."""
        layout = problem.layout
        if first_pass:
            n_hidden = len(layout.layer_units) - 2
            activations = init_activations(self, n_hidden)
            coefs, intercepts = initial_parameters(layout, activations, random_state, self.init)
        else:
            self._check_warm_layout(layout)
            coefs, intercepts = self.coefs_, self.intercepts_
        flat = layout.pack(problem.xp, coefs, intercepts, problem.X.dtype, problem.device)
        return FlatParameters(problem.xp, layout, flat)

    def _check_warm_layout(self, layout):
        shapes = [tuple(c.shape) for c in self.coefs_]
        if shapes != layout.coef_shapes:
            raise ValueError(
                "warm_start and partial_fit continue the fitted network, whose "
                f"layers have shapes {shapes}; this call needs {layout.coef_shapes} "
                "(hidden_layer_sizes or the number of outputs changed). Set "
                "warm_start=False or refit from scratch."
            )

    def _network(self, problem, X, max_rows, random_state=None):
        """Buffers for ``max_rows`` rows of ``X``; with ``random_state``, training with dropout."""
        n_hidden = len(problem.layout.layer_units) - 2
        rates = dropout_rates(self, n_hidden) if random_state is not None else 0.0
        random = None
        if any(per_layer(rates, n_hidden)):
            random = np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
        return make_network(
            problem.xp,
            problem.layout,
            self.activation,
            self._output_activation(problem.coding),
            problem.X.dtype,
            problem.device,
            max_rows,
            dropout=rates,
            random=random,
            sparse=is_sparse(X),
        )

    def _run_lbfgs(self, problem, params, state):
        network = self._network(problem, problem.X, problem.X.shape[0])
        grads = _zeros_like_params(problem, params)
        settings = dict(
            max_iter=self.max_iter, max_fun=self.max_fun, tol=self.tol, verbose=self.verbose
        )
        n_iter, loss, curve = fit_lbfgs(
            network,
            params,
            grads,
            problem.X,
            problem.targets(),
            problem.sample_weight,
            self.alpha,
            settings,
        )
        state.n_iter, state.loss = n_iter, state.loss_type(loss)
        state.loss_curve = [state.loss_type(value) for value in curve]
        state.best_loss = min(state.loss_curve, default=state.loss)
        return None

    def _run_stochastic(self, problem, params, state, random_state, incremental, validation):
        optimizer = self._optimizer_for(problem, params, incremental)
        train_rows = None if validation is None else validation.train_rows
        n_train = problem.X.shape[0] if train_rows is None else len(train_rows)
        batch_size = self._batch_size(n_train)
        batches = BatchSource(
            problem.xp,
            problem.X,
            problem.Y,
            problem.sample_weight,
            train_rows,
            batch_size,
            self.shuffle,
            random_state,
        )
        log = TrainingLog(
            self.verbose,
            self.max_iter,
            batches.n_batches,
            show_score=not scores_are_minus_the_loss(self),
        )
        rule = StoppingRule(self.tol, self.n_iter_no_change, log=log)
        if validation is not None:
            rows = min(validation.X.shape[0], PREDICTION_ROWS)
            network = self._network(problem, validation.X, rows)
            rule.validation = ValidationMonitor(self, problem, validation, network)
            state.watch_validation(params)
        network = self._network(problem, problem.X, batch_size, random_state)
        grads = _zeros_like_params(problem, params)
        fit_epochs(
            network,
            params,
            grads,
            optimizer,
            batches,
            state,
            rule,
            self._l2_penalty(),
            self.max_iter,
            incremental,
        )
        return optimizer

    def _optimizer_for(self, problem, params, incremental):
        """partial_fit continues a copy of the last optimizer (a failed call
        must not advance it); every other fit starts a new one."""
        previous = getattr(self, "_optimizer", None)
        kind = _OPTIMIZERS[self.solver]
        if incremental and type(previous) is kind and previous.continues(params.flat):
            return copy.deepcopy(previous).placed_like(params.flat)
        xp, flat = problem.xp, params.flat
        rate, schedule = self.learning_rate_init, self.learning_rate
        n_coefs = problem.layout.n_coefs
        if self.solver == "sgd":
            return SGD(
                xp,
                flat,
                rate,
                schedule,
                self.momentum,
                self.nesterovs_momentum,
                self.power_t,
                n_coefs,
            )
        if self.solver == "rmsprop":
            return RMSProp(xp, flat, rate, schedule, self.power_t, self.rho, self.epsilon, n_coefs)
        if self.solver == "adamw":
            return AdamW(
                xp,
                flat,
                rate,
                schedule,
                self.beta_1,
                self.beta_2,
                self.epsilon,
                weight_decay=self.alpha,
                n_decayed=n_coefs,
            )
        return Adam(xp, flat, rate, schedule, self.beta_1, self.beta_2, self.epsilon, n_coefs)

    def _l2_penalty(self):
        """alpha as an L2 term of the loss; AdamW decays the weights instead."""
        return 0.0 if self.solver == "adamw" else self.alpha

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. "
                "It is going to be clipped",
                stacklevel=1,  # scikit-learn's: the line that warns
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    # ---------------------------------------------------------- prediction
    def _forward(self, X, method):
        """``(xp, outputs)``: output-layer activations for X, in X's namespace and
        device, computed where the ``device`` parameter says."""
        coefs = getattr(self, "coefs_", None)
        if coefs is None:
            check_is_fitted(self, "coefs_")  # raises NotFittedError
        if type(X) is np.ndarray and self.device is None and type(coefs[0]) is np.ndarray:
            return numpy_namespace, self._forward_on(
                numpy_namespace, "cpu", validated_input(self, X)
            )
        answer_xp, answer_device = data_target(X)
        if self.device is None:
            self._check_same_namespace(answer_xp, answer_device, method)
        xp, device = prediction_target(self.device, X)
        X = move_to(validated_input(self, X), xp, device)
        return answer_xp, move_to(self._forward_on(xp, device, X), answer_xp, answer_device)

    def _forward_on(self, xp, device, X):
        """The network's outputs for validated X already in ``xp`` on ``device``."""
        dtype = getattr(xp, self.dtype) if self.dtype else _compute_dtype(xp, X, self.coefs_[0])
        X = in_compute_layout(move_to(X, xp, device, dtype))
        coefs, intercepts = weights_on(self, xp, device, dtype)
        network = prediction_network(
            xp,
            [X.shape[1], *(b.shape[0] for b in intercepts)],
            fitted_activation(self),
            self.out_activation_,
            dtype,
            device,
            X.shape[0],
            is_sparse(X),
        )
        return check_finite_outputs(xp, network.forward(coefs, intercepts, X, new_array=True))

    def _check_same_namespace(self, xp, device, method):
        fitted = self.coefs_[0]
        if xp == namespace_of(fitted) and device == device_of(fitted):
            return
        if not get_config()["array_api_dispatch"]:
            return  # X was converted to NumPy; the weights are moved for this call
        raise ValueError(
            f"Inputs passed to {type(self).__name__}.{method}() must use the same "
            "namespace and the same device as those passed to fit(). Got "
            f"{xp.__name__} on {device} but the model was fitted with "
            f"{namespace_of(fitted).__name__} on {device_of(fitted)}."
        )

    def summary(self, print_fn=None):
        """Print a Keras-style table of the fitted network.

        One row per layer (type, output shape, activation, parameter count)
        and the total; a 784-64-10 network has ``Total params: 50,890``. As
        in Keras, the table is printed and nothing is returned, so a REPL
        shows it once.

        Parameters
        ----------
        print_fn : callable, default=None
            Called with the table (a str) instead of ``print``, to send it
            elsewhere: ``clf.summary(print_fn=lines.append)`` keeps it.
        """
        check_is_fitted(self)
        (print if print_fn is None else print_fn)(network_summary(self))

    def __getstate__(self):
        """The estimator as plain data: every array on the host (NumPy), so a GPU
        model pickles and loads where there is no GPU or CuPy; the optimizer as
        a dict, so that skops files name no type but the estimator's."""
        state = host_state(super().__getstate__())
        if state.get("_optimizer") is not None:
            state["_optimizer"] = optimizer_record(state["_optimizer"])
        return state

    def __setstate__(self, state):
        if isinstance(state.get("_optimizer"), dict):
            state = {**state, "_optimizer": optimizer_from_record(state["_optimizer"])}
        super().__setstate__(state)
        warn_if_moved_to_cpu(self)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags


def _zeros_like_params(problem, params):
    return FlatParameters(problem.xp, problem.layout, problem.xp.zeros_like(params.flat))


def _check_finite(xp, flat):
    if not bool(xp.all(xp.isfinite(flat))):
        raise ValueError(
            "Solver produced non-finite parameter weights. The input data may "
            "contain large values and need to be preprocessed."
        )


def _compute_dtype(xp, X, coef):
    """float64 when the data or the weights are float64 (scikit-learn's rule)."""
    coef_is_64 = coef.dtype == (
        np.float64 if type(coef) is np.ndarray else array_api_compat.array_namespace(coef).float64
    )
    x_is_64 = X.dtype == np.float64 if is_sparse(X) else X.dtype == xp.float64
    return xp.float64 if coef_is_64 or x_is_64 else xp.float32
