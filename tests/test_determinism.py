"""The same random_state gives the same model: across runs and across processes."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.datasets import load_digits

from sknn import MLPClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SETTINGS = {
    "adam": dict(solver="adam"),
    "sgd, nesterov": dict(solver="sgd", learning_rate_init=0.05),
    "dropout": dict(solver="adam", dropout=0.3),
    "early stopping": dict(solver="adam", early_stopping=True, n_iter_no_change=3),
    "dropout and early stopping": dict(
        solver="rmsprop", dropout=[0.2, 0.1], hidden_layer_sizes=(24, 16), early_stopping=True
    ),
    "lbfgs": dict(solver="lbfgs"),
    "float32": dict(solver="adam", dtype="float32"),
}


def _fit(name):
    X, y = load_digits(return_X_y=True)
    params = {"hidden_layer_sizes": (24,), "max_iter": 15, "random_state": 7, **SETTINGS[name]}
    return MLPClassifier(**params).fit(X / 16.0, y)


def _weights(model):
    return model.coefs_ + model.intercepts_


@pytest.mark.parametrize("name", SETTINGS)
def test_two_fits_in_one_process_are_identical(name):
    first, second = _fit(name), _fit(name)
    assert first.n_iter_ == second.n_iter_
    assert first.loss_curve_ == second.loss_curve_
    for a, b in zip(_weights(first), _weights(second), strict=True):
        np.testing.assert_array_equal(a, b)


def test_fits_in_other_processes_are_identical(tmp_path):
    names = list(SETTINGS)
    script = textwrap.dedent(f"""
        import sys, warnings
        import numpy as np
        sys.path.insert(0, {str(tmp_path)!r})
        warnings.simplefilter("ignore")
        from test_module import _fit
        for index, name in enumerate({names!r}):
            model = _fit(name)
            weights = model.coefs_ + model.intercepts_
            np.savez({str(tmp_path)!r} + f"/model{{index}}.npz", *weights)
    """)
    (tmp_path / "test_module.py").write_text(_module_source())
    for process in range(2):
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr
        for index in range(len(names)):
            (tmp_path / f"model{index}.npz").rename(tmp_path / f"run{process}-{index}.npz")
    for index, name in enumerate(names):
        here = _weights(_fit(name))
        for process in range(2):
            saved = np.load(tmp_path / f"run{process}-{index}.npz")
            for position, array in enumerate(here):
                np.testing.assert_array_equal(saved[f"arr_{position}"], array, err_msg=name)


def _module_source():
    """This module's fitting code, for the child processes to import."""
    import inspect

    return (
        "import numpy as np\nfrom sklearn.datasets import load_digits\n"
        "from sknn import MLPClassifier\n"
        f"SETTINGS = {SETTINGS!r}\n" + inspect.getsource(_fit)
    )
