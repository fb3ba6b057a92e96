"""Fitted sknn estimators to scikit-learn's ``sklearn.neural_network`` ones and back.

``to_sklearn`` builds a genuinely fitted ``sklearn.neural_network.MLPClassifier``
or ``MLPRegressor``: scikit-learn's constructor parameters, the weights as
NumPy arrays (copies: the two models never share memory), and every fitted
attribute scikit-learn sets (``_label_binarizer`` included), so it predicts
what the sknn model predicts, pickles, exports through skl2onnx and can go on
training. ``from_sklearn`` goes the other way.

Only networks scikit-learn can compute convert: one hidden activation out of
identity, logistic, tanh and relu for all hidden layers, and an output
activation it knows. Everything else sknn adds (dropout, class weights,
``init``, ``scoring``, ``rho``, ``dtype``, ``device``) shapes training only
and is left behind.

The optimizer's state travels too where both libraries have the optimizer
(sgd, adam), so ``partial_fit`` continues on the other side with the same
steps as it would have on this one.
"""

import copy

import numpy as np
from sklearn.base import is_classifier
from sklearn.neural_network import MLPClassifier as SKLearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SKLearnMLPRegressor
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.validation import check_is_fitted

from sknn._arrays._backend import numpy_namespace, to_numpy
from sknn._arrays._device import device_name
from sknn._arrays._host import to_host
from sknn._engine._layout import ParameterLayout
from sknn._engine._network import FlatParameters
from sknn._engine._optimizers import SGD, Adam
from sknn._estimators import _labels
from sknn._estimators._params import fitted_activation
from sknn._fitting._state import attach_network

#: Hidden activations scikit-learn's MLPs compute.
SKLEARN_HIDDEN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")

#: sknn's solvers scikit-learn lacks: the converted model gets 'adam'.
_SOLVER_FALLBACK = {"rmsprop": "adam", "adamw": "adam"}

_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


# ------------------------------------------------------------- sknn -> sklearn
def to_sklearn(estimator):
    """A fitted ``sklearn.neural_network`` estimator equal to ``estimator``.

    Raises ``NotFittedError`` for an unfitted estimator and ``ValueError``
    (naming the cause) for a network scikit-learn cannot compute.
    """
    check_is_fitted(estimator, "coefs_")
    target = SKLearnMLPClassifier if is_classifier(estimator) else SKLearnMLPRegressor
    coefs = [np.array(to_numpy(c), copy=True) for c in estimator.coefs_]
    intercepts = [np.array(to_numpy(b), copy=True) for b in estimator.intercepts_]
    layout = ParameterLayout([coefs[0].shape[0], *(c.shape[1] for c in coefs)])
    params = _sklearn_params(estimator, target, layout)

    converted = target(**params)
    converted.coefs_, converted.intercepts_ = coefs, intercepts
    converted.n_layers_ = len(layout.layer_units)
    converted.n_outputs_ = layout.layer_units[-1]
    converted.out_activation_ = estimator.out_activation_
    for name in _INPUT_ATTRIBUTES:
        if hasattr(estimator, name):
            setattr(converted, name, copy.deepcopy(to_host(getattr(estimator, name))))
    if is_classifier(estimator):
        converted._label_binarizer = _label_binarizer(estimator)
        converted.classes_ = converted._label_binarizer.classes_
    _copy_training_state_to_sklearn(estimator, converted, layout)
    return converted


def _sklearn_params(estimator, target, layout):
    """scikit-learn's constructor parameters for ``estimator``; raise where it has none."""
    name = type(estimator).__name__
    known = target().get_params(deep=False)
    params = estimator.get_params(deep=False)
    params["activation"] = _sklearn_activation(estimator, len(layout.layer_units) - 2)
    params["solver"] = _SOLVER_FALLBACK.get(params["solver"], params["solver"])
    loss = params.get("loss", "squared_error")
    if not is_classifier(estimator) and "loss" not in known and loss != "squared_error":
        raise ValueError(
            f"This {name} uses loss={loss!r}, which the installed scikit-learn's "
            "MLPRegressor does not have (it has only 'squared_error'; 'poisson' "
            "came in scikit-learn 1.7): upgrade scikit-learn to convert it."
        )
    output = estimator.out_activation_
    if output not in _sklearn_output_activations():
        raise ValueError(
            f"This {name} has the output activation {output!r}, which the "
            "installed scikit-learn's MLPs cannot compute; it cannot be converted."
        )
    return copy.deepcopy({key: value for key, value in params.items() if key in known})


def _sklearn_activation(estimator, n_hidden):
    """The one hidden activation name scikit-learn will use; ValueError if none fits."""
    activation = fitted_activation(estimator)
    names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
    if len(names) != n_hidden:
        raise ValueError(
            f"activation={activation!r} does not have one activation per hidden "
            f"layer of the fitted network ({n_hidden}); set it back to the value "
            "used for fitting before converting."
        )
    unsupported = sorted({a for a in names if a not in SKLEARN_HIDDEN_ACTIVATIONS})
    supported = ", ".join(repr(a) for a in SKLEARN_HIDDEN_ACTIVATIONS)
    name = type(estimator).__name__
    if unsupported:
        raise _refusal(
            f"This {name} uses the hidden activation "
            f"{' and '.join(repr(a) for a in unsupported)} (activation={activation!r}), "
            f"which scikit-learn's MLPs do not have: they support {supported} only."
        )
    if len(set(names)) > 1:
        raise _refusal(
            f"This {name} uses a different activation per hidden layer "
            f"(activation={activation!r}); scikit-learn's MLPs apply one activation "
            f"to every hidden layer."
        )
    if not names:  # no hidden layer: the activation is never applied
        return activation if activation in SKLEARN_HIDDEN_ACTIVATIONS else "relu"
    return names[0]


def _refusal(message):
    return ValueError(
        message + " The network cannot be converted to scikit-learn; to export it "
        "to ONNX, `import sknn.onnx` and convert the sknn model itself with skl2onnx."
    )


def _sklearn_output_activations():
    from sklearn.neural_network._base import ACTIVATIONS

    return set(ACTIVATIONS)


def _label_binarizer(estimator):
    """The fitted ``LabelBinarizer`` scikit-learn's classifier keeps for ``classes_``."""
    kind, classes = estimator._label_kind, to_host(estimator.classes_)
    if kind == _labels.MULTILABEL:
        binarizer = LabelBinarizer().fit(np.eye(len(classes), dtype=int))
    else:
        binarizer = LabelBinarizer().fit(np.asarray(classes))
    if binarizer.y_type_ != kind or not np.array_equal(binarizer.classes_, classes):
        raise ValueError(  # not expected: sknn finds the kind as LabelBinarizer does
            f"The classes {classes!r} of this {type(estimator).__name__} do not make "
            f"a {kind} target for scikit-learn's LabelBinarizer."
        )
    return binarizer


def _copy_training_state_to_sklearn(estimator, converted, layout):
    """n_iter_, t_, the losses and scores, and (sgd, adam) the optimizer, as
    scikit-learn sets them for the converted solver."""
    converted.n_iter_ = estimator.n_iter_
    converted.t_ = estimator.t_
    converted.loss_ = estimator.loss_
    best = getattr(estimator, "_best_params", None)
    if best is not None:
        best_coefs, best_intercepts = layout.unpack(np, np.array(to_numpy(best), copy=True))
    else:
        best_coefs, best_intercepts = converted.coefs_, converted.intercepts_
    converted._best_coefs = [np.array(c, copy=True) for c in best_coefs]
    converted._best_intercepts = [np.array(b, copy=True) for b in best_intercepts]
    if converted.solver == "lbfgs":
        return  # scikit-learn records no curve, scores or plateau count for L-BFGS
    converted.loss_curve_ = list(estimator.loss_curve_ or [])
    converted.best_loss_ = estimator.best_loss_
    converted.validation_scores_ = _list_or_none(estimator.validation_scores_)
    converted.best_validation_score_ = estimator.best_validation_score_
    converted._no_improvement_count = getattr(estimator, "_no_improvement_count", 0)
    optimizer = _sklearn_optimizer(estimator, converted, layout)
    if optimizer is not None:
        converted._optimizer = optimizer


def _sklearn_optimizer(estimator, converted, layout):
    """scikit-learn's optimizer with the state of sknn's SGD or Adam, or None."""
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

    optimizer = getattr(estimator, "_optimizer", None)
    kind = type(optimizer)
    if kind not in (SGD, Adam) or estimator.solver != {SGD: "sgd", Adam: "adam"}[kind]:
        return None  # rmsprop and adamw: scikit-learn starts a fresh Adam
    state = [to_numpy(array) for array in optimizer._state()]
    if any(array.shape != (layout.size,) for array in state):
        return None
    params = converted.coefs_ + converted.intercepts_

    def per_layer(flat):
        coefs, intercepts = layout.unpack(np, np.array(flat, dtype=params[0].dtype, copy=True))
        return coefs + intercepts

    if kind is SGD:
        # scikit-learn's 'adaptive' divides only the rate, keeping its base.
        adaptive = optimizer.schedule == "adaptive"
        rate_init = estimator.learning_rate_init if adaptive else optimizer.base_rate
        result = SGDOptimizer(
            params,
            rate_init,
            optimizer.schedule,
            optimizer.momentum,
            optimizer.nesterov,
            optimizer.power_t,
        )
        result.velocities = per_layer(state[0])
    else:
        result = AdamOptimizer(
            params, optimizer.base_rate, optimizer.beta_1, optimizer.beta_2, optimizer.epsilon
        )
        result.t = optimizer.t
        result.ms, result.vs = per_layer(state[0]), per_layer(state[1])
    result.learning_rate = float(optimizer.learning_rate)
    return result


def _list_or_none(values):
    return None if values is None else list(values)


# ------------------------------------------------------------- sklearn -> sknn
def from_sklearn(cls, fitted):
    """A fitted ``cls`` (sknn.MLPClassifier or MLPRegressor) equal to ``fitted``.

    Raises ``TypeError`` unless ``fitted`` is the matching scikit-learn MLP,
    and ``NotFittedError`` when it is not fitted.
    """
    classifier = is_classifier(cls())
    expected = SKLearnMLPClassifier if classifier else SKLearnMLPRegressor
    if not isinstance(fitted, expected):
        raise TypeError(
            f"{cls.__name__}.from_sklearn expects a fitted "
            f"sklearn.neural_network.{expected.__name__}; got "
            f"{type(fitted).__module__}.{type(fitted).__name__}."
        )
    check_is_fitted(fitted, "coefs_")
    known = cls().get_params(deep=False)
    params = {k: v for k, v in fitted.get_params(deep=False).items() if k in known}
    estimator = cls(**copy.deepcopy(params))

    coefs, intercepts = list(fitted.coefs_), list(fitted.intercepts_)
    layout = ParameterLayout([coefs[0].shape[0], *(c.shape[1] for c in coefs)])
    dtype = np.result_type(*coefs, *intercepts)
    flat = layout.pack(numpy_namespace, coefs, intercepts, dtype, "cpu")
    coding = _coding(fitted) if classifier else {}
    attach_network(estimator, layout, FlatParameters(numpy_namespace, layout, flat), coding)
    if estimator.out_activation_ != fitted.out_activation_:
        raise ValueError(
            f"The {type(fitted).__name__} has out_activation_="
            f"{fitted.out_activation_!r}; sknn's {cls.__name__} would use "
            f"{estimator.out_activation_!r} for the same targets."
        )
    for name in _INPUT_ATTRIBUTES:
        if hasattr(fitted, name):
            setattr(estimator, name, copy.deepcopy(getattr(fitted, name)))
    _copy_training_state_to_sknn(fitted, estimator, layout, dtype)
    return estimator


def _coding(fitted):
    """sknn's ``classes_`` and ``_label_kind`` for a scikit-learn classifier."""
    classes = np.array(fitted.classes_, copy=True)
    binarizer = getattr(fitted, "_label_binarizer", None)
    kind = getattr(binarizer, "y_type_", None)
    if kind not in (_labels.BINARY, _labels.MULTICLASS, _labels.MULTILABEL):
        if fitted.out_activation_ == "softmax":
            kind = _labels.MULTICLASS
        else:
            kind = _labels.BINARY if fitted.n_outputs_ == 1 else _labels.MULTILABEL
    return {"classes_": classes, "_label_kind": kind}


def _copy_training_state_to_sknn(fitted, estimator, layout, dtype):
    estimator.n_iter_ = int(fitted.n_iter_)
    estimator.t_ = int(getattr(fitted, "t_", 0))
    estimator.loss_ = _float_or_none(getattr(fitted, "loss_", None))
    stochastic = hasattr(fitted, "loss_curve_")
    if stochastic:  # Python floats, as sknn records them (scikit-learn's are NumPy scalars)
        estimator.loss_curve_ = [float(v) for v in fitted.loss_curve_]
        estimator.best_loss_ = _float_or_none(getattr(fitted, "best_loss_", None))
        scores = getattr(fitted, "validation_scores_", None)
        estimator.validation_scores_ = None if scores is None else [float(v) for v in scores]
        estimator.best_validation_score_ = _float_or_none(
            getattr(fitted, "best_validation_score_", None)
        )
    else:  # L-BFGS: scikit-learn records no curve
        estimator.loss_curve_ = []
        estimator.best_loss_ = estimator.loss_
        estimator.validation_scores_ = None
        estimator.best_validation_score_ = None
    estimator.validation_loss_curve_ = None  # scikit-learn does not compute it
    estimator._no_improvement_count = int(getattr(fitted, "_no_improvement_count", 0))
    estimator._best_params = None
    if stochastic and fitted.early_stopping and estimator.validation_scores_ is not None:
        best_coefs = getattr(fitted, "_best_coefs", fitted.coefs_)
        best_intercepts = getattr(fitted, "_best_intercepts", fitted.intercepts_)
        estimator._best_params = layout.pack(
            numpy_namespace, best_coefs, best_intercepts, dtype, "cpu"
        )
    estimator._optimizer = _sknn_optimizer(fitted, layout, dtype)
    estimator._training_device = device_name(estimator.coefs_[0])


def _sknn_optimizer(fitted, layout, dtype):
    """sknn's SGD or Adam with the state of scikit-learn's optimizer, or None."""
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

    optimizer = getattr(fitted, "_optimizer", None)
    kinds = {SGDOptimizer: "sgd", AdamOptimizer: "adam"}
    if type(optimizer) not in kinds or kinds[type(optimizer)] != fitted.solver:
        return None
    n_layers = layout.n_weight_layers
    state = optimizer.velocities if type(optimizer) is SGDOptimizer else optimizer.ms
    shapes = [tuple(np.shape(a)) for a in state]
    expected = layout.coef_shapes + [(units,) for units in layout.layer_units[1:]]
    if shapes != [tuple(s) for s in expected]:
        return None

    def flat(arrays):
        return layout.pack(numpy_namespace, arrays[:n_layers], arrays[n_layers:], dtype, "cpu")

    params = flat([*fitted.coefs_, *fitted.intercepts_])
    if type(optimizer) is SGDOptimizer:
        result = SGD(
            numpy_namespace,
            params,
            fitted.learning_rate_init,
            optimizer.lr_schedule,
            optimizer.momentum,
            optimizer.nesterov,
            optimizer.power_t,
            layout.n_coefs,
        )
        result.velocity = flat(optimizer.velocities)
        # sknn's 'adaptive' divides its base rate with the rate; scikit-learn
        # divides only the rate (its base matters for 'invscaling' alone).
        if optimizer.lr_schedule == "adaptive":
            result.base_rate = float(optimizer.learning_rate)
        else:
            result.base_rate = float(optimizer.learning_rate_init)
    else:
        result = Adam(
            numpy_namespace,
            params,
            optimizer.learning_rate_init,
            fitted.learning_rate,
            optimizer.beta_1,
            optimizer.beta_2,
            optimizer.epsilon,
            layout.n_coefs,
        )
        result.t = optimizer.t
        result.first_moment, result.second_moment = flat(optimizer.ms), flat(optimizer.vs)
    result.learning_rate = float(optimizer.learning_rate)
    return result


def _float_or_none(value):
    return None if value is None else float(value)
