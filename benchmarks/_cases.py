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
    score_tolerance : float or None
        How far sknn's test score may be from scikit-learn's in the same
        run (the full run only: with --quick the fits are too short).
    skorch, torch, floor : bool
        Whether a skorch row, a plain PyTorch loop row (both when torch is
        installed) and the floor row (the matrix products alone) are timed.
    sklearn : bool
        Whether scikit-learn has this network (not for its missing activations).
    floor_target : float or None
        The most sknn's time may be, as a multiple of the floor's.
    relative_to : (str, float) or None
        ``(case id, factor)``: sknn's time may be at most ``factor`` times
        sknn's time on that case (run in the same suite).
    rows : int or None
        Training rows in the full run too (None: all).
    predict_modes : tuple
        For "predict": ``(label, rows per call or None for all, calls or None for all)``.
    sparse_input : bool
        For "predict": the test rows as a SciPy CSR matrix.
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
    score_tolerance: float = None
    skorch: bool = False
    torch: bool = False
    floor: bool = False
    sklearn: bool = True
    floor_target: float = None
    relative_to: tuple = None
    rows: int = None
    predict_modes: tuple = ()
    sparse_input: bool = False

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
        return self.quick_rows if quick else self.rows

    def load_data(self, quick=False):
        """The case's :class:`_data.Data`."""
        return load(self.dataset, self.train_rows(quick))

    def score_bar(self, quick=False):
        """``score_tolerance`` in the full run; None with ``--quick``."""
        return None if quick else self.score_tolerance

    def describe(self, data, quick=False):
        """One line: id, title, epochs and the size of the training data."""
        params = self.estimator_params(quick)
        n_rows, n_features = data.X_train.shape
        budget = (
            f"max_iter {params['max_iter']}"
            if not self.fixed_epochs
            else f"{params['max_iter']} epoch" + ("s" if params["max_iter"] > 1 else "")
        )
        extra = "".join(f", sknn {k}={v!r}" for k, v in self.sknn_params.items())
        return (
            f"`{self.id}`: {self.title}; {budget}{extra}; training data "
            f"{n_rows:,} × {n_features} {data.X_train.dtype} "
            f"({data.train_megabytes:.1f} MB); target {_target_words(self)}"
        )


def _target_words(case):
    words = []
    if case.target is not None:
        accuracy = (
            f", test accuracy within {case.score_tolerance} of scikit-learn's (full run)"
            if case.score_tolerance
            else ""
        )
        words.append(f"≥ {case.target} × scikit-learn{accuracy}")
    if case.floor_target is not None:
        words.append(f"≤ {case.floor_target} × the floor")
    if case.relative_to is not None:
        words.append(f"≤ {case.relative_to[1]} × sknn's time on {case.relative_to[0]}")
    if case.torch:
        words.append("≥ 1 × the PyTorch loop")
    return "; ".join(words) or "none (ratios reported)"


SMALL_FASHION = dict(ADAM, hidden_layer_sizes=(128,), max_iter=10)  # 784-128-10, 10 epochs
QUICK_FASHION = dict(quick_params=dict(max_iter=3), quick_rows=FASHION_QUICK_ROWS)
NEVER_SLOWER = 1.0  # the project's rule: never slower than scikit-learn or the PyTorch loop
ACTIVATION_ROWS = 10_000
ACTIVATION_NETWORK = dict(ADAM, hidden_layer_sizes=(256,), max_iter=5)
SKLEARN_ACTIVATIONS = ("relu", "tanh", "logistic")
KERAS_ACTIVATIONS = ("leaky_relu", "elu", "gelu", "softplus")
DENSE_PREDICT_MODES = (
    ("(a) one call", None, None),
    ("(b) 100-row batches", 100, None),
    ("(c) single rows", 1, 1_000),
)
SPARSE_PREDICT_MODES = (
    ("(a) 2,000-row calls", 2_000, None),
    ("(b) 50-row calls", 50, None),
    ("(c) single rows", 1, 1_000),
)


def _activation_case(activation):
    """784-256-10 on 10,000 Fashion-MNIST rows with ``activation``."""
    sklearn_has = activation in SKLEARN_ACTIVATIONS
    return Case(
        f"act-{activation}",
        f"Fashion-MNIST 784-256-10 {activation}, adam, lr 1e-3, batch 128",
        "fashion-mnist-float32",
        "MLPClassifier",
        dict(ACTIVATION_NETWORK, activation=activation),
        quick_params=dict(max_iter=2),
        quick_rows=ACTIVATION_ROWS,
        rows=ACTIVATION_ROWS,
        sklearn=sklearn_has,
        target=1.5 if sklearn_has else None,
        torch=True,
        relative_to=None if sklearn_has else ("act-relu", 1.15),
    )


CASES = [
    Case(
        "fmnist-f32",
        "Fashion-MNIST 784-128-10, relu, adam, lr 1e-3, batch 128",
        "fashion-mnist-float32",
        "MLPClassifier",
        SMALL_FASHION,
        **QUICK_FASHION,
        target=NEVER_SLOWER,
        score_tolerance=0.005,
        skorch=True,
        torch=True,
        floor=True,
        floor_target=1.25,
    ),
    Case(
        "fmnist-f64",
        "as fmnist-f32 with float64 data (X / 255.0)",
        "fashion-mnist-float64",
        "MLPClassifier",
        SMALL_FASHION,
        **QUICK_FASHION,
        target=NEVER_SLOWER,
        skorch=True,
        torch=True,
        floor=True,
    ),
    Case(
        "fmnist-f64-as-f32",
        "as fmnist-f64; sknn computes in float32, scikit-learn in float64",
        "fashion-mnist-float64",
        "MLPClassifier",
        SMALL_FASHION,
        **QUICK_FASHION,
        sknn_params=dict(dtype="float32"),
        target=NEVER_SLOWER,
    ),
    Case(
        "fmnist-512",
        "Fashion-MNIST 784-512-10, relu, adam, lr 1e-3, batch 128",
        "fashion-mnist-float32",
        "MLPClassifier",
        dict(ADAM, hidden_layer_sizes=(512,), max_iter=3),
        quick_params=dict(max_iter=1),
        quick_rows=FASHION_QUICK_ROWS,
        target=NEVER_SLOWER,
        torch=True,
        floor=True,
        floor_target=1.15,
    ),
    Case(
        "fmnist-deep-es",
        "Fashion-MNIST 784-256-128-100-10, adam, batch 128, early stopping "
        "(validation_fraction 0.1, n_iter_no_change 10, tol 1e-4)",
        "fashion-mnist-float32",
        "MLPClassifier",
        dict(ADAM, hidden_layer_sizes=(256, 128, 100), early_stopping=True, max_iter=60),
        quick_params=dict(max_iter=8),
        quick_rows=FASHION_QUICK_ROWS,
        fixed_epochs=False,
        target=NEVER_SLOWER,
        floor=True,
    ),
    Case(
        "fmnist-500-sgd",
        "Fashion-MNIST 784-500-500-10, sgd, Nesterov momentum 0.9, lr 0.01, batch 128",
        "fashion-mnist-float32",
        "MLPClassifier",
        dict(
            hidden_layer_sizes=(500, 500),
            activation="relu",
            solver="sgd",
            momentum=0.9,
            nesterovs_momentum=True,
            learning_rate_init=0.01,
            batch_size=128,
            max_iter=3,
        ),
        quick_params=dict(max_iter=1),
        quick_rows=FASHION_QUICK_ROWS,
        target=NEVER_SLOWER,
        skorch=True,
        torch=True,
        floor=True,
        floor_target=1.15,
    ),
    *[_activation_case(activation) for activation in SKLEARN_ACTIVATIONS + KERAS_ACTIVATIONS],
    Case(
        "digits",
        "digits 64-64-10 (standardised, 75/25 split), adam, batch 128",
        "digits",
        "MLPClassifier",
        dict(ADAM, hidden_layer_sizes=(64,), max_iter=100),
        quick_params=dict(max_iter=20),
        target=2.0,
        skorch=True,
        torch=True,
    ),
    Case(
        "digits-tanh-256",
        "digits 64-256-10 tanh (standardised, 75/25 split), adam, batch 128",
        "digits",
        "MLPClassifier",
        dict(ADAM, activation="tanh", hidden_layer_sizes=(256,), max_iter=100),
        quick_params=dict(max_iter=20),
        target=NEVER_SLOWER,
        torch=True,
    ),
    Case(
        "friedman",
        "Friedman #1 10-64-64-1 regression, relu, adam, lr 1e-3, batch 200",
        "friedman",
        "MLPRegressor",
        dict(ADAM, hidden_layer_sizes=(64, 64), batch_size=200, max_iter=10),
        quick_params=dict(max_iter=3),
        quick_rows=20_000,
        target=NEVER_SLOWER,
        skorch=True,
        torch=True,
    ),
    Case(
        "predict",
        "predict on the Fashion-MNIST test set (10,000 rows, float32) with a "
        "784-128-10 model fitted for 1 epoch: (a) one call, (b) 100-row batches, "
        "(c) single rows (the first 1,000)",
        "fashion-mnist-float32",
        "MLPClassifier",
        dict(SMALL_FASHION, max_iter=1),
        quick_rows=FASHION_QUICK_ROWS,
        measure="predict",
        target=1.5,
        skorch=True,
        torch=True,
        floor=True,
        predict_modes=DENSE_PREDICT_MODES,
    ),
    Case(
        "predict-sparse",
        "predict on the Fashion-MNIST test set as a CSR matrix (10,000 rows, "
        "float32, 50% non-zero) with a 784-128-10 model fitted for 1 epoch: (a) 2,000-row "
        "calls, (b) 50-row calls, (c) single rows (the first 1,000)",
        "fashion-mnist-float32",
        "MLPClassifier",
        dict(SMALL_FASHION, max_iter=1),
        quick_rows=FASHION_QUICK_ROWS,
        measure="predict",
        target=NEVER_SLOWER,
        predict_modes=SPARSE_PREDICT_MODES,
        sparse_input=True,
    ),
    Case(
        "lbfgs-digits",
        "digits 64-64-10, L-BFGS, tol 0",
        "digits",
        "MLPClassifier",
        dict(hidden_layer_sizes=(64,), activation="relu", solver="lbfgs", max_iter=200, tol=0.0),
        fixed_epochs=False,
        target=NEVER_SLOWER,
    ),
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
