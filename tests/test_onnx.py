"""``import sknn.onnx``: every fitted sknn model to ONNX with skl2onnx, run in ONNX Runtime.

The matrix: every hidden activation x every output (softmax, logistic binary
and multilabel, identity, Poisson's exp) x float32 and float64, checked
against ``predict`` / ``predict_proba`` (labels identical, probabilities to
float32 tolerance); then per-layer activations, dropout, label types, the
skl2onnx options of scikit-learn's MLP, ``target_opset`` and pipelines.
"""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

from skl2onnx import convert_sklearn, to_onnx  # noqa: E402
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType  # noqa: E402

import sknn.onnx  # noqa: E402  (registers the converters)
from sknn import MLPClassifier, MLPRegressor  # noqa: E402
from sknn._engine._activations import HIDDEN_ACTIVATIONS  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

DTYPES = [np.float32, np.float64]
ATOL = {np.float32: 1e-5, np.float64: 1e-12}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


def targets(y, output):
    return {
        "softmax": y,
        "logistic-binary": y % 2,
        "logistic-multilabel": np.c_[y % 2, y % 3 == 0, y > 4].astype(int),
        "identity": y / 9.0,
        "exp": y.astype(float),
    }[output]


def fitted(output, **params):
    settings = {"hidden_layer_sizes": (12, 7), "max_iter": 30, "random_state": 0, **params}
    if output in ("identity", "exp"):
        loss = "poisson" if output == "exp" else "squared_error"
        return MLPRegressor(loss=loss, **settings)
    return MLPClassifier(**settings)


def run(onx, X):
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


def assert_runs_like(model, X, dtype, options=None):
    """The ONNX model of ``model`` gives its labels and probabilities (or predictions)."""
    onx = to_onnx(model, X[:1].astype(dtype), options=options)
    outputs = run(onx, X.astype(dtype))
    if hasattr(model, "predict_proba"):
        labels, probabilities = outputs[:2]
        np.testing.assert_array_equal(labels, model.predict(X))
        assert probabilities.dtype == dtype
        np.testing.assert_allclose(probabilities, model.predict_proba(X), atol=ATOL[dtype])
    else:
        (predictions,) = outputs
        assert predictions.dtype == dtype
        expected = model.predict(X).reshape(len(X), -1)
        np.testing.assert_allclose(predictions, expected, rtol=ATOL[dtype], atol=ATOL[dtype])
    return onx


def op_types(onx):
    return {node.op_type for node in onx.graph.node}


# ---------------------------------------------------------------------- matrix
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize(
    "output", ["softmax", "logistic-binary", "logistic-multilabel", "identity", "exp"]
)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_every_activation_and_output_runs_in_onnx_runtime(digits, activation, output, dtype):
    X, y = digits
    model = fitted(output, activation=activation).fit(X, targets(y, output))
    assert model.out_activation_ == output.split("-")[0]
    assert_runs_like(model, X, dtype, options={"zipmap": False} if output[0] in "sl" else None)


def test_per_layer_activations_and_dropout(digits):
    X, y = digits
    model = MLPClassifier(
        hidden_layer_sizes=(16, 12, 8),
        activation=["gelu", "elu", "softplus"],
        dropout=[0.3, 0.0, 0.2],
        max_iter=20,
        random_state=0,
    ).fit(X, y)
    for dtype in DTYPES:
        onx = assert_runs_like(model, X, dtype, options={"zipmap": False})
        assert "Dropout" not in op_types(onx)  # a training-time operation only


def test_model_fitted_in_float32_exports_in_both_dtypes(digits):
    X, y = digits
    model = MLPClassifier((12,), dtype="float32", max_iter=30, random_state=0).fit(X, y)
    for dtype in DTYPES:
        onx = to_onnx(model, X[:1].astype(dtype), options={"zipmap": False})
        labels, probabilities = run(onx, X.astype(dtype))
        np.testing.assert_array_equal(labels, model.predict(X))
        np.testing.assert_allclose(probabilities, model.predict_proba(X), atol=1e-5)


# ------------------------------------------------------------ native operators
@pytest.mark.parametrize("opset, native", [(18, False), (20, True), (21, True)])
def test_gelu_is_onnx_gelu_from_opset_20_else_its_tanh_formula(digits, opset, native):
    X, y = digits
    model = MLPClassifier((12,), activation="gelu", max_iter=30, random_state=0).fit(X, y)
    for dtype in DTYPES:
        onx = to_onnx(model, X[:1].astype(dtype), options={"zipmap": False}, target_opset=opset)
        # ONNX Runtime's float64 Gelu is float32-accurate: float64 uses the formula
        assert ("Gelu" in op_types(onx)) is (native and dtype is np.float32)
        assert max(o.version for o in onx.opset_import if o.domain == "") <= opset
        labels, probabilities = run(onx, X.astype(dtype))
        np.testing.assert_array_equal(labels, model.predict(X))
        np.testing.assert_allclose(probabilities, model.predict_proba(X), atol=ATOL[dtype])


@pytest.mark.parametrize(
    "activation, op_type",
    [
        ("relu", "Relu"),
        ("tanh", "Tanh"),
        ("logistic", "Sigmoid"),
        ("leaky_relu", "LeakyRelu"),
        ("elu", "Elu"),
        ("softplus", "Softplus"),
    ],
)
def test_float32_models_use_onnx_activation_operators(digits, activation, op_type):
    X, y = digits
    model = MLPClassifier((8,), activation=activation, max_iter=5, random_state=0).fit(X, y)
    onx = to_onnx(model, X[:1].astype(np.float32), options={"zipmap": False})
    assert op_type in op_types(onx)
    assert "Softmax" in op_types(onx)


# ----------------------------------------------------------------------- labels
LABELS = {
    "int": lambda y: y + 10,
    "uint8": lambda y: (y % 3).astype(np.uint8),
    "str": lambda y: np.array(["zero", "one", "two"])[y % 3],
    "object-str": lambda y: np.array(["a", "b"], dtype=object)[y % 2],
    "bool": lambda y: y > 4,
    "float": lambda y: (y % 4).astype(float),
    "binary-str": lambda y: np.where(y % 2, "odd", "even"),
}


@pytest.mark.parametrize("zipmap", [False, True, "columns"])
@pytest.mark.parametrize("kind", list(LABELS))
def test_labels_of_any_type(digits, kind, zipmap):
    X, y = digits
    y = LABELS[kind](y)
    model = MLPClassifier((10,), max_iter=20, random_state=0).fit(X, y)
    outputs = run(
        to_onnx(model, X[:1].astype(np.float32), options={"zipmap": zipmap}), X.astype(np.float32)
    )
    expected = model.predict(X)
    if kind == "bool":  # ONNX labels are int64 or strings: booleans come as 0 and 1
        assert outputs[0].dtype == np.int64
    np.testing.assert_array_equal(outputs[0], expected)
    probabilities = model.predict_proba(X)
    if zipmap is False:
        np.testing.assert_allclose(outputs[1], probabilities, atol=1e-5)
    elif zipmap is True:
        keys = [k if isinstance(k, str) else int(k) for k in model.classes_]
        assert list(outputs[1][0]) == keys
        rows = np.array([[row[k] for k in keys] for row in outputs[1]])
        np.testing.assert_allclose(rows, probabilities, atol=1e-5)
    else:  # one column per class
        np.testing.assert_allclose(np.column_stack(outputs[1:]), probabilities, atol=1e-5)


def test_nocl_gives_class_indices(digits):
    X, y = digits
    model = MLPClassifier((10,), max_iter=20, random_state=0).fit(X, LABELS["str"](y))
    labels, _ = run(
        to_onnx(model, X[:1].astype(np.float32), options={"zipmap": False, "nocl": True}),
        X.astype(np.float32),
    )
    np.testing.assert_array_equal(model.classes_[labels], model.predict(X))


@pytest.mark.parametrize("kind", ["int", "str"])
def test_output_class_labels(digits, kind):
    X, y = digits
    model = MLPClassifier((10,), max_iter=20, random_state=0).fit(X, LABELS[kind](y))
    options = {"zipmap": False, "output_class_labels": True}
    labels, _, classes = run(
        to_onnx(model, X[:1].astype(np.float32), options=options), X.astype(np.float32)
    )
    np.testing.assert_array_equal(classes, model.classes_)
    np.testing.assert_array_equal(labels, model.predict(X))


def test_output_class_labels_refuses_booleans_clearly(digits):
    X, y = digits
    model = MLPClassifier((10,), max_iter=5, random_state=0).fit(X, y > 4)
    with pytest.raises(ValueError, match="output_class_labels"):
        to_onnx(
            model, X[:1].astype(np.float32), options={"zipmap": False, "output_class_labels": True}
        )


def test_single_class_classifier(digits):
    X, _ = digits
    model = MLPClassifier((5,), max_iter=5, random_state=0).fit(X, np.full(len(X), "only"))
    assert_runs_like(model, X, np.float32, options={"zipmap": False})
    with pytest.raises(ValueError, match="zipmap"):
        to_onnx(model, X[:1].astype(np.float32))


# ------------------------------------------------------------- skl2onnx's API
def test_convert_sklearn_with_named_inputs_and_double(digits):
    X, y = digits
    model = MLPRegressor(
        hidden_layer_sizes=(8,), activation="softplus", max_iter=30, random_state=0
    ).fit(X, np.c_[y, y % 3])
    for tensor_type, dtype in [(FloatTensorType, np.float32), (DoubleTensorType, np.float64)]:
        onx = convert_sklearn(model, initial_types=[("features", tensor_type([None, 64]))])
        assert onx.graph.input[0].name == "features"
        (predictions,) = run(onx, X.astype(dtype))
        np.testing.assert_allclose(
            predictions, model.predict(X), atol=ATOL[dtype], rtol=ATOL[dtype]
        )


def test_pipeline_with_an_sknn_model(digits):
    X, y = digits
    pipeline = make_pipeline(
        StandardScaler(),
        MLPClassifier((16,), activation="leaky_relu", max_iter=30, random_state=0),
    ).fit(X * 16, y)
    assert_runs_like(pipeline, X * 16, np.float32, options={"zipmap": False})


def test_register_a_subclass(digits):
    X, y = digits

    class MyClassifier(MLPClassifier):
        pass

    model = MyClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    assert sknn.onnx.register(MyClassifier) is MyClassifier
    assert_runs_like(model, X, np.float32, options={"zipmap": False})
    with pytest.raises(TypeError, match="subclass"):
        sknn.onnx.register(StandardScaler)


def test_to_sklearn_still_converts_what_scikit_learn_represents(digits):
    from sklearn.neural_network import MLPClassifier as SKLearnMLPClassifier

    X, y = digits
    model = MLPClassifier((8,), activation="tanh", max_iter=5, random_state=0).fit(X, y)
    assert type(model.to_sklearn()) is SKLearnMLPClassifier
    gelu = MLPClassifier((8,), activation="gelu", max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="gelu"):
        gelu.to_sklearn()


def test_import_sknn_imports_no_onnx_tooling():
    code = (
        "import sys, sknn; sknn.MLPClassifier(); "
        "print(sorted(m for m in ('skl2onnx', 'onnx', 'onnxruntime', 'IPython', 'sknn.accel') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
