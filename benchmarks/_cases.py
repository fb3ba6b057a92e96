"""The benchmark cases: data, network, settings and target of each.

A :class:`Case` holds everything both libraries are given; ``CASES`` lists
them in the order the suite runs them. Parameters are scikit-learn's names;
``random_state=0`` is added for every fit and, for fixed-epoch cases,
``tol=0`` and ``n_iter_no_change=max_iter`` so that every epoch runs.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from _data import load

ADAM = dict(activation="relu", solver="adam", learning_rate_init=1e-3, batch_size=128)
FASHION_QUICK_ROWS = 10_000


@dataclass(frozen=True)
class Case:
    """One benchmark case.

    Attributes
    ----------
    id : str
        Short name, used by ``--cases``.
    title : str
        Data set, layer sizes and the settings that matter, in words.
    dataset : str
        Key of the data set in ``_data.DATASETS``.
    estimator : {"MLPClassifier", "MLPRegressor"}
    params : mapping
        Estimator parameters of the full run, for every library.
    quick_params : mapping
        What ``--quick`` changes in ``params`` (usually ``max_iter``).
    quick_rows : int or None
        Training rows with ``--quick`` (None: all).
    sknn_params : mapping
        Parameters for sknn only (e.g. ``dtype='float32'``).
    measure : {"fit", "predict"}
        "fit": seconds per epoch (per iteration for L-BFGS);
        "predict": rows per second of ``predict``.
    fixed_epochs : bool
        Whether every one of ``max_iter`` epochs must run (checked).
    target : float or None
        The sknn / scikit-learn ratio sknn should reach.
    min_score : float or None
        The test score sknn should reach in the full run.
    skorch : bool
        Whether a skorch row is timed too (when skorch is installed).
    """

    id: str
    title: str
    dataset: str
    estimator: str
    params: Mapping
    quick_params: Mapping = field(default_factory=dict)
    quick_rows: int = None
    sknn_params: Mapping = field(default_factory=dict)
    measure: str = "fit"
    fixed_epochs: bool = True
    target: float = None
    min_score: float = None
    skorch: bool = False

    def estimator_params(self, quick=False, max_iter=None):
        """Parameters common to every library.

        Parameters
        ----------
        quick : bool
            Apply ``quick_params``.
        max_iter : int or None
            Override the number of epochs (iterations), e.g. to measure
            memory with a short fit.
        """
        params = dict(self.params, random_state=0)
        if quick:
            params.update(self.quick_params)
        if max_iter is not None:
            params["max_iter"] = max_iter
        if self.fixed_epochs:
            params.update(tol=0.0, n_iter_no_change=params["max_iter"])
        return params

    def sknn_estimator_params(self, quick=False, max_iter=None):
        """:meth:`estimator_params` plus the sknn-only ones."""
        return self.estimator_params(quick, max_iter) | dict(self.sknn_params)

    @property
    def unit(self):
        """Unit of the time column: "rows/s", "s/iteration" or "s/epoch"."""
        if self.measure == "predict":
            return "rows/s"
        return "s/iteration" if self.params.get("solver") == "lbfgs" else "s/epoch"

    def train_rows(self, quick=False):
        """Training rows to load (None: all)."""
        return self.quick_rows if quick else None

    def load_data(self, quick=False):
        """The case's :class:`_data.Data`."""
        return load(self.dataset, self.train_rows(quick))

    def score_floor(self, quick=False):
        """``min_score`` in the full run; None with ``--quick``."""
        return None if quick else self.min_score

    def describe(self, data, quick=False):
        """One line: id, title, epochs and the size of the training data."""
        params = self.estimator_params(quick)
        n_rows, n_features = data.X_train.shape
        budget = (f"max_iter {params['max_iter']}" if not self.fixed_epochs
                  else f"{params['max_iter']} epoch" + ("s" if params["max_iter"] > 1 else ""))
        extra = "".join(f", sknn {k}={v!r}" for k, v in self.sknn_params.items())
        return (f"`{self.id}`: {self.title}; {budget}{extra}; training data "
                f"{n_rows:,} × {n_features} {data.X_train.dtype} "
                f"({data.train_megabytes:.1f} MB); target {_target_words(self)}")


def _target_words(case):
    if case.target is None:
        return "none (ratio reported)"
    floor = f", test accuracy ≥ {case.min_score} (full run)" if case.min_score else ""
    return f"≥ {case.target}{floor}"


SMALL_FASHION = dict(ADAM, hidden_layer_sizes=(128,), max_iter=10)  # 784-128-10, 10 epochs
QUICK_FASHION = dict(quick_params=dict(max_iter=3), quick_rows=FASHION_QUICK_ROWS)

CASES = [
    Case("fmnist-f32", "Fashion-MNIST 784-128-10, relu, adam, lr 1e-3, batch 128",
         "fashion-mnist-float32", "MLPClassifier", SMALL_FASHION, **QUICK_FASHION,
         target=3.5, min_score=0.885, skorch=True),
    Case("fmnist-f64", "as fmnist-f32 with float64 data (X / 255.0)",
         "fashion-mnist-float64", "MLPClassifier", SMALL_FASHION, **QUICK_FASHION,
         target=2.0, skorch=True),
    Case("fmnist-f64-as-f32", "as fmnist-f64; sknn computes in float32, scikit-learn in float64",
         "fashion-mnist-float64", "MLPClassifier", SMALL_FASHION, **QUICK_FASHION,
         sknn_params=dict(dtype="float32"), target=5.0),
    Case("fmnist-deep-es", "Fashion-MNIST 784-256-128-100-10, adam, batch 128, early stopping "
         "(validation_fraction 0.1, n_iter_no_change 10, tol 1e-4)",
         "fashion-mnist-float32", "MLPClassifier",
         dict(ADAM, hidden_layer_sizes=(256, 128, 100), early_stopping=True, max_iter=60),
         quick_params=dict(max_iter=8), quick_rows=FASHION_QUICK_ROWS,
         fixed_epochs=False, target=3.0),
    Case("fmnist-500-sgd",
         "Fashion-MNIST 784-500-500-10, sgd, Nesterov momentum 0.9, lr 0.01, batch 128",
         "fashion-mnist-float32", "MLPClassifier",
         dict(hidden_layer_sizes=(500, 500), activation="relu", solver="sgd", momentum=0.9,
              nesterovs_momentum=True, learning_rate_init=0.01, batch_size=128, max_iter=3),
         quick_params=dict(max_iter=1), quick_rows=FASHION_QUICK_ROWS, target=2.0, skorch=True),
    Case("digits", "digits 64-64-10 (standardised, 75/25 split), adam, batch 128",
         "digits", "MLPClassifier", dict(ADAM, hidden_layer_sizes=(64,), max_iter=100),
         quick_params=dict(max_iter=20), target=2.0, skorch=True),
    Case("friedman", "Friedman #1 10-64-64-1 regression, relu, adam, lr 1e-3, batch 200",
         "friedman", "MLPRegressor",
         dict(ADAM, hidden_layer_sizes=(64, 64), batch_size=200, max_iter=10),
         quick_params=dict(max_iter=3), quick_rows=20_000, skorch=True),
    Case("predict", "predict on the Fashion-MNIST test set (10,000 rows, float32) with a "
         "784-128-10 model fitted for 1 epoch: (a) one call, (b) 100-row batches, "
         "(c) single rows (the first 1,000)",
         "fashion-mnist-float32", "MLPClassifier", dict(SMALL_FASHION, max_iter=1),
         quick_rows=FASHION_QUICK_ROWS, measure="predict", target=2.0, skorch=True),
    Case("lbfgs-digits", "digits 64-64-10, L-BFGS, tol 0",
         "digits", "MLPClassifier",
         dict(hidden_layer_sizes=(64,), activation="relu", solver="lbfgs", max_iter=200,
              tol=0.0),
         fixed_epochs=False),
]

CASE_IDS = [case.id for case in CASES]


def select_cases(ids=None):
    """The cases named by ``ids`` in suite order (all when None).

    Raises
    ------
    KeyError
        For an unknown id.
    """
    if not ids:
        return list(CASES)
    unknown = sorted(set(ids) - set(CASE_IDS))
    if unknown:
        raise KeyError(f"unknown case id(s) {unknown}; known: {CASE_IDS}")
    return [case for case in CASES if case.id in ids]


def case_by_id(case_id):
    """The case called ``case_id``."""
    return select_cases([case_id])[0]
