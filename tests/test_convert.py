"""to_sklearn / from_sklearn: fitted models both ways, and ONNX through skl2onnx."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn import neural_network as sk
from sklearn.base import clone
from sklearn.datasets import load_digits, make_multilabel_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

import sknn._arrays._device
from sknn import MLPClassifier, MLPRegressor
from sknn._arrays._device import gpu_available

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RTOL = 1e-12  # float64: the same arithmetic, up to summation order
SKNN_ONLY = ("rho", "init", "scoring", "dropout", "dtype", "device", "class_weight")
# Set by scikit-learn's fit for its own bookkeeping during that fit only.
FIT_SCRATCH = {"_random_state", "_coef_indptr", "_intercept_indptr"}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


@pytest.fixture(scope="module")
def binary(digits):
    X, y = digits
    return X, np.where(y % 2 == 0, "even", "odd")


@pytest.fixture(scope="module")
def multilabel():
    X, Y = make_multilabel_classification(n_samples=150, n_features=8, n_classes=4, random_state=0)
    return X / X.max(), Y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=200, n_features=8, n_targets=2, noise=1.0, random_state=0)
    return X, y / 100.0


def small(Estimator, **params):
    return Estimator(**{"hidden_layer_sizes": (12, 7), "max_iter": 15, "random_state": 0, **params})


def assert_same_classifier(a, b, X, rtol=RTOL):
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=rtol, atol=rtol)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def assert_same_regressor(a, b, X, rtol=RTOL):
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=rtol, atol=rtol)


# ----------------------------------------------------------------- to_sklearn
CLASSIFIER_SETTINGS = [
    {},
    {"solver": "sgd", "learning_rate": "invscaling"},
    {"solver": "lbfgs"},
    {"solver": "rmsprop"},
    {"solver": "adamw", "alpha": 0.01},
    {"activation": "identity"},
    {"activation": "logistic"},
    {"activation": "tanh", "init": "he_normal"},
    {"activation": ["tanh", "tanh"]},  # per layer, but one and the same
    {"early_stopping": True},
    {"early_stopping": True, "scoring": "loss"},
    {"dropout": [0.3, 0.1]},
    {"class_weight": "balanced"},
    {"dtype": "float64", "device": "cpu"},
]


@pytest.mark.parametrize("params", CLASSIFIER_SETTINGS, ids=str)
def test_to_sklearn_classifier_predicts_the_same(digits, params):
    X, y = digits
    model = small(MLPClassifier, **params).fit(X, y)
    converted = model.to_sklearn()
    assert type(converted) is sk.MLPClassifier
    check_is_fitted(converted)
    assert_same_classifier(converted, model, X)
    np.testing.assert_allclose(
        converted.predict_log_proba(X), model.predict_log_proba(X), rtol=1e-10
    )
    assert converted.score(X, y) == model.score(X, y)
    assert isinstance(converted.activation, str)


@pytest.mark.parametrize("target", ["binary", "multilabel", "one_class"])
def test_to_sklearn_classifier_targets(binary, multilabel, target):
    if target == "multilabel":
        X, y = multilabel
    elif target == "binary":
        X, y = binary
    else:
        X, y = binary[0], np.full(len(binary[1]), "only")
    model = small(MLPClassifier).fit(X, y)
    converted = model.to_sklearn()
    assert_same_classifier(converted, model, X)
    np.testing.assert_array_equal(converted.classes_, model.classes_)
    assert converted._label_binarizer.y_type_ == model._label_kind
    np.testing.assert_array_equal(converted._label_binarizer.classes_, model.classes_)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"solver": "sgd"},
        {"solver": "lbfgs"},
        {"loss": "poisson"},
        {"activation": "tanh", "dropout": 0.2},
        {"early_stopping": True},
    ],
    ids=str,
)
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_to_sklearn_regressor_predicts_the_same(regression, params, n_outputs):
    X, y = regression
    y = y[:, 0] if n_outputs == 1 else y
    if params.get("loss") == "poisson":
        y = np.abs(y)
    model = small(MLPRegressor, **params).fit(X, y)
    converted = model.to_sklearn()
    assert type(converted) is sk.MLPRegressor
    assert converted.loss == model.loss
    assert converted.out_activation_ == model.out_activation_
    assert_same_regressor(converted, model, X)
    assert converted.score(X, y) == pytest.approx(model.score(X, y), rel=1e-12)


def fitted_pair(Estimator, X, y, **params):
    """sknn's model and scikit-learn's own, fitted alike."""
    reference = small(getattr(sk, Estimator.__name__), **params).fit(X, y)
    return small(Estimator, **params).fit(X, y), reference


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"solver": "sgd"},
        {"solver": "lbfgs"},
        {"early_stopping": True},
    ],
    ids=str,
)
def test_to_sklearn_sets_what_sklearn_fit_sets(binary, params):
    X, y = binary
    model, reference = fitted_pair(MLPClassifier, X, y, **params)
    converted = model.to_sklearn()
    assert set(vars(converted)) == set(vars(reference)) - FIT_SCRATCH
    assert converted.get_params() == reference.get_params()
    for name in ("n_layers_", "n_outputs_", "out_activation_", "n_iter_", "t_", "n_features_in_"):
        assert getattr(converted, name) == getattr(reference, name), name
    np.testing.assert_array_equal(converted.classes_, reference.classes_)
    assert vars(converted._label_binarizer).keys() == vars(reference._label_binarizer).keys()
    assert converted._label_binarizer.y_type_ == reference._label_binarizer.y_type_
    assert converted.loss_ == pytest.approx(reference.loss_, rel=1e-6)
    if params.get("solver") != "lbfgs":
        np.testing.assert_allclose(converted.loss_curve_, reference.loss_curve_, rtol=1e-6)
        for name in ("best_loss_", "best_validation_score_", "_no_improvement_count"):
            assert getattr(converted, name) == pytest.approx(getattr(reference, name)), name
        if reference.validation_scores_ is None:
            assert converted.validation_scores_ is None
        else:
            np.testing.assert_allclose(converted.validation_scores_, reference.validation_scores_)
        assert type(converted._optimizer) is type(reference._optimizer)
    for ours, theirs in zip(
        converted.coefs_ + converted.intercepts_,
        reference.coefs_ + reference.intercepts_,
        strict=True,
    ):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-8)


def test_to_sklearn_drops_sknn_only_parameters(digits):
    X, y = digits
    model = small(
        MLPClassifier,
        solver="rmsprop",
        dropout=0.2,
        class_weight="balanced",
        init="he_uniform",
        rho=0.8,
        dtype="float64",
    ).fit(X, y)
    converted = model.to_sklearn()
    assert converted.solver == "adam"  # scikit-learn has no RMSProp
    assert not set(SKNN_ONLY) & set(converted.get_params())
    sknn_params = model.get_params()
    for name, value in converted.get_params().items():
        if name not in ("solver",):
            assert value == sknn_params[name], name
    assert not hasattr(converted, "_optimizer")  # a fresh Adam on the next partial_fit
    converted.partial_fit(X, y)
    assert converted.t_ == model.t_ + len(X)


def test_to_sklearn_copies_the_weights(digits):
    X, y = digits
    model = small(MLPClassifier).fit(X, y)
    converted = model.to_sklearn()
    for ours, theirs in zip(
        model.coefs_ + model.intercepts_, converted.coefs_ + converted.intercepts_, strict=True
    ):
        assert type(theirs) is np.ndarray
        assert not np.shares_memory(ours, theirs)
    before = model.predict_proba(X)
    converted.partial_fit(X, y)  # trains scikit-learn's copy, not sknn's model
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_to_sklearn_keeps_feature_names(digits):
    pd = pytest.importorskip("pandas")
    X, y = digits
    frame = pd.DataFrame(X, columns=[f"pixel{i}" for i in range(X.shape[1])])
    model = small(MLPClassifier).fit(frame, y)
    converted = model.to_sklearn()
    np.testing.assert_array_equal(converted.feature_names_in_, model.feature_names_in_)
    assert converted.n_features_in_ == X.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # no feature-name warning
        assert_same_classifier(converted, model, frame)


def test_float32_models(regression):
    X, y = regression
    X32 = X.astype(np.float32)
    model = small(MLPRegressor).fit(X32, y)  # float32 data: float32 weights
    converted = model.to_sklearn()
    assert converted.coefs_[0].dtype == np.float32
    prediction = converted.predict(X32)
    assert prediction.dtype == np.float32  # scikit-learn computes in float32 too
    np.testing.assert_allclose(prediction, model.predict(X32), rtol=1e-5, atol=1e-6)

    # dtype='float32' computes in float32 whatever the input; scikit-learn
    # promotes float64 input to float64: the same up to float32 rounding.
    model = small(MLPRegressor, dtype="float32").fit(X, y)
    converted = model.to_sklearn()
    assert converted.coefs_[0].dtype == np.float32
    np.testing.assert_allclose(converted.predict(X32), model.predict(X32), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(converted.predict(X), model.predict(X), rtol=1e-4, atol=1e-5)


def test_converted_model_pickles_and_clones(digits):
    X, y = digits
    converted = small(MLPClassifier).fit(X, y).to_sklearn()
    loaded = pickle.loads(pickle.dumps(converted))
    assert_same_classifier(loaded, converted, X)
    assert clone(converted).get_params() == converted.get_params()


# ---------------------------------------------------------------- not possible
@pytest.mark.parametrize("activation", ["leaky_relu", "elu", "gelu", "softplus"])
def test_to_sklearn_refuses_activations_sklearn_lacks(digits, activation):
    X, y = digits
    model = small(MLPClassifier, activation=activation).fit(X, y)
    with pytest.raises(ValueError, match=f"'{activation}'.*cannot be converted"):
        model.to_sklearn()


def test_to_sklearn_refuses_per_layer_activations(regression):
    X, y = regression
    mixed = small(MLPRegressor, activation=["relu", "tanh"]).fit(X, y)
    with pytest.raises(ValueError, match="one activation to every hidden layer"):
        mixed.to_sklearn()
    unsupported = small(MLPRegressor, activation=["gelu", "gelu"]).fit(X, y)
    with pytest.raises(ValueError, match="'gelu'"):
        unsupported.to_sklearn()
    same = small(MLPRegressor, activation=("relu", "relu")).fit(X, y)
    assert same.to_sklearn().activation == "relu"


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_unfitted_models_do_not_convert(Estimator):
    with pytest.raises(NotFittedError):
        Estimator().to_sklearn()
    with pytest.raises(NotFittedError):
        Estimator.from_sklearn(getattr(sk, Estimator.__name__)())


def test_from_sklearn_refuses_other_estimators(digits):
    X, y = digits
    with pytest.raises(TypeError, match=r"sklearn\.neural_network\.MLPClassifier"):
        MLPClassifier.from_sklearn(LogisticRegression(max_iter=50).fit(X, y))
    with pytest.raises(TypeError, match=r"sklearn\.neural_network\.MLPRegressor"):
        MLPRegressor.from_sklearn(small(sk.MLPClassifier).fit(X, y))
    with pytest.raises(TypeError, match="got sknn"):
        MLPClassifier.from_sklearn(small(MLPClassifier).fit(X, y))


# --------------------------------------------------------------- from_sklearn
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"solver": "sgd", "learning_rate": "adaptive"},
        {"solver": "lbfgs"},
        {"early_stopping": True},
        {"activation": "logistic"},
    ],
    ids=str,
)
def test_from_sklearn_classifier(digits, binary, params):
    for X, y in (digits, binary):
        reference = small(sk.MLPClassifier, **params).fit(X, y)
        model = MLPClassifier.from_sklearn(reference)
        assert type(model) is MLPClassifier
        check_is_fitted(model)
        assert_same_classifier(model, reference, X)
        expected = {
            **reference.get_params(),
            **{k: v for k, v in MLPClassifier().get_params().items() if k in SKNN_ONLY},
        }
        assert model.get_params() == expected
        for name in (
            "n_iter_",
            "t_",
            "loss_",
            "n_layers_",
            "n_outputs_",
            "out_activation_",
            "n_features_in_",
        ):
            assert getattr(model, name) == getattr(reference, name), name
        np.testing.assert_array_equal(model.classes_, reference.classes_)
        model.summary()


def test_from_sklearn_multilabel(multilabel):
    X, Y = multilabel
    reference = small(sk.MLPClassifier).fit(X, Y)
    model = MLPClassifier.from_sklearn(reference)
    assert model._label_kind == "multilabel-indicator"
    assert_same_classifier(model, reference, X)


@pytest.mark.parametrize("params", [{}, {"loss": "poisson"}, {"solver": "lbfgs"}], ids=str)
def test_from_sklearn_regressor(regression, params):
    X, y = regression
    if params.get("loss") == "poisson":
        y = np.abs(y)
    reference = small(sk.MLPRegressor, **params).fit(X, y)
    model = MLPRegressor.from_sklearn(reference)
    assert model.loss == reference.loss
    assert_same_regressor(model, reference, X)
    loaded = pickle.loads(pickle.dumps(model))
    assert_same_regressor(loaded, reference, X)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_round_trip(digits, regression, Estimator):
    X, y = digits if Estimator is MLPClassifier else regression
    model = small(Estimator, solver="sgd").fit(X, y)
    back = Estimator.from_sklearn(model.to_sklearn())
    ours_and_theirs = zip(
        model.coefs_ + model.intercepts_, back.coefs_ + back.intercepts_, strict=True
    )
    for ours, theirs in ours_and_theirs:
        np.testing.assert_array_equal(ours, theirs)
    for name in ("n_iter_", "t_", "loss_", "loss_curve_", "best_loss_"):
        assert getattr(back, name) == getattr(model, name), name


# ------------------------------------------------------- training goes on
@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_partial_fit_continues_on_either_side(digits, solver):
    """The optimizer's state travels: the next steps are the ones the original
    model would take, in scikit-learn after to_sklearn and in sknn after
    from_sklearn."""
    X, y = digits
    model = small(MLPClassifier, solver=solver).fit(X, y)
    converted = model.to_sklearn()
    reference = small(sk.MLPClassifier, solver=solver).fit(X, y)
    adopted = MLPClassifier.from_sklearn(reference)
    for _ in range(3):
        model.partial_fit(X, y)
        converted.partial_fit(X, y)
        reference.partial_fit(X, y)
        adopted.partial_fit(X, y)
    assert_same_classifier(converted, model, X, rtol=1e-9)
    assert_same_classifier(adopted, reference, X, rtol=1e-9)
    assert adopted.t_ == reference.t_ and adopted.loss_curve_ == pytest.approx(
        reference.loss_curve_, rel=1e-9
    )


def test_partial_fit_after_from_sklearn_regressor(regression):
    X, y = regression
    reference = small(sk.MLPRegressor, solver="sgd", learning_rate="invscaling").fit(X, y)
    adopted = MLPRegressor.from_sklearn(reference)
    reference.partial_fit(X, y)
    adopted.partial_fit(X, y)
    assert_same_regressor(adopted, reference, X, rtol=1e-9)


def test_partial_fit_after_from_sklearn_lbfgs_is_unavailable(digits):
    X, y = digits
    adopted = MLPClassifier.from_sklearn(small(sk.MLPClassifier, solver="lbfgs").fit(X, y))
    assert not hasattr(adopted, "partial_fit")
    adopted.set_params(solver="adam").partial_fit(X, y)  # a new Adam on the L-BFGS weights
    assert adopted.n_iter_ == 1


def test_warm_start_after_from_sklearn(digits):
    X, y = digits
    reference = small(sk.MLPClassifier).fit(X, y)
    adopted = MLPClassifier.from_sklearn(reference)
    reference.set_params(warm_start=True, max_iter=5).fit(X, y)
    adopted.set_params(warm_start=True, max_iter=5).fit(X, y)
    assert_same_classifier(adopted, reference, X, rtol=1e-9)
    assert adopted.loss_curve_ == pytest.approx(reference.loss_curve_, rel=1e-9)


def test_early_stopping_best_weights_travel(binary):
    X, y = binary
    model = small(MLPClassifier, early_stopping=True, max_iter=30).fit(X, y)
    converted = model.to_sklearn()
    for best, ours in zip(converted._best_coefs, model.coefs_, strict=True):
        np.testing.assert_array_equal(best, ours)  # the best weights were restored
    back = MLPClassifier.from_sklearn(converted)
    np.testing.assert_array_equal(back._best_params, model._best_params)


# --------------------------------------------------------------------- GPU
@pytest.fixture
def fake_gpu(monkeypatch):
    """As in test_device.py: array-api-strict's 'device1' stands in for GPU 0."""
    xps = pytest.importorskip("array_api_strict")
    device = xps.Device("device1")
    strict = type(xps.asarray(0.0))
    monkeypatch.setattr(sknn._arrays._device, "cuda_namespace", lambda index: (xps, device))
    monkeypatch.setattr(
        sknn._arrays._device, "is_gpu_array", lambda X: isinstance(X, strict) and X.device == device
    )
    return strict


def test_to_sklearn_of_a_gpu_model_on_a_stand_in_gpu(digits, fake_gpu):
    X, y = digits
    model = small(MLPClassifier, device="cuda", solver="sgd").fit(X, y)
    assert isinstance(model.coefs_[0], fake_gpu)
    converted = model.to_sklearn()
    assert all(type(a) is np.ndarray for a in converted.coefs_ + converted.intercepts_)
    assert all(type(a) is np.ndarray for a in converted._optimizer.velocities)
    assert_same_classifier(converted, model, X)
    back = MLPClassifier.from_sklearn(converted)
    assert back.device is None and type(back.coefs_[0]) is np.ndarray
    assert_same_classifier(back, model, X)


@pytest.mark.gpu
@pytest.mark.skipif(not gpu_available(), reason="needs CuPy and an NVIDIA GPU")
def test_to_sklearn_of_a_gpu_model(digits):
    X, y = digits
    model = small(MLPClassifier, device="cuda").fit(X, y)
    converted = model.to_sklearn()
    assert all(type(a) is np.ndarray for a in converted.coefs_ + converted.intercepts_)
    assert_same_classifier(converted, model, X, rtol=1e-9)


# -------------------------------------------------------------------- ONNX
def onnx_session(estimator, X):
    skl2onnx = pytest.importorskip("skl2onnx")
    ort = pytest.importorskip("onnxruntime")
    options = {"zipmap": False} if isinstance(estimator, sk.MLPClassifier) else None
    onx = skl2onnx.to_onnx(estimator, X[:1].astype(np.float32), options=options)
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return lambda X: session.run(None, {session.get_inputs()[0].name: X.astype(np.float32)})


def assert_onnx_labels(labels, expected, proba):
    """Labels agree wherever the two best classes are not within float32 rounding."""
    top = np.sort(proba, axis=1)
    clear = top[:, -1] - top[:, -2] > 1e-4
    np.testing.assert_array_equal(labels[clear], expected[clear])


@pytest.mark.parametrize("target", ["multiclass", "binary", "multilabel"])
def test_onnx_classifier(digits, binary, multilabel, target):
    X, y = {"multiclass": digits, "binary": binary, "multilabel": multilabel}[target]
    model = small(MLPClassifier, activation="tanh", dropout=0.1).fit(X, y)
    run = onnx_session(model.to_sklearn(), X)
    labels, proba = run(X)
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-5)
    if target == "multilabel":
        close = np.abs(model.predict_proba(X) - 0.5) < 1e-4
        np.testing.assert_array_equal(labels[~close], model.predict(X)[~close])
    else:
        assert_onnx_labels(labels, model.predict(X), model.predict_proba(X))


def test_onnx_regressor(regression):
    X, y = regression
    model = small(MLPRegressor, activation="logistic").fit(X, y[:, 0])
    run = onnx_session(model.to_sklearn(), X)
    np.testing.assert_allclose(run(X)[0].ravel(), model.predict(X), rtol=1e-5, atol=1e-5)

    # skl2onnx returns several outputs as one column: (n_samples * n_outputs, 1).
    model = small(MLPRegressor).fit(X, y)
    run = onnx_session(model.to_sklearn(), X)
    np.testing.assert_allclose(run(X)[0].reshape(-1, 2), model.predict(X), rtol=1e-5, atol=1e-5)


def test_onnx_with_float_tensor_type(digits):
    skl2onnx = pytest.importorskip("skl2onnx")
    ort = pytest.importorskip("onnxruntime")
    from skl2onnx.common.data_types import FloatTensorType

    X, y = digits
    model = small(MLPClassifier, solver="lbfgs").fit(X, y)
    converted = model.to_sklearn()
    onx = skl2onnx.convert_sklearn(
        converted,
        initial_types=[("X", FloatTensorType([None, X.shape[1]]))],
        options={id(converted): {"zipmap": False}},
    )
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    labels, proba = session.run(None, {"X": X.astype(np.float32)})
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-5)
    assert_onnx_labels(labels, model.predict(X), model.predict_proba(X))
