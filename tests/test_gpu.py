"""sknn on a real NVIDIA GPU with CuPy (the ``gpu`` marker).

Skipped, with the reason, where CuPy or a GPU is missing; there
``tests/test_device.py`` proves the same paths with array-api-strict's
second device standing in for the GPU.
"""

import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_digits, make_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

from sknn import MLPClassifier, MLPRegressor
from sknn._arrays._device import gpu_available

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not gpu_available(), reason="needs CuPy and an NVIDIA GPU"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def cupy():
    import cupy as cp

    return cp


def assert_close_models(gpu, cpu, rtol):
    assert gpu.n_iter_ == cpu.n_iter_
    for a, b in zip(gpu.coefs_ + gpu.intercepts_, cpu.coefs_ + cpu.intercepts_, strict=True):
        assert isinstance(a, cupy().ndarray)
        np.testing.assert_allclose(a.get(), b, rtol=rtol, atol=rtol)


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="adam"),
        dict(solver="sgd"),
        dict(solver="lbfgs"),
        dict(solver="adam", early_stopping=True),
    ],
)
def test_gpu_fits_the_cpu_model_in_float64(digits, params):
    X, y = digits
    cpu = MLPClassifier(hidden_layer_sizes=(32,), max_iter=10, random_state=0, **params).fit(X, y)
    gpu = clone(cpu).set_params(device="cuda").fit(X, y)
    assert_close_models(gpu, cpu, rtol=1e-7)
    proba = gpu.predict_proba(X)
    assert type(proba) is np.ndarray
    np.testing.assert_allclose(proba, cpu.predict_proba(X), rtol=1e-7, atol=1e-9)


def test_gpu_float32_is_close_to_the_cpu(digits):
    X, y = digits
    cpu = MLPClassifier(hidden_layer_sizes=(32,), max_iter=10, random_state=0, dtype="float32")
    gpu = clone(cpu).set_params(device="cuda")
    cpu.fit(X, y), gpu.fit(X, y)
    assert gpu.coefs_[0].dtype == np.float32
    np.testing.assert_allclose(gpu.predict_proba(X), cpu.predict_proba(X), atol=2e-3)


def test_cupy_input_trains_and_predicts_on_its_gpu(digits):
    cp = cupy()
    X, y = digits
    model = MLPClassifier(hidden_layer_sizes=(32,), max_iter=5, random_state=0)
    model.fit(cp.asarray(X), cp.asarray(y))
    labels = model.predict(cp.asarray(X))
    assert isinstance(labels, cp.ndarray)
    assert type(model.predict(X)) is np.ndarray


def test_sparse_input_trains_on_the_gpu(digits):
    X, y = digits
    sparse = sp.csr_matrix(X)
    cpu = MLPClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0).fit(sparse, y)
    gpu = clone(cpu).set_params(device="cuda").fit(sparse, y)
    assert_close_models(gpu, cpu, rtol=1e-7)


def test_regressor_on_the_gpu():
    X, y = make_regression(n_samples=300, n_features=10, noise=1.0, random_state=0)
    cpu = MLPRegressor(hidden_layer_sizes=(16,), max_iter=20, random_state=0).fit(X, y / 100)
    gpu = clone(cpu).set_params(device="cuda").fit(X, y / 100)
    assert_close_models(gpu, cpu, rtol=1e-7)


def test_gpu_model_loads_and_predicts_where_there_is_no_gpu(digits, tmp_path):
    X, y = digits
    gpu = MLPClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0, device="cuda")
    gpu.fit(X, y)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(gpu))
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "expected.npy", gpu.predict_proba(X))
    script = textwrap.dedent(f"""
        import pickle, warnings, numpy as np
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = pickle.loads(open({str(path)!r}, "rb").read())
        assert any("predicts on the CPU" in str(w.message) for w in caught)
        assert all(type(c) is np.ndarray for c in model.coefs_)
        X = np.load({str(tmp_path / "X.npy")!r})
        expected = np.load({str(tmp_path / "expected.npy")!r})
        np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-9)
        print("ok")
    """)
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_numpy_predictions_leave_no_weight_copies_behind(digits):
    cp = cupy()
    X, y = digits
    gpu = MLPClassifier(hidden_layer_sizes=(64,), max_iter=3, random_state=0)
    gpu.fit(cp.asarray(X), y)
    gpu.predict(X)
    pool = cp.get_default_memory_pool()
    used = pool.used_bytes()
    for _ in range(20):
        gpu.predict(X)
    assert pool.used_bytes() <= used


@parametrize_with_checks(
    [MLPClassifier(device="cuda", max_iter=50), MLPRegressor(device="cuda", max_iter=50)]
)
def test_check_estimator_on_the_gpu(estimator, check):
    check(estimator)
