"""Model files written by an earlier sknn load and predict exactly as they did.

``tests/fixtures/models_0_1_0/`` holds models pickled, joblib-dumped and
skops-saved by sknn 0.1.0 (commit 6815a3c, see ``make_models_0_1_0.py``),
with the predictions they made then. Moving sknn's modules, or adding
fitted attributes, must never strand such a file.
"""

import pickle
from pathlib import Path

import joblib
import numpy as np
import pytest

from sknn import MLPClassifier, MLPRegressor

sio = pytest.importorskip("skops.io")

FIXTURES = Path(__file__).parent / "fixtures" / "models_0_1_0"
NAMES = sorted(path.stem for path in FIXTURES.glob("*.npz"))
# What a skops file of 0.1.0 asks its loader to trust: the estimator's class
# under the module path it had then.
TRUSTED_0_1_0 = {
    "classifier": ["sknn._classifier.MLPClassifier"],
    "regressor": ["sknn._regressor.MLPRegressor"],
}


def _load_pickle(path):
    with open(path, "rb") as f:
        return pickle.load(f)


def _load_skops(path):
    kind = path.stem.split("_")[0]
    assert sio.get_untrusted_types(file=path) == TRUSTED_0_1_0[kind]
    return sio.load(path, trusted=TRUSTED_0_1_0[kind])


LOADERS = {"pkl": _load_pickle, "joblib": joblib.load, "skops": _load_skops}


def test_every_fixture_is_there():
    assert len(NAMES) == 5
    for name in NAMES:
        for suffix in LOADERS:
            assert (FIXTURES / f"{name}.{suffix}").is_file()


@pytest.mark.parametrize("suffix", LOADERS)
@pytest.mark.parametrize("name", NAMES)
def test_saved_model_loads_and_predicts_as_it_did(name, suffix):
    model = LOADERS[suffix](FIXTURES / f"{name}.{suffix}")
    expected = np.load(FIXTURES / f"{name}.npz")
    assert isinstance(model, MLPClassifier if name.startswith("classifier") else MLPRegressor)
    np.testing.assert_array_equal(model.predict(expected["X"]), expected["predict"])
    if "predict_proba" in expected:
        np.testing.assert_array_equal(model.predict_proba(expected["X"]), expected["predict_proba"])


@pytest.mark.parametrize("suffix", LOADERS)
@pytest.mark.parametrize("name", [n for n in NAMES if "lbfgs" not in n])
def test_saved_model_goes_on_training(name, suffix):
    model = LOADERS[suffix](FIXTURES / f"{name}.{suffix}")
    X = np.load(FIXTURES / f"{name}.npz")["X"]
    y = model.predict(X)
    t_before = model.t_
    model.partial_fit(X, y)
    assert model.t_ == t_before + X.shape[0]
    assert np.isfinite(model.loss_)
