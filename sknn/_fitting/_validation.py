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
import math
from dataclasses import dataclass

import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.metrics import check_scoring

from sknn._arrays._backend import is_number, move_to, to_float, to_numpy
from sknn._engine._choice import in_compute_layout
from sknn._engine._network import FlatParameters
from sknn._engine._prediction import validated_input
from sknn._fitting._batches import take_rows
from sknn._fitting._fit_data import check_sample_weight, combine_weights
from sknn._fitting._split import validation_split
from sknn._fitting._state import attach_network


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
    weights = validation.sample_weight
    if weights is not None and not bool(problem.xp.any(weights > 0)):
        raise ValueError(
            "Every sample of the early-stopping validation split has weight 0 "
            "(sample_weight, times class_weight if given), so its score is undefined. "
            "Weigh more samples, or pass X_val, y_val and sample_weight_val to fit."
        )
    return validation


def _given_validation_set(estimator, problem, X_val, y_val, sample_weight_val):
    X = validated_input(estimator, X_val)
    y_host = to_numpy(y_val)
    if y_host.shape[0] != X.shape[0]:
        raise ValueError(f"X_val has {X.shape[0]} samples but y_val has {y_host.shape[0]}.")
    xp, device, dtype = problem.xp, problem.device, problem.X.dtype
    X = in_compute_layout(move_to(X.tocsr() if sp.issparse(X) else X, xp, device, dtype))
    weights = check_sample_weight(sample_weight_val, X.shape[0], "sample_weight_val")
    Y_host = estimator._encode_validation_targets(y_host, problem.coding)
    if Y_host.shape[1] != problem.Y.shape[1]:
        raise ValueError(f"y_val has {Y_host.shape[1]} outputs; y has {problem.Y.shape[1]}.")
    class_weights = estimator._class_weights(
        y_host, problem.coding, incremental=False, y_train=problem.y_host
    )
    weights = combine_weights(weights, class_weights, "sample_weight_val")
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


class ValidationMonitor:
    """``monitor(params) -> (score, loss)`` on a validation set, every epoch.

    A fit whose validation score is NaN (or -inf) before any of its epochs had
    a number to rank epochs by stops with a ValueError: early stopping would
    otherwise hand back weights no epoch earned (the initial ones, or an
    earlier fit's). Later NaN scores are epochs without improvement.

    Scorers get a copy of the estimator holding copies of the weights (and of
    ``classes_``): whatever a scorer writes into the estimator it is handed
    cannot reach the training run.
    """

    def __init__(self, estimator, problem, validation, network):
        self.estimator, self.problem = estimator, problem
        self.validation, self.network = validation, network
        self.scoring = estimator.scoring
        weights = validation.sample_weight
        self.host_weights = None if weights is None else to_numpy(weights)
        custom = self.scoring not in (None, "loss")
        self.scorer = check_scoring(estimator, self.scoring) if custom else None
        self.epochs = 0  # scored in this fit
        self.ranked = False  # whether one of them had a score epochs can be ranked by

    def __call__(self, params):
        """``(score, loss)`` of ``params``; a ValueError (``unusable``) for a score
        that is NaN or -inf before any epoch of this fit had a usable one."""
        self.epochs += 1
        score, loss = self._measure(params)
        if score > -math.inf:
            self.ranked = True
        elif not self.ranked:
            raise self.unusable(score, self.epochs)
        return score, loss

    def _measure(self, params):
        xp, validation = self.problem.xp, self.validation
        y_out = self.network.forward(params.coefs, params.intercepts, validation.X)
        loss = to_float(
            self.network.loss_function(xp, validation.Y, y_out, validation.sample_weight)
        )
        if self.scoring == "loss":
            return -loss, loss
        if self.scorer is not None:
            return self._scorer_score(params), loss
        score = self.estimator._score_outputs(
            validation.y_host, to_numpy(y_out), self.host_weights, self.problem.coding
        )
        return score, loss

    def _scorer_score(self, params):
        """The scorer's value for a copy of the estimator predicting with ``params``."""
        snapshot = copy.copy(self.estimator)
        weights = FlatParameters(params.xp, self.problem.layout, params.copy_flat())
        attach_network(snapshot, self.problem.layout, weights, copy.deepcopy(self.problem.coding))
        kwargs = {} if self.host_weights is None else {"sample_weight": self.host_weights}
        value = self.scorer(snapshot, self.validation.X_given, self.validation.y_given, **kwargs)
        return _score_value(value, self.scoring)

    def unusable(self, score, epoch):
        """The ValueError for a score early stopping cannot rank by (NaN, -inf)."""
        n_rows = self.validation.X.shape[0]
        if self.scoring is None:
            own = "accuracy" if is_classifier(self.estimator) else "R²"
            what = f"{own}, the estimator's own score"
        else:
            what = f"scoring={_scoring_name(self.scoring)}"
        return ValueError(
            f"The validation score ({what}) is {score} in epoch {epoch}, on "
            f"{n_rows} validation sample(s): early stopping cannot pick the best epoch "
            "by it, so the fit stops and leaves the estimator as it was. A score is "
            "NaN when the metric is undefined on the validation set (R² needs at "
            "least 2 samples; a scorer may return NaN) or when the network's "
            "outputs on it are not finite. Give a larger validation set (X_val, "
            "validation_fraction) or another scoring (e.g. scoring='loss')."
        )


def _score_value(value, scoring):
    """A scorer's return value as a float; TypeError naming the scorer otherwise."""
    if not is_number(value):
        raise TypeError(
            f"scoring={_scoring_name(scoring)} returned {value!r} (of type "
            f"{type(value).__name__}) for the validation set; a scorer must return "
            "a single number, higher is better."
        )
    return float(value)


def _scoring_name(scoring):
    """How the ``scoring`` parameter reads in a message."""
    if isinstance(scoring, str):
        return repr(scoring)
    return getattr(scoring, "__qualname__", None) or repr(scoring)
