"""ONNX export of every fitted sknn model with skl2onnx: ``import sknn.onnx`` once.

Importing this module registers sknn's ``MLPClassifier`` and ``MLPRegressor``
with skl2onnx through its public ``update_registered_converter`` (a shape
calculator and a converter; classifiers take skl2onnx's own classifier
parser, so the options of scikit-learn's MLP work: ``zipmap``, ``nocl``,
``output_class_labels``). After that, ``skl2onnx.to_onnx`` and
``convert_sklearn`` convert sknn models, alone or inside pipelines, with
every activation (per layer too), output and label type; see
docs/interoperability.md. ``import sknn`` itself never imports skl2onnx or
onnx.

Examples
--------
>>> import numpy as np
>>> import sknn.onnx  # registers the converters
>>> from skl2onnx import to_onnx
>>> from sknn import MLPClassifier
>>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
>>> clf = MLPClassifier(hidden_layer_sizes=(4,), activation="gelu", solver="lbfgs",
...                     random_state=0).fit(X, ["a", "b", "b", "a"])
>>> onx = to_onnx(clf, X.astype(np.float32), options={"zipmap": False})
>>> [output.name for output in onx.graph.output]
['label', 'probabilities']
"""

import numbers
import sys

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
    guess_proto_type,
)

from sknn._estimators import _labels
from sknn._estimators._classifier import MLPClassifier
from sknn._estimators._regressor import MLPRegressor
from sknn._extras._onnx_graph import Graph, network_outputs

__all__ = ["register"]

#: The options skl2onnx takes for scikit-learn's MLPClassifier.
CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
}


# ------------------------------------------------------------ shape calculators
def _float_type(operator):
    """The graph's float tensor type: float64 for float64 input, else float32."""
    return DoubleTensorType if _proto_dtype(operator) == TensorProto.DOUBLE else FloatTensorType


def _proto_dtype(operator):
    proto = guess_proto_type(operator.inputs[0].type)
    return TensorProto.DOUBLE if proto == TensorProto.DOUBLE else TensorProto.FLOAT


def calculate_classifier_output_shapes(operator):
    """Types and shapes of the label and probability outputs of an sknn classifier."""
    estimator = operator.raw_operator
    n_rows = operator.inputs[0].get_first_dimension()
    classes = _onnx_classes(estimator, _options(operator, estimator)["nocl"])
    if estimator._label_kind == _labels.MULTILABEL:
        label = Int64TensorType([n_rows, len(estimator.classes_)])
    elif classes.dtype.kind in "OSU":
        label = StringTensorType([n_rows])
    else:
        label = Int64TensorType([n_rows])
    operator.outputs[0].type = label
    columns = estimator.n_outputs_ if estimator._label_kind != _labels.BINARY else 2
    operator.outputs[1].type = _float_type(operator)([n_rows, columns])


def calculate_regressor_output_shapes(operator):
    """Type and shape ``(n_samples, n_outputs)`` of an sknn regressor's output."""
    n_rows = operator.inputs[0].get_first_dimension()
    estimator = operator.raw_operator
    operator.outputs[0].type = _float_type(operator)([n_rows, estimator.n_outputs_])


# ------------------------------------------------------------------ converters
def convert_classifier(scope, operator, container):
    """Labels (``predict``) and probabilities (``predict_proba``) of an sknn classifier."""
    estimator = operator.raw_operator
    graph = Graph(scope, container, _proto_dtype(operator))
    outputs = network_outputs(graph, estimator, operator.inputs[0].full_name)
    label, probabilities = operator.outputs[0].full_name, operator.outputs[1].full_name
    kind = estimator._label_kind
    if kind == _labels.MULTILABEL:  # the indicator matrix, as predict gives it
        graph.node("Identity", [outputs], probabilities)
        graph.node("Cast", [_above_half(graph, outputs)], label, to=TensorProto.INT64)
        return
    if kind == _labels.BINARY:  # predict_proba is [1 - p, p]; predict is p > 0.5
        negative = graph.node("Sub", [graph.constant(1.0), outputs])
        graph.node("Concat", [negative, outputs], probabilities, axis=1)
        positive = graph.node("Cast", [_above_half(graph, outputs)], to=TensorProto.INT64)
        indices = graph.node("Reshape", [positive, graph.constant([-1], TensorProto.INT64)])
    else:
        graph.node("Identity", [outputs], probabilities)
        indices = graph.node("ArgMax", [outputs], axis=1, keepdims=0)
    classes = _onnx_classes(estimator, _options(operator, estimator)["nocl"])
    if len(classes) == 1:  # one class: p > 0.5 may still pick index 1
        classes = np.concatenate([classes, classes])
    proto = TensorProto.STRING if classes.dtype.kind in "OSU" else TensorProto.INT64
    graph.node("Gather", [graph.constant(classes, proto), indices], label, axis=0)


def convert_regressor(scope, operator, container):
    """``predict`` of an sknn regressor, always as ``(n_samples, n_outputs)``."""
    estimator = operator.raw_operator
    graph = Graph(scope, container, _proto_dtype(operator))
    outputs = network_outputs(graph, estimator, operator.inputs[0].full_name)
    graph.node("Identity", [outputs], operator.outputs[0].full_name)


def _above_half(graph, outputs):
    return graph.node("Greater", [outputs, graph.constant(0.5)])


def _options(operator, estimator):
    """The skl2onnx options of this conversion; ValueError for those that
    cannot describe ``estimator`` (skl2onnx would fail later, obscurely)."""
    defaults = dict(nocl=False, zipmap=True, output_class_labels=False)
    options = operator.scope_inst.get_options(estimator, defaults)
    if options["zipmap"] is not False and len(estimator.classes_) == 1:
        raise ValueError(
            "This classifier knows one class, and predict_proba gives it two columns "
            "(as scikit-learn's does): ZipMap cannot label them. Convert it with "
            "options={'zipmap': False}."
        )
    if options["output_class_labels"] and np.asarray(estimator.classes_).dtype.kind in "bfc":
        raise ValueError(
            f"output_class_labels cannot list the {estimator.classes_.dtype} classes "
            f"{estimator.classes_!r}: skl2onnx's class-label output holds integers "
            "or strings only. The 'label' output gives them as int64 without it."
        )
    return options


def _onnx_classes(estimator, nocl):
    """The class labels as ONNX holds them: int64 (integers, booleans,
    whole floats) or strings; with ``nocl``, the class indices."""
    classes = np.asarray(estimator.classes_)
    if nocl or estimator._label_kind == _labels.MULTILABEL:
        return np.arange(len(classes), dtype=np.int64)
    if classes.dtype.kind in "biu":
        return classes.astype(np.int64)
    if classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes)):
        return classes.astype(np.int64)
    values = classes.tolist()
    if all(isinstance(value, str) for value in values):
        return np.array(values, dtype=object)
    if all(isinstance(value, numbers.Integral) for value in values):
        return np.array(values, dtype=np.int64)
    raise ValueError(
        f"The class labels {classes!r} are neither integers nor strings, the two "
        "label types ONNX classifiers have (ZipMap's keys): refit with integer or "
        "string labels, or convert with options={'nocl': True} to get class indices."
    )


# ---------------------------------------------------------------- registration
def register(estimator_class):
    """Register an sknn estimator class, or a subclass of one, with skl2onnx.

    sknn's ``MLPClassifier`` and ``MLPRegressor`` (and the classes
    ``sknn.accel`` puts in scikit-learn's place) are registered when this
    module is imported; skl2onnx looks classes up exactly, so a subclass of
    your own needs this call.

    Parameters
    ----------
    estimator_class : type
        A subclass of ``sknn.MLPClassifier`` or ``sknn.MLPRegressor``.

    Returns
    -------
    estimator_class : type
        The class, registered.
    """
    if issubclass(estimator_class, MLPClassifier):
        update_registered_converter(
            estimator_class,
            "Sknn" + estimator_class.__name__,
            calculate_classifier_output_shapes,
            convert_classifier,
            options=CLASSIFIER_OPTIONS,
        )
    elif issubclass(estimator_class, MLPRegressor):
        update_registered_converter(
            estimator_class,
            "Sknn" + estimator_class.__name__,
            calculate_regressor_output_shapes,
            convert_regressor,
        )
    else:
        raise TypeError(
            f"{estimator_class!r} is not a subclass of sknn.MLPClassifier or sknn.MLPRegressor."
        )
    return estimator_class


def _register_all():
    for estimator_class in (MLPClassifier, MLPRegressor):
        register(estimator_class)
    accel = sys.modules.get("sknn.accel")
    for estimator_class in getattr(accel, "ESTIMATORS", ()):
        register(estimator_class)


_register_all()
