"""The ``device`` parameter, proven on the CPU with a stand-in GPU.

array-api-strict has a second device, ``Device('device1')``, that behaves
like a GPU where it matters here: its arrays refuse ``numpy.asarray``
(as CuPy's refuse implicit copies to the host) and refuse to mix with
arrays on another device. The ``fake_gpu`` fixture makes sknn's CUDA look-up
return that device, so every path of ``device='cuda'`` and of following GPU
data runs here; ``tests/test_gpu.py`` runs the same on a real GPU with CuPy.
"""

import pickle
import warnings

import array_api_strict as xps
import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression

import sknn._arrays._device
from sknn import MLPClassifier, MLPRegressor
from sknn._arrays._backend import to_numpy
from sknn._engine._prediction import weights_on

DEVICE1 = xps.Device("device1")
StrictArray = type(xps.asarray(0.0))

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def fake_gpu(monkeypatch):
    """GPU 0 is array-api-strict's 'device1'; its arrays count as GPU arrays."""
    monkeypatch.setattr(sknn._arrays._device, "cuda_namespace", lambda index: (xps, DEVICE1))
    monkeypatch.setattr(
        sknn._arrays._device,
        "is_gpu_array",
        lambda X: isinstance(X, StrictArray) and X.device == DEVICE1,
    )


@pytest.fixture
def no_gpu(monkeypatch):
    """No CuPy: what a CPU-only machine has."""

    def missing(index):
        raise ImportError("no CuPy here")

    monkeypatch.setattr(sknn._arrays._device, "cuda_namespace", missing)


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def on_gpu(array):
    return xps.asarray(array, device=DEVICE1)


def assert_on_fake_gpu(model):
    for array in model.coefs_ + model.intercepts_:
        assert isinstance(array, StrictArray) and array.device == DEVICE1


def assert_same_weights(gpu_model, cpu_model, rtol=1e-9):
    assert gpu_model.n_iter_ == cpu_model.n_iter_
    for a, b in zip(
        gpu_model.coefs_ + gpu_model.intercepts_,
        cpu_model.coefs_ + cpu_model.intercepts_,
        strict=True,
    ):
        np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=1e-12)


def host_arrays(value):
    """Every array inside ``value`` (a state dict, lists, an optimizer), as pickled."""
    if isinstance(value, dict):
        return [a for item in value.values() for a in host_arrays(item)]
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in host_arrays(item)]
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return host_arrays(value.__getstate__())  # what pickle stores of it
    if isinstance(value, np.generic):
        return []  # a NumPy scalar (loss_, as scikit-learn's) is on the host by nature
    return [value] if hasattr(value, "shape") and hasattr(value, "dtype") else []


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="adam"),
        dict(solver="sgd", momentum=0.9, nesterovs_momentum=True),
        dict(solver="lbfgs"),
        dict(solver="adam", early_stopping=True),
        dict(solver="rmsprop", dropout=0.2),
    ],
)
def test_cuda_device_trains_the_cpu_model_on_the_gpu(fake_gpu, iris, params):
    X, y = iris
    cpu = MLPClassifier(hidden_layer_sizes=(16,), max_iter=25, random_state=0, **params).fit(X, y)
    gpu = clone(cpu).set_params(device="cuda").fit(X, y)
    assert_on_fake_gpu(gpu)
    assert gpu._training_device == "cuda:0"
    assert_same_weights(gpu, cpu)
    proba = gpu.predict_proba(X)
    assert type(proba) is np.ndarray  # NumPy in, NumPy out
    np.testing.assert_allclose(proba, cpu.predict_proba(X), rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(gpu.predict(X), cpu.predict(X))


def test_cuda_regressor_and_pandas_input(fake_gpu):
    pd = pytest.importorskip("pandas")
    X, y = make_regression(n_samples=150, n_features=5, noise=1.0, random_state=0)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    cpu = MLPRegressor(hidden_layer_sizes=(8,), max_iter=30, random_state=0).fit(frame, y / 100)
    gpu = clone(cpu).set_params(device="cuda").fit(frame, y / 100)
    assert_on_fake_gpu(gpu)
    assert_same_weights(gpu, cpu)
    assert list(gpu.feature_names_in_) == list(frame.columns)
    np.testing.assert_allclose(gpu.predict(frame), cpu.predict(frame), rtol=1e-9)
    assert gpu.score(frame, y / 100) == pytest.approx(cpu.score(frame, y / 100))


def test_gpu_arrays_train_on_their_device_without_dispatch(fake_gpu, iris):
    X, y = iris
    cpu = MLPClassifier(hidden_layer_sizes=(16,), max_iter=25, random_state=0).fit(X, y)
    gpu = MLPClassifier(hidden_layer_sizes=(16,), max_iter=25, random_state=0).fit(on_gpu(X), y)
    assert_on_fake_gpu(gpu)
    assert_same_weights(gpu, cpu)
    labels = gpu.predict(on_gpu(X))
    assert isinstance(labels, StrictArray) and labels.device == DEVICE1  # GPU in, GPU out
    np.testing.assert_array_equal(to_numpy(labels), cpu.predict(X))
    assert type(gpu.predict(X)) is np.ndarray  # NumPy in: on the CPU, NumPy out


def test_cpu_device_trains_gpu_input_with_numpy(fake_gpu, iris):
    X, y = iris
    model = MLPClassifier(hidden_layer_sizes=(8,), max_iter=10, random_state=0, device="cpu")
    model.fit(on_gpu(X), y)
    assert all(type(c) is np.ndarray for c in model.coefs_)
    proba = model.predict_proba(on_gpu(X))
    assert isinstance(proba, StrictArray) and proba.device == DEVICE1


def test_numpy_predictions_of_a_gpu_model_reuse_one_weight_copy(fake_gpu, iris):
    X, y = iris
    gpu = MLPClassifier(hidden_layer_sizes=(8,), max_iter=10, random_state=0).fit(on_gpu(X), y)
    first = weights_on(gpu, sknn._arrays._backend.numpy_namespace, "cpu", np.float64)
    gpu.predict(X)
    gpu.predict_proba(X)
    again = weights_on(gpu, sknn._arrays._backend.numpy_namespace, "cpu", np.float64)
    assert all(a is b for a, b in zip(first[0] + first[1], again[0] + again[1], strict=True))
    gpu.partial_fit(on_gpu(X), y)  # new weights: a new copy, with the new values
    moved = weights_on(gpu, sknn._arrays._backend.numpy_namespace, "cpu", np.float64)
    assert moved[0][0] is not first[0][0]
    np.testing.assert_array_equal(moved[0][0], to_numpy(gpu.coefs_[0]))


def test_gpu_input_is_checked_on_its_device(fake_gpu, iris):
    X, y = iris
    model = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.fit(on_gpu(bad), y)
    with pytest.raises(ValueError, match="2D array"):
        model.fit(on_gpu(X[:, 0]), y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(on_gpu(X), y[:-1])
    model.fit(on_gpu(X), y)
    with pytest.raises(ValueError, match="features"):
        model.predict(on_gpu(X[:, :3]))


def test_gpu_model_pickles_as_numpy_and_loads_without_a_gpu(fake_gpu, iris, monkeypatch):
    X, y = iris
    gpu = MLPClassifier(
        hidden_layer_sizes=(8,), max_iter=10, random_state=0, device="cuda", early_stopping=True
    ).fit(X, y)
    expected = gpu.predict_proba(X)
    state = gpu.__getstate__()
    arrays = host_arrays(state)
    assert arrays and all(type(a) is np.ndarray for a in arrays)
    blob = pickle.dumps(gpu)
    monkeypatch.setattr(sknn._arrays._device, "cuda_namespace", _no_cupy)
    with pytest.warns(UserWarning, match="predicts on the CPU"):
        loaded = pickle.loads(blob)
    assert all(type(c) is np.ndarray for c in loaded.coefs_)
    np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=1e-12)
    told = pickle.dumps(loaded.set_params(device="cpu"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # told to run on the CPU: no warning
        pickle.loads(told)


def _no_cupy(index):
    raise ImportError("no CuPy here")


def test_joblib_round_trip_and_training_goes_on_on_the_gpu(fake_gpu, iris, tmp_path):
    X, y = iris
    gpu = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0, device="cuda")
    gpu.partial_fit(X, y, classes=np.unique(y))
    path = tmp_path / "model.joblib"
    joblib.dump(gpu, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a GPU is here: no warning
        loaded = joblib.load(path)
    loaded.partial_fit(X, y)  # the optimizer's state moves back to the GPU and goes on
    gpu.partial_fit(X, y)  # the same second step, never saved
    assert_on_fake_gpu(loaded)
    assert loaded._optimizer.first_moment.device == DEVICE1
    assert loaded._optimizer.t == gpu._optimizer.t == 2
    assert_same_weights(loaded, gpu, rtol=0)


def test_cuda_without_cupy_fails_the_fit_and_keeps_the_fitted_model(no_gpu, iris):
    X, y = iris
    model = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(X, y)
    before = model.predict_proba(X)
    with pytest.raises(ImportError, match="no CuPy here"):
        model.set_params(device="cuda").fit(X, y)
    np.testing.assert_array_equal(model.set_params(device=None).predict_proba(X), before)


def test_real_cuda_lookup_without_cupy_names_the_extras():
    try:
        import cupy  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("CuPy is installed here; tests/test_gpu.py covers this machine")
    with pytest.raises(ImportError, match=r"sknn\[cuda12\].*sknn\[cuda13\]"):
        sknn._arrays._device.cuda_namespace(0)
    assert not sknn._arrays._device.gpu_available()


@pytest.mark.parametrize("device", ["gpu", "cuda:", "cuda:x", "CUDA", "cuda:0:1"])
def test_unknown_device_is_a_clear_value_error(iris, device):
    X, y = iris
    with pytest.raises(ValueError, match="is not a device sknn knows"):
        MLPClassifier(device=device).fit(X, y)


@pytest.mark.parametrize(
    "device,parsed",
    [
        (None, None),
        ("cpu", ("cpu", None)),
        ("cuda", ("cuda", 0)),
        ("cuda:3", ("cuda", 3)),
    ],
)
def test_device_strings(device, parsed):
    assert sknn._arrays._device.parse_device(device) == parsed


class OutOfMemoryError(Exception):
    """Looks like CuPy's, as sknn recognises it."""


OutOfMemoryError.__module__ = "cupy.cuda.memory"


def test_out_of_gpu_memory_is_a_memory_error_and_changes_nothing(fake_gpu, iris, monkeypatch):
    X, y = iris
    model = MLPClassifier(
        hidden_layer_sizes=(8,), max_iter=5, random_state=0, device="cuda", warm_start=True
    ).fit(X, y)
    before = model.predict_proba(X)
    weights = [to_numpy(c).copy() for c in model.coefs_]

    def full(*args, **kwargs):
        raise OutOfMemoryError("Out of memory allocating 1,073,741,824 bytes")

    monkeypatch.setattr(sknn._engine._network.Network, "gradient", full)
    with pytest.raises(MemoryError, match=r"smaller batch_size.*device='cpu'"):
        model.fit(X, y)
    with pytest.raises(MemoryError, match="left as it was"):
        model.partial_fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), before)
    for kept, old in zip(model.coefs_, weights, strict=True):
        np.testing.assert_array_equal(to_numpy(kept), old)
