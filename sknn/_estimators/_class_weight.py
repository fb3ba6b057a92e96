"""``class_weight``: its checks, and the per-sample weights it gives.

A dict maps class labels to weights; the weights get the checks
``sample_weight`` gets (numbers, finite, non-negative, not all 0), and keys
that match no class are refused when some class has no weight (the sign of
a mistyped label; scikit-learn's rule, with a message that names them).
Keys for classes a fit does not see are accepted, as in scikit-learn: a
cross-validation fold may lack a rare class. Multilabel targets take one
dict per label, or 'balanced'.
"""

import math

import numpy as np
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from sknn._arrays._backend import is_number
from sknn._estimators._labels import MULTILABEL

_WHAT = (
    "'balanced', None, a dict mapping class labels to finite, non-negative numbers, "
    "not all 0, or (multilabel targets) a list of such dicts, one per label"
)


def class_sample_weights(estimator, y, coding, incremental, y_train=None):
    """The weight of each row of ``y`` from ``estimator.class_weight``, or None.

    'balanced' uses the class frequencies of ``y_train`` when given (a
    validation set is weighed as the training data), else of ``y``.
    """
    class_weight = estimator.class_weight
    if class_weight is None:
        return None
    y = _as_target(y)
    if isinstance(class_weight, str):  # 'balanced'
        if incremental:
            raise ValueError(
                "class_weight='balanced' needs the class frequencies of all the "
                "data, which partial_fit never sees; pass a dict, e.g. from "
                "sklearn.utils.class_weight.compute_class_weight."
            )
        weights = class_weight if y_train is None else _balanced_weights(_as_target(y_train))
        return compute_sample_weight(weights, y)
    return compute_sample_weight(checked_class_weight(estimator, coding), y)


def checked_class_weight(estimator, coding):
    """``estimator.class_weight`` (a dict, or a list of dicts for a multilabel
    target) after its checks against the fit's classes."""
    class_weight = estimator.class_weight
    multilabel = coding["_label_kind"] == MULTILABEL
    if isinstance(class_weight, dict) and not multilabel:
        _check_weights(estimator, class_weight, coding["classes_"], "class_weight")
        return class_weight
    n_labels = len(coding["classes_"])
    if not multilabel or not isinstance(class_weight, list):
        kind = "a dict" if isinstance(class_weight, dict) else "a list"
        needed = (
            f"a list of {n_labels} dicts (one per label) or 'balanced'"
            if multilabel
            else "one dict {label: weight} or 'balanced'"
        )
        raise ValueError(
            f"class_weight is {kind}, but this {coding['_label_kind']} target needs {needed}."
        )
    if len(class_weight) != n_labels or not all(isinstance(d, dict) for d in class_weight):
        raise ValueError(
            f"class_weight must hold one dict per label of the multilabel target "
            f"({n_labels}); got {class_weight!r}."
        )
    for label, weights in enumerate(class_weight):
        _check_weights(estimator, weights, np.array([0, 1]), f"class_weight[{label}]")
    return class_weight


def _check_weights(estimator, weights, classes, name):
    """Raise unless ``weights`` (one dict) holds usable weights for ``classes``."""
    for label, weight in weights.items():
        problem = _weight_problem(weight)
        if problem:
            _refuse(estimator, f"the weight of class {label!r} in {name} is {weight!r}, {problem}")
    if weights and not any(float(weight) > 0 for weight in weights.values()):
        _refuse(estimator, f"every weight in {name} is 0")
    labels = classes.tolist()
    unknown = [key for key in weights if key not in set(labels)]
    unweighted = [label for label in labels if label not in weights]
    if unknown and unweighted:
        raise ValueError(
            f"{name} has weights for {unknown}, which are not classes of y, and none "
            f"for the classes {unweighted}: its keys must be y's labels (1 and '1' "
            f"differ). The classes are {labels}."
        )


def _weight_problem(weight):
    """Why ``weight`` cannot weigh a class ('' when it can)."""
    if not is_number(weight):
        return "not a number"
    if not math.isfinite(float(weight)):
        return "not finite"
    return "negative" if float(weight) < 0 else ""


def _refuse(estimator, reason):
    raise InvalidParameterError(
        f"The 'class_weight' parameter of {type(estimator).__name__} must be {_WHAT}. "
        f"Got {estimator.class_weight!r} instead: {reason}."
    )


def _as_target(y):
    return y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y


def _balanced_weights(y):
    """'balanced' class weights of ``y`` as a dict (a list of dicts per output)."""
    if y.ndim == 1:
        classes = np.unique(y)
        weights = compute_class_weight("balanced", classes=classes, y=y)
        return dict(zip(classes, weights, strict=True))
    return [_balanced_weights(column) for column in y.T]
