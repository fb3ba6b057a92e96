"""Smoke test of an installed sknn wheel (cibuildwheel's test-command).

On the platform that built the wheel: the compiled engine loads; its optimizer
steps give the reference bits (scikit-learn's in float64; in float32, SGD's
are scikit-learn's and Adam's NumPy's with Python-float hyper-parameters): a
compiler that contracted ``a * b + c`` into a fused multiply-add, or float
kernels that computed in double, fail here; and a fit gives scikit-learn's
network (same stopping epoch, weights to the parity tests' tolerance).
"""

import math
import sys
import warnings

import array_api_compat.numpy as npx
import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as ReferenceClassifier
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

import sknn
import sknn._engine._cpu  # the compiled engine: an ImportError here is a broken wheel
from sknn._engine._optimizers import SGD, Adam

FIT_RTOL = 1e-6  # tests/test_parity.py's tolerance for the stochastic solvers
STEPS = 5


def numpy_adam(params, grads, rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    """Adam written out in NumPy, hyper-parameters as Python floats (so float32
    arrays stay float32: the rounding sknn documents). scikit-learn's own Adam
    forms its rate as a NumPy float64, which makes its float32 update float64."""
    params, m, v = params.copy(), np.zeros_like(params), np.zeros_like(params)
    for t, grad in enumerate(grads, start=1):
        m = beta_1 * m + (1 - beta_1) * grad
        v = beta_2 * v + (1 - beta_2) * (grad * grad)
        rate_t = rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        params += -rate_t * m / (np.sqrt(v) + epsilon)
    return params


def scikit_learns(optimizer, params, grads):
    params = params.copy()
    for grad in grads:
        optimizer.update_params([params], [grad.copy()])
    return params


def sknns(optimizer, params, grads):
    params = params.copy()
    for grad in grads:
        optimizer.update(params, grad.copy())
    return params


def check_steps_give_the_reference_bits(dtype):
    rng = np.random.default_rng(0)
    start = rng.normal(scale=0.3, size=1000).astype(dtype)
    grads = [rng.normal(scale=0.05, size=1000).astype(dtype) for _ in range(STEPS)]
    sgd = sknns(SGD(npx, start, 0.1, "constant", 0.9, True, 0.5), start, grads)
    adam = sknns(Adam(npx, start, 1e-3, "constant", 0.9, 0.999, 1e-8), start, grads)
    references = {
        "sgd": scikit_learns(SGDOptimizer([start], 0.1, "constant", 0.9, True, 0.5), start, grads),
        "adam": (
            scikit_learns(AdamOptimizer([start], 1e-3, 0.9, 0.999, 1e-8), start, grads)
            if dtype == np.float64
            else numpy_adam(start, grads)
        ),
    }
    for name, ours in (("sgd", sgd), ("adam", adam)):
        assert ours.dtype == dtype, (name, ours.dtype)
        assert np.array_equal(ours, references[name]), f"{name}, {np.dtype(dtype)}: other bits"


def check_fit_is_scikit_learns():
    X, y = load_digits(return_X_y=True)
    X, y = X[:600] / 16.0, y[:600]
    params = dict(hidden_layer_sizes=(20,), max_iter=15, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = ReferenceClassifier(**params).fit(X, y)
        ours = sknn.MLPClassifier(**params).fit(X, y)
    assert ours.n_iter_ == reference.n_iter_, (ours.n_iter_, reference.n_iter_)
    for mine, theirs in zip(
        ours.coefs_ + ours.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    ):
        np.testing.assert_allclose(mine, theirs, rtol=FIT_RTOL, atol=1e-12)
    assert np.array_equal(ours.predict(X), reference.predict(X))


def main():
    for dtype in (np.float64, np.float32):
        check_steps_give_the_reference_bits(dtype)
    check_fit_is_scikit_learns()
    print(
        f"sknn {sknn.__version__} wheel OK with scikit-learn {sklearn.__version__}, "
        f"NumPy {np.__version__}, Python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
