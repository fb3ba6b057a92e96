"""The validation set of a fit, and what is measured on it every epoch.

The set is either split off the training data (``early_stopping=True``,
``validation_fraction``) or given to ``fit`` as ``X_val``/``y_val`` (the
convention of scikit-learn's HistGradientBoosting). Every epoch the monitor
returns ``(score, loss)``: the loss is the mean validation loss (without the
L2 term); the score is what early stopping maximises, as ``scoring`` says:
None: the estimator's own score (accuracy or R²), 'loss': minus the
validation loss, or any scikit-learn scorer name or callable.
"""

import copy
from dataclasses import dataclass

import scipy.sparse as sp
from sklearn.metrics import check_scoring

from sknn._backend import move_to, to_float, to_numpy
from sknn._prediction import validated_input
from sknn._batches import take_rows
from sknn._sample_weight import check_sample_weight, combine_weights
from sknn._split import validation_split
from sknn._state import attach_network


@dataclass
class ValidationSet:
    """Validation data in the compute namespace, and as given (for scorers)."""

    X: object  # (n, n_features), compute namespace and dtype
    Y: object  # (n, n_outputs), network targets
    y_host: object  # targets as given, on the host
    sample_weight: object  # compute namespace, or None
    X_given: object  # what a scorer's predict receives
    y_given: object
    train_rows: object = None  # for a split: the rows left for training


def validation_set(estimator, problem, random_state, incremental, validation_data):
    """The fit's validation set: given, split off, or None; lbfgs has none."""
    if validation_data is not None:
        return _given_validation_set(estimator, problem, *validation_data)
    if not estimator.early_stopping or incremental or estimator.solver == "lbfgs":
        return None
    stratify = estimator._stratify_labels(problem.y_host, problem.coding)
    split = validation_split(
        problem.X.shape[0], estimator.validation_fraction, stratify, random_state
    )
    if split is None:
        return None
    validation = rows_of(problem, split[1])
    validation.train_rows = split[0]
    return validation


def _given_validation_set(estimator, problem, X_val, y_val, sample_weight_val):
    X = validated_input(estimator, X_val)
    y_host = to_numpy(y_val)
    if y_host.shape[0] != X.shape[0]:
        raise ValueError(
            f"X_val has {X.shape[0]} samples but y_val has {y_host.shape[0]}."
        )
    xp, device, dtype = problem.xp, problem.device, problem.X.dtype
    X = move_to(X.tocsr() if sp.issparse(X) else X, xp, device, dtype)
    weights = check_sample_weight(sample_weight_val, X.shape[0])
    Y_host = estimator._encode_validation_targets(y_host, problem.coding)
    if Y_host.shape[1] != problem.Y.shape[1]:
        raise ValueError(
            f"y_val has {Y_host.shape[1]} outputs; y has {problem.Y.shape[1]}."
        )
    class_weights = estimator._class_weights(y_host, incremental=False, y_train=problem.y_host)
    weights = combine_weights(weights, class_weights)
    return ValidationSet(
        X=X,
        Y=move_to(Y_host, xp, device, dtype),
        y_host=y_host,
        sample_weight=move_to(weights, xp, device, dtype),
        X_given=X_val,
        y_given=y_val,
    )


def rows_of(problem, rows):
    """The validation set made of training ``rows`` (a split)."""
    xp = problem.xp
    X = take_rows(xp, problem.X, rows)
    y_host = problem.y_host[rows]
    return ValidationSet(
        X=X,
        Y=problem.targets(rows),
        y_host=y_host,
        sample_weight=take_rows(xp, problem.sample_weight, rows),
        X_given=X,
        y_given=_like_predictions(y_host, xp, problem.device),
    )


def _like_predictions(y, xp, device):
    """Targets in the namespace a scorer's predictions will be in (numeric labels)."""
    return move_to(y, xp, device) if y.dtype.kind in "biuf" else y


def scores_are_minus_the_loss(estimator):
    """Whether the validation scores are minus the validation loss
    (``scoring='loss'``): the log and the plot then show the loss only."""
    return isinstance(estimator.scoring, str) and estimator.scoring == "loss"


def validation_monitor(estimator, problem, validation, network):
    """``monitor(params) -> (score, loss)`` on ``validation``."""
    xp, scoring = problem.xp, estimator.scoring
    weights = validation.sample_weight
    host_weights = None if weights is None else to_numpy(weights)
    scorer = None if scoring in (None, "loss") else check_scoring(estimator, scoring)

    def monitor(params):
        y_out = network.forward(params.coefs, params.intercepts, validation.X)
        loss = to_float(network.loss_function(xp, validation.Y, y_out, weights))
        if scoring == "loss":
            return -loss, loss
        if scorer is not None:
            return _score_with(scorer, estimator, problem, params, validation, host_weights), loss
        score = estimator._score_outputs(
            validation.y_host, to_numpy(y_out), host_weights, problem.coding
        )
        return score, loss

    return monitor


def _score_with(scorer, estimator, problem, params, validation, sample_weight):
    """A scorer called on a copy of the estimator that predicts with ``params``."""
    snapshot = copy.copy(estimator)
    attach_network(snapshot, problem.layout, params, problem.coding)
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    return float(scorer(snapshot, validation.X_given, validation.y_given, **kwargs))
