"""scikit-learn's own MLP tests, run against sknn.

At collection, this module reads ``sklearn/neural_network/tests/test_mlp.py``
from the installed scikit-learn (BSD-3-Clause; nothing of it is copied into
this repository), replaces its one import of ``MLPClassifier`` and
``MLPRegressor`` by sknn's, and runs every test in it unchanged. The tests
that fail do so because they read a private attribute of scikit-learn's
estimators or pin a documented difference (docs/differences.md): each is an
expected failure with ``strict=True`` and the exception it must fail with, so
it turns red the day it starts passing or fails another way.
"""

import importlib.util
import types

import pytest

SKLEARN_IMPORT = "from sklearn.neural_network import MLPClassifier, MLPRegressor"
SKNN_IMPORT = "from sknn import MLPClassifier, MLPRegressor"
DIVERGED = "docs/differences.md, 'Divergence'"
SMALL_DATA = "docs/differences.md, 'Early stopping in partial_fit and on small data'"
FAILED = pytest.fail.Exception  # what a pytest.raises that saw no exception raises

# test name -> (the exception it fails with, why)
EXPECTED_FAILURES = {
    "test_gradient": (
        AttributeError,
        "reads scikit-learn's private method _loss_grad_lbfgs; sknn's gradients are "
        "checked against finite differences in tests/test_gradients.py",
    ),
    "test_nonfinite_params": (
        AssertionError,
        "a fit that diverges in its first epoch raises sknn's ValueError 'Training "
        "diverged in its first epoch ...', not 'Solver produced non-finite parameter "
        f"weights' ({DIVERGED})",
    ),
    "test_mlp_diverging_loss": (
        AssertionError,
        "a diverging fit stops at the diverging epoch and keeps its best finite weights, "
        f"so validation_scores_ ends with a number, not NaN ({DIVERGED})",
    ),
    "test_early_stopping_stratified": (
        FAILED,
        "a class too small to stratify the validation split on gives a random split, "
        "not a ValueError (docs/differences.md, 'Stratified validation split')",
    ),
    "test_mlp_partial_fit_after_fit": (
        FAILED,
        f"partial_fit with early_stopping=True trains on its rows, no ValueError ({SMALL_DATA})",
    ),
    "test_minimum_input_sample_size": (
        FAILED,
        "too few rows for a validation set: a warning and a fit without one, "
        f"no ValueError ({SMALL_DATA})",
    ),
}


def _sklearn_tests_on_sknn():
    """scikit-learn's test_mlp.py as a module whose estimators are sknn's."""
    spec = importlib.util.find_spec("sklearn.neural_network.tests.test_mlp")
    if spec is None or spec.origin is None:
        raise ImportError(
            "scikit-learn's sklearn/neural_network/tests/test_mlp.py is not installed "
            "(a scikit-learn packaged without its tests?); this module runs it on sknn."
        )
    with open(spec.origin, encoding="utf-8") as file:
        source = file.read()
    if source.count(SKLEARN_IMPORT) != 1:
        raise RuntimeError(f"{spec.origin} no longer has the line {SKLEARN_IMPORT!r}.")
    module = types.ModuleType("sklearn_test_mlp_on_sknn")
    module.__file__ = spec.origin
    exec(compile(source.replace(SKLEARN_IMPORT, SKNN_IMPORT), spec.origin, "exec"), vars(module))
    return module


def _collect(module):
    """The tests of ``module``, with the expected failures marked."""
    tests = {name: value for name, value in vars(module).items() if name.startswith("test_")}
    unknown = set(EXPECTED_FAILURES) - set(tests)
    if unknown:
        raise RuntimeError(f"EXPECTED_FAILURES names tests that do not exist: {sorted(unknown)}")
    for name, (exception, reason) in EXPECTED_FAILURES.items():
        tests[name] = pytest.mark.xfail(raises=exception, reason=reason, strict=True)(tests[name])
    return tests


@pytest.fixture
def global_random_seed():
    """scikit-learn's fixture (its conftest), at its default seed."""
    return 42


_SUITE = _sklearn_tests_on_sknn()
globals().update(_collect(_SUITE))


def test_the_suite_runs_sknn_estimators():
    import sknn

    assert _SUITE.MLPClassifier is sknn.MLPClassifier
    assert _SUITE.MLPRegressor is sknn.MLPRegressor
