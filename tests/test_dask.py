"""Dask: searches over a cluster through joblib's "dask" backend, and
out-of-core training with dask-ml's ``Incremental`` (``partial_fit`` block by
block).

Every test runs against a real ``distributed.LocalCluster`` with two worker
processes. Needs the optional extra ``dask`` (dask, distributed, dask-ml):
without it the module is skipped. See docs/dask.md.
"""

import os

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
Incremental = pytest.importorskip("dask_ml.wrappers").Incremental

import joblib  # noqa: E402
from scipy.stats import loguniform  # noqa: E402
from sklearn.datasets import load_digits, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils import check_random_state  # noqa: E402

from sknn import MLPClassifier, MLPRegressor  # noqa: E402

# max_iter is kept small to keep the searches fast.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def client():
    """A real cluster: a scheduler and two single-threaded worker processes.

    distributed's nanny sets ``OMP_NUM_THREADS=1`` (and the like) in this
    process's environment for its workers; the environment is put back after,
    so that processes other tests start get this process's thread settings.
    """
    environment = dict(os.environ)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
        os.environ.clear()
        os.environ.update(environment)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X, y


def _accuracy_and_pid():
    """A multi-metric scorer: the accuracy, and the id of the process that scored.

    sklearn scores each fit in the same task that fitted it, so ``pid`` in
    ``cv_results_`` says where every fit ran. Defined as a closure so that it
    is pickled by value: the workers need not import this test module.
    """

    def score(estimator, X, y):
        return {"accuracy": float(np.mean(estimator.predict(X) == y)), "pid": os.getpid()}

    return score


def _pids(search):
    n_splits = search.n_splits_
    return {int(p) for k in range(n_splits) for p in search.cv_results_[f"split{k}_test_pid"]}


def _check_same_search(local, remote, client):
    # The same candidates, the same scores, the same winner.
    assert remote.cv_results_["params"] == local.cv_results_["params"]
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_accuracy"], local.cv_results_["mean_test_accuracy"]
    )
    np.testing.assert_array_equal(
        remote.cv_results_["rank_test_accuracy"], local.cv_results_["rank_test_accuracy"]
    )
    assert remote.best_params_ == local.best_params_
    assert remote.best_score_ == pytest.approx(local.best_score_)

    # The probe works: the local search fitted everything in this process...
    assert _pids(local) == {os.getpid()}
    # ...and the dask one fitted everything on the cluster's worker processes.
    worker_pids = set(client.run(os.getpid).values())
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids
    remote_pids = _pids(remote)
    assert remote_pids and remote_pids <= worker_pids


def test_grid_search_on_cluster(client, digits):
    X, y = digits
    X, y = X[:600], y[:600]
    pipe = make_pipeline(
        StandardScaler(), MLPClassifier(max_iter=15, batch_size=64, random_state=0)
    )
    grid = {
        "mlpclassifier__alpha": [1e-4, 3.0],
        "mlpclassifier__hidden_layer_sizes": [(4,), (32,)],
    }

    def search():
        return GridSearchCV(pipe, grid, cv=3, scoring=_accuracy_and_pid(), refit="accuracy")

    local = search().fit(X, y)
    # A unique winner, so that comparing best_params_ means something.
    assert list(local.cv_results_["rank_test_accuracy"]).count(1) == 1

    with joblib.parallel_backend("dask"):
        remote = search().fit(X, y)

    _check_same_search(local, remote, client)
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))


def test_randomized_search_on_cluster(client, digits):
    X, y = digits
    X, y = X[:600], y[:600]
    pipe = make_pipeline(
        StandardScaler(), MLPClassifier(max_iter=15, batch_size=64, random_state=0)
    )
    distributions = {
        "mlpclassifier__alpha": loguniform(1e-5, 1e1),
        "mlpclassifier__hidden_layer_sizes": [(4,), (16,), (32,)],
        "mlpclassifier__learning_rate_init": loguniform(1e-4, 1e-2),
    }

    def search():
        return RandomizedSearchCV(
            pipe,
            distributions,
            n_iter=4,
            cv=3,
            scoring=_accuracy_and_pid(),
            refit="accuracy",
            random_state=0,
        )

    local = search().fit(X, y)
    assert list(local.cv_results_["rank_test_accuracy"]).count(1) == 1

    with joblib.parallel_backend("dask"):
        remote = search().fit(X, y)

    _check_same_search(local, remote, client)


def _blocks(n_samples, chunk):
    return [slice(start, min(start + chunk, n_samples)) for start in range(0, n_samples, chunk)]


def _fit_tasks(task_stream):
    """The keys and workers of the tasks that ran dask-ml's partial_fit chain."""
    return [
        (t["key"], t["worker"])
        for t in task_stream.data
        if distributed.utils.key_split(t["key"]) == "fit" and t["key"][-1] >= 0
    ]


@pytest.mark.parametrize("shuffle_blocks", [False, True])
def test_incremental_classifier(client, digits, shuffle_blocks):
    X, y = digits
    X = StandardScaler().fit_transform(X)
    classes = np.unique(y)
    chunk = 450
    blocks = _blocks(len(y), chunk)
    assert len(blocks) == 4
    Xd = da.from_array(X, chunks=(chunk, X.shape[1]))
    yd = da.from_array(y, chunks=chunk)

    def model():
        return MLPClassifier(
            hidden_layer_sizes=(32,), learning_rate_init=0.01, batch_size=32, random_state=0
        )

    inc = Incremental(model(), shuffle_blocks=shuffle_blocks, random_state=0)
    with distributed.get_task_stream(client) as stream:
        inc.fit(Xd, yd, classes=classes)
    est = inc.estimator_

    # One partial_fit call per block: each is one epoch over its block's rows,
    # and every one of them ran on a worker of the cluster.
    assert len(est.loss_curve_) == len(blocks)
    assert est.t_ == len(y)
    assert est.n_iter_ == 1
    tasks = _fit_tasks(stream)
    assert sorted(key[-1] for key, _ in tasks) == list(range(len(blocks)))
    assert {worker for _, worker in tasks} <= set(client.scheduler_info()["workers"])

    # The same model as a loop of partial_fit, with classes= every time, over
    # the blocks in dask-ml's order (shuffled with random_state, or as they are).
    order = list(range(len(blocks)))
    if shuffle_blocks:
        check_random_state(0).shuffle(order)
        assert order != sorted(order)
    manual = model()
    for i in order:
        manual.partial_fit(X[blocks[i]], y[blocks[i]], classes=classes)
    pairs = zip(est.coefs_ + est.intercepts_, manual.coefs_ + manual.intercepts_, strict=True)
    for got, want in pairs:
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(est.loss_curve_, manual.loss_curve_)

    # Predictions: a dask array computed block by block on the workers.
    pred = inc.predict(Xd)
    assert isinstance(pred, da.Array)
    pred = pred.compute()
    np.testing.assert_array_equal(pred, manual.predict(X))
    accuracy = np.mean(pred == y)
    assert accuracy > 0.8  # chance is 0.1
    assert inc.score(Xd, yd) == pytest.approx(accuracy)
    proba = inc.predict_proba(Xd).compute()
    np.testing.assert_allclose(proba, manual.predict_proba(X))


def test_incremental_regressor(client):
    X, y = make_regression(n_samples=800, n_features=10, noise=5.0, random_state=0)
    y = (y - y.mean()) / y.std()
    chunk = 200
    blocks = _blocks(len(y), chunk)
    Xd = da.from_array(X, chunks=(chunk, X.shape[1]))
    yd = da.from_array(y, chunks=chunk)

    def model():
        return MLPRegressor(
            hidden_layer_sizes=(32,), learning_rate_init=0.01, batch_size=32, random_state=0
        )

    # Two passes over the data: Incremental.partial_fit goes on from estimator_.
    inc = Incremental(model(), shuffle_blocks=False)
    inc.partial_fit(Xd, yd)
    inc.partial_fit(Xd, yd)
    est = inc.estimator_
    assert len(est.loss_curve_) == 2 * len(blocks)
    assert est.t_ == 2 * len(y)

    manual = model()
    for _ in range(2):
        for block in blocks:
            manual.partial_fit(X[block], y[block])
    for got, want in zip(
        est.coefs_ + est.intercepts_, manual.coefs_ + manual.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(got, want)

    pred = inc.predict(Xd)
    assert isinstance(pred, da.Array)
    pred = pred.compute()
    np.testing.assert_array_equal(pred, manual.predict(X))
    r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
    assert r2 > 0.8
    # On NumPy data, Incremental.score is scikit-learn's r2 (for dask arrays,
    # see test_incremental_regressor_score_on_dask_arrays).
    assert inc.score(X, y) == pytest.approx(r2)
    # A regressor's score through dask-ml's mean squared error works on dask arrays.
    inc_mse = Incremental(model(), shuffle_blocks=False, scoring="neg_mean_squared_error")
    inc_mse.fit(Xd, yd)
    mse = np.mean((y - inc_mse.estimator_.predict(X)) ** 2)
    assert inc_mse.score(Xd, yd) == pytest.approx(-mse)


def test_incremental_regressor_score_on_dask_arrays(client):
    """Incremental.score of a regressor on dask arrays: dask-ml's own r2_score.

    dask-ml 2025.1.0's ``dask_ml.metrics.r2_score`` fails on dask >= 2025.2
    with any two dask arrays, sknn or not (dask/dask-ml#1012): that one error
    is an expected failure here; any other error fails the test, and with a
    dask or dask-ml where r2_score works the test checks the score.
    """
    X, y = make_regression(n_samples=400, n_features=5, noise=5.0, random_state=0)
    Xd = da.from_array(X, chunks=(100, X.shape[1]))
    yd = da.from_array(y, chunks=100)
    inc = Incremental(MLPRegressor(hidden_layer_sizes=(8,), random_state=0)).fit(Xd, yd)
    try:
        r2 = inc.score(Xd, yd)
    except ValueError as error:
        if "cannot broadcast shape (nan,) to shape (nan,)" not in str(error):
            raise
        pytest.xfail("dask-ml's r2_score on dask >= 2025.2: dask/dask-ml#1012")
    assert r2 == pytest.approx(inc.score(X, y))
