"""An adversary's tests (issue 12, §1 and §2): odd inputs, real failures.

§1. Every NumPy layout of the same values trains and predicts to the same
bits as its contiguous copy: Fortran order, row and column slices, negative
strides, read-only arrays, memory maps, structured-array fields (a stride that
is not a whole number of items) and unaligned data, for X, y, sample_weight and
X_val, in float32 and float64, through fit, partial_fit, predict and
predict_proba. A NaN validation score never hands back untrained weights.

§2. Faults that used to crash deep inside NumPy or Python, or to answer
vaguely, get a clear ValueError or TypeError naming the problem; a failed fit
or partial_fit leaves an already fitted model exactly as it was (weights,
curves, counters, optimizer state).
"""

import copy
import itertools

import array_api_strict as xps
import numpy as np
import pandas as pd
import pytest
import sklearn
from numpy.testing import assert_array_equal
from sklearn.neural_network import MLPClassifier as SKLearnMLPClassifier
from sklearn.utils._param_validation import InvalidParameterError

from sknn import MLPClassifier, MLPRegressor
from sknn._arrays._backend import to_numpy
from sknn._engine import _cpu
from sknn._engine._optimizers import _inverse_scaling
from sknn._estimators._summary import network_summary

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning"),
]

RNG = np.random.default_rng(12)
X64 = RNG.normal(size=(96, 5))
Y_CLASSES = (X64[:, 0] + X64[:, 1] > 0).astype(int) + (X64[:, 2] > 1)  # 0, 1, 2
Y_REAL = X64 @ np.array([0.5, -1.0, 0.25, 2.0, 0.0]) + 0.1 * RNG.normal(size=96)
ESTIMATORS = {"classifier": MLPClassifier, "regressor": MLPRegressor}


def small(Estimator, **params):
    settings = dict(hidden_layer_sizes=(7,), max_iter=4, batch_size=32, random_state=0)
    return Estimator(**{**settings, **params})


def targets(Estimator):
    return Y_CLASSES if Estimator is MLPClassifier else Y_REAL


# --- the layouts ---------------------------------------------------------------------


def _structured_field(values):
    """``values`` as the field of a structured array: rows 2 bytes more than a
    whole number of items apart (strides (k * itemsize + 2, itemsize))."""
    shape = values.shape[1:]
    records = np.zeros(values.shape[0], dtype=[("x", values.dtype, shape), ("tag", "i2")])
    records["x"] = values
    return records["x"]


def _unaligned(values):
    """``values`` in a buffer that starts one byte past an aligned address."""
    buffer = bytearray(values.nbytes + 1)
    array = np.ndarray(values.shape, values.dtype, buffer=buffer, offset=1)
    array[...] = values
    return array


def _read_only(values):
    array = values.copy()
    array.flags.writeable = False
    return array


def _negative(values):
    """A view with negative strides (rows and columns walked backwards)."""
    flipped = values[::-1, ::-1] if values.ndim == 2 else values[::-1]
    reversed_copy = flipped.copy()
    return reversed_copy[::-1, ::-1] if values.ndim == 2 else reversed_copy[::-1]


_FILES = itertools.count()


def _memmap(values, tmp_path):
    path = tmp_path / f"data-{next(_FILES)}.bin"
    array = np.memmap(path, dtype=values.dtype, mode="w+", shape=values.shape)
    array[...] = values
    array.flush()
    return np.memmap(path, dtype=values.dtype, mode="r", shape=values.shape)


def _fortran(values):
    """Fortran order; a 1-D array becomes a row of a Fortran-ordered matrix."""
    if values.ndim == 2:
        return np.asfortranarray(values)
    return np.asfortranarray(np.vstack([values, values]))[0]


def _column_slice(values):
    """Every other column of a wider array (a 1-D array: every other item)."""
    if values.ndim == 2:
        return np.repeat(values, 2, axis=1)[:, ::2]
    return np.repeat(values, 2)[::2]


def _both_slices(values):
    """Every third row of a taller array, and (2-D) every third of its columns."""
    taller = np.repeat(values, 3, axis=0)
    return np.repeat(taller, 3, axis=1)[::3, ::3] if values.ndim == 2 else taller[::3]


LAYOUTS = {
    "fortran": lambda v, tmp: _fortran(v),
    "row-slice": lambda v, tmp: np.repeat(v, 3, axis=0)[1::3],
    "column-slice": lambda v, tmp: _column_slice(v),
    "both-slices": lambda v, tmp: _both_slices(v),
    "negative-strides": lambda v, tmp: _negative(v),
    "structured-field": lambda v, tmp: _structured_field(v),
    "unaligned": lambda v, tmp: _unaligned(v),
    "read-only": lambda v, tmp: _read_only(v),
    "memmap": _memmap,
}


@pytest.fixture(params=list(LAYOUTS))
def layout(request, tmp_path):
    """``(name, make)``: ``make(values)`` gives ``values`` in that layout, checked to
    hold the same values in a layout other than C-contiguous."""
    name = request.param

    def make(values):
        array = LAYOUTS[name](values, tmp_path)
        assert_array_equal(array, values)
        if name in ("structured-field", "unaligned"):
            assert not _cpu.handles(np.asarray(array))
        elif name not in ("read-only", "memmap"):
            assert not np.asarray(array).flags.c_contiguous
        return array

    return name, make


def assert_same_fit(model, reference):
    """The same network to the bit: weights, curves, counters."""
    for got, expected in zip(
        model.coefs_ + model.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    ):
        assert got.dtype == expected.dtype
        assert_array_equal(got, expected)
    assert model.n_iter_ == reference.n_iter_
    assert model.loss_curve_ == reference.loss_curve_
    assert model.validation_scores_ == reference.validation_scores_


TRAININGS = {
    "adam, shuffled, early stopping": dict(solver="adam", early_stopping=True),
    "sgd in order": dict(solver="sgd", shuffle=False, learning_rate_init=0.05),
    "lbfgs": dict(solver="lbfgs", max_iter=15),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_every_layout_of_X_fits_and_predicts_as_its_contiguous_copy(name, dtype, layout):
    Estimator, (_, make) = ESTIMATORS[name], layout
    X = X64.astype(dtype)
    X_odd, y = make(X), targets(Estimator)
    for training in TRAININGS.values():
        model = small(Estimator, **training).fit(X_odd, y)
        reference = small(Estimator, **training).fit(X, y)
        assert_same_fit(model, reference)
        assert_array_equal(model.predict(X_odd), reference.predict(X))
        if Estimator is MLPClassifier:
            assert_array_equal(model.predict_proba(X_odd), reference.predict_proba(X))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_every_layout_of_X_trains_partial_fit_as_its_contiguous_copy(name, layout):
    Estimator, (_, make) = ESTIMATORS[name], layout
    y = targets(Estimator)
    classes = {"classes": np.unique(y)} if Estimator is MLPClassifier else {}
    model, reference = small(Estimator), small(Estimator)
    for rows in (slice(0, 48), slice(48, 96), slice(0, 96)):
        X = np.ascontiguousarray(X64[rows])
        model.partial_fit(make(X), y[rows], **classes)
        reference.partial_fit(X, y[rows], **classes)
    assert_same_fit(model, reference)
    assert model.t_ == reference.t_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_every_layout_predicts_as_its_contiguous_copy_and_names_a_nan(name, dtype, layout):
    Estimator, (_, make) = ESTIMATORS[name], layout
    model = small(Estimator).fit(X64.astype(dtype), targets(Estimator))
    X = RNG.normal(size=(40, 5)).astype(dtype)
    assert_array_equal(model.predict(make(X)), model.predict(X))
    if Estimator is MLPClassifier:
        assert_array_equal(model.predict_proba(make(X)), model.predict_proba(X))
        assert_array_equal(model.predict_log_proba(make(X)), model.predict_log_proba(X))
    with_nan = X.copy()
    with_nan[33, 3] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(make(with_nan))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_layout_of_sample_weight_trains_as_its_contiguous_copy(dtype, layout):
    _, make = layout
    weights = RNG.uniform(0.2, 3.0, 96)
    X = X64.astype(dtype)
    for Estimator in ESTIMATORS.values():
        y = targets(Estimator)
        model = small(Estimator, shuffle=False).fit(X, y, sample_weight=make(weights))
        reference = small(Estimator, shuffle=False).fit(X, y, sample_weight=weights)
        assert_same_fit(model, reference)
        shuffled = small(Estimator).fit(X, y, sample_weight=make(weights))
        assert_same_fit(shuffled, small(Estimator).fit(X, y, sample_weight=weights))


def test_every_layout_of_y_trains_as_its_contiguous_copy(layout):
    _, make = layout
    # 1-D regression targets, 2-D (multi-output) ones, class labels, multilabel indicators
    two_outputs = np.column_stack([Y_REAL, Y_REAL**2 / 10])
    indicators = np.column_stack([Y_CLASSES == 1, Y_CLASSES == 2]).astype(np.float64)
    for Estimator, y in [
        (MLPRegressor, Y_REAL),
        (MLPRegressor, two_outputs),
        (MLPClassifier, Y_CLASSES),
        (MLPClassifier, indicators),
    ]:
        for shuffle in (True, False):
            model = small(Estimator, shuffle=shuffle).fit(X64, make(y))
            assert_same_fit(model, small(Estimator, shuffle=shuffle).fit(X64, y))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_every_layout_of_the_validation_set_scores_as_its_contiguous_copy(name, layout):
    Estimator, (_, make) = ESTIMATORS[name], layout
    y = targets(Estimator)
    X_val = RNG.normal(size=(30, 5))
    y_val = y[:30]
    weights = RNG.uniform(0.5, 2.0, 30)
    params = dict(early_stopping=True, max_iter=6)
    model = small(Estimator, **params).fit(
        X64, y, X_val=make(X_val), y_val=make(y_val), sample_weight_val=make(weights)
    )
    reference = small(Estimator, **params).fit(
        X64, y, X_val=X_val, y_val=y_val, sample_weight_val=weights
    )
    assert_same_fit(model, reference)
    assert model.validation_loss_curve_ == reference.validation_loss_curve_


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_compiled_kernels_refuse_what_they_cannot_read(dtype):
    X = X64.astype(dtype)
    rows = np.arange(10, dtype=np.intp)
    out = np.empty((10, 5), dtype)
    for odd in (_structured_field(X), _unaligned(X)):
        assert not _cpu.handles(odd)
        with pytest.raises(ValueError, match="aligned arrays whose strides are whole"):
            _cpu.take_rows(odd, rows, out)
        with pytest.raises(ValueError, match="aligned arrays whose strides are whole"):
            _cpu.all_finite(odd)
        copied = _cpu.in_row_layout(odd)
        assert copied.flags.c_contiguous and copied.flags.aligned
        assert_array_equal(copied, X)
    for readable in (X, np.asfortranarray(X), X[::-1], X[::2, ::2]):
        assert _cpu.handles(readable)
    assert _cpu.in_row_layout(X[::-2]).base is X  # rows apart, columns adjacent: no copy
    assert _cpu.in_row_layout(np.asfortranarray(X)).flags.c_contiguous


# --- a NaN validation score ------------------------------------------------------------


def test_a_one_row_validation_set_is_refused_not_an_untrained_model():
    model = small(MLPRegressor, early_stopping=True)
    with pytest.raises(
        ValueError,
        match=r"validation score \(R², the estimator's own score\) "
        r"is nan in epoch 1, on 1 validation sample",
    ):
        model.fit(X64, Y_REAL, X_val=X64[:1], y_val=Y_REAL[:1])
    assert not hasattr(model, "coefs_")


@pytest.mark.parametrize("value", [np.nan, -np.inf])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_a_scorer_without_a_usable_score_is_refused(name, value):
    def undefined(estimator, X, y):
        return value

    model = small(ESTIMATORS[name], early_stopping=True, scoring=undefined)
    with pytest.raises(ValueError, match=rf"scoring=.*undefined\) is {value} in epoch 1"):
        model.fit(X64, targets(ESTIMATORS[name]))


def test_nan_scores_after_a_usable_one_count_as_no_improvement_and_the_best_is_restored():
    scores = iter([0.5] + [np.nan] * 20)

    def one_number_then_nans(estimator, X, y):
        return next(scores)

    model = small(
        MLPClassifier,
        early_stopping=True,
        n_iter_no_change=2,
        max_iter=20,
        scoring=one_number_then_nans,
    ).fit(X64, Y_CLASSES)
    assert model.n_iter_ == 4  # epochs 2, 3 and 4 do not improve: 3 > n_iter_no_change
    assert model.best_validation_score_ == 0.5
    first_epoch = small(
        MLPClassifier, early_stopping=True, max_iter=1, scoring=lambda e, X, y: 0.5
    ).fit(X64, Y_CLASSES)
    for got, expected in zip(model.coefs_, first_epoch.coefs_, strict=True):
        assert_array_equal(got, expected)


def test_a_nan_score_in_the_first_epoch_of_a_warm_start_is_refused_too():
    """The earlier fit's best score does not make this fit's NaN scores usable."""
    model = small(MLPRegressor, early_stopping=True, warm_start=True).fit(X64, Y_REAL)
    with pytest.raises(ValueError, match="is nan in epoch 1"):
        model.fit(X64, Y_REAL, X_val=X64[:1], y_val=Y_REAL[:1])


# --- §2: zero-weight batches ------------------------------------------------------------

# Batches of 16 rows in order; the second and fifth have weight 0 everywhere.
ZERO_BATCHES = np.r_[16:32, 64:80]


def _zero_batch_weights():
    weights = RNG.uniform(0.5, 2.0, 96)
    weights[ZERO_BATCHES] = 0.0
    return weights


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop", "adamw"])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_a_batch_of_zero_weights_contributes_nothing(name, solver):
    """The fit equals the fit without those rows (no step, no share of the loss);
    scikit-learn raises ZeroDivisionError."""
    Estimator, weights = ESTIMATORS[name], _zero_batch_weights()
    y = targets(Estimator)
    kept = np.setdiff1d(np.arange(96), ZERO_BATCHES)
    params = dict(solver=solver, shuffle=False, batch_size=16, max_iter=5)
    model = small(Estimator, **params).fit(X64, y, sample_weight=weights)
    without = small(Estimator, **params).fit(X64[kept], y[kept], sample_weight=weights[kept])
    assert_same_fit(model, without)
    assert model.t_ == 96 * model.n_iter_  # every row is counted as seen, as in scikit-learn


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_zero_weight_batches_train_the_same_in_both_engines(name):
    Estimator, weights = ESTIMATORS[name], _zero_batch_weights()
    y = targets(Estimator)
    params = dict(solver="sgd", shuffle=False, batch_size=16, max_iter=5, learning_rate_init=0.05)
    compiled = small(Estimator, **params).fit(X64, y, sample_weight=weights)
    with sklearn.config_context(array_api_dispatch=True):
        portable = small(Estimator, **params).fit(
            xps.asarray(X64), xps.asarray(y), sample_weight=xps.asarray(weights)
        )
    assert compiled.n_iter_ == portable.n_iter_
    for a, b in zip(
        compiled.coefs_ + compiled.intercepts_, portable.coefs_ + portable.intercepts_, strict=True
    ):
        np.testing.assert_allclose(to_numpy(b), a, rtol=1e-9, atol=1e-12)


def test_zero_weight_batches_crash_scikit_learn():
    """What the test above improves on (if scikit-learn fixes it, revisit the docs)."""
    params = dict(
        hidden_layer_sizes=(7,),
        solver="sgd",
        shuffle=False,
        batch_size=16,
        max_iter=2,
        random_state=0,
    )
    with pytest.raises(ZeroDivisionError, match="Weights sum to zero"):
        SKLearnMLPClassifier(**params).fit(X64, Y_CLASSES, sample_weight=_zero_batch_weights())


def test_lbfgs_trains_on_mostly_zero_weights_as_on_the_weighted_rows():
    weights = np.zeros(96)
    weights[::7] = 1.0
    kept = np.flatnonzero(weights)
    model = small(MLPRegressor, solver="lbfgs", max_iter=10).fit(X64, Y_REAL, sample_weight=weights)
    only = small(MLPRegressor, solver="lbfgs", max_iter=10).fit(X64[kept], Y_REAL[kept])
    for a, b in zip(model.coefs_, only.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_every_training_weight_zero_after_the_split_is_a_clear_error():
    model = small(MLPRegressor, early_stopping=True, validation_fraction=0.25)
    # the split takes 24 rows; give weight only to rows it sends to validation
    probe = small(MLPRegressor, early_stopping=True, validation_fraction=0.25, max_iter=1)
    validation_rows = _validation_rows(probe)
    weights = np.zeros(96)
    weights[validation_rows] = 1.0
    with pytest.raises(ValueError, match="Every training sample has weight 0"):
        model.fit(X64, Y_REAL, sample_weight=weights)
    weights = np.ones(96)
    weights[validation_rows] = 0.0
    with pytest.raises(ValueError, match="early-stopping validation split has weight 0"):
        model.fit(X64, Y_REAL, sample_weight=weights)


def _validation_rows(model):
    """The rows an early-stopping fit of ``model`` holds out (found by marking them)."""
    seen = []

    def record(estimator, X, y):
        seen.append(np.asarray(X))
        return 0.0

    model.set_params(scoring=record).fit(X64, Y_REAL)
    return [int(np.flatnonzero((row == X64).all(axis=1))[0]) for row in seen[0]]


@pytest.mark.parametrize(
    "weight, message",
    [
        (-1.0, "sample_weight must be non-negative"),
        (0.0, "sample_weight sums to zero"),
        (np.nan, "Input sample_weight contains NaN"),
        (np.inf, "Input sample_weight contains infinity"),
        ("heavy", "could not convert string to float"),
    ],
)
def test_a_scalar_sample_weight_gets_the_checks_of_an_array(weight, message):
    with pytest.raises(ValueError, match=message):
        small(MLPRegressor).fit(X64, Y_REAL, sample_weight=weight)


def test_a_positive_scalar_sample_weight_weighs_every_row_alike():
    model = small(MLPRegressor, shuffle=False).fit(X64, Y_REAL, sample_weight=2.5)
    reference = small(MLPRegressor, shuffle=False).fit(X64, Y_REAL, sample_weight=np.full(96, 2.5))
    assert_same_fit(model, reference)


# --- §2: class_weight ------------------------------------------------------------------

CLASS_WEIGHT_VALUES = {
    "negative": (
        {0: -1.0, 1: 1.0, 2: 1.0},
        "the weight of class 0 in class_weight is -1.0, negative",
    ),
    "NaN": (
        {0: 1.0, 1: np.nan, 2: 1.0},
        "the weight of class 1 in class_weight is nan, not finite",
    ),
    "infinity": ({0: 1.0, 1: 1.0, 2: np.inf}, "class 2 in class_weight is inf, not finite"),
    "all zero": ({0: 0, 1: 0.0, 2: 0}, "every weight in class_weight is 0"),
    "a string": ({0: "heavy", 1: 1.0, 2: 1.0}, "class 0 in class_weight is 'heavy', not a number"),
    "None": ({0: None, 1: 1.0, 2: 1.0}, "class 0 in class_weight is None, not a number"),
    "complex": ({0: 1j, 1: 1.0, 2: 1.0}, "class 0 in class_weight is 1j, not a number"),
}


@pytest.mark.parametrize("case", list(CLASS_WEIGHT_VALUES))
def test_bad_class_weight_values_are_invalid_parameters(case):
    class_weight, reason = CLASS_WEIGHT_VALUES[case]
    model = small(MLPClassifier, class_weight=class_weight)
    with pytest.raises(
        InvalidParameterError, match="The 'class_weight' parameter of MLPClassifier must be"
    ) as error:
        model.fit(X64, Y_CLASSES)
    assert reason in str(error.value)
    assert isinstance(error.value, ValueError) and isinstance(error.value, TypeError)
    with pytest.raises(InvalidParameterError, match="class_weight"):
        small(MLPClassifier, class_weight=class_weight).partial_fit(
            X64, Y_CLASSES, classes=[0, 1, 2]
        )


def test_mistyped_class_weight_keys_are_named():
    model = small(MLPClassifier, class_weight={0: 1.0, "1": 3.0, 2: 1.0})
    with pytest.raises(
        ValueError,
        match=r"class_weight has weights for \['1'\], which are not "
        r"classes of y, and none for the classes \[1\]",
    ):
        model.fit(X64, Y_CLASSES)


def test_class_weight_for_a_class_the_data_lacks_is_accepted_as_in_scikit_learn():
    """A cross-validation fold may lack a rare class its class_weight names."""
    two_classes = Y_CLASSES < 2
    model = small(MLPClassifier, class_weight={0: 1.0, 1: 2.0, 2: 5.0})
    model.fit(X64[two_classes], Y_CLASSES[two_classes])
    assert_array_equal(model.classes_, [0, 1])


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_class_weight_that_zeroes_every_sample_is_a_clear_error(solver):
    weights = np.where(Y_CLASSES == 0, 1.0, 0.0)  # only class 0 weighs...
    model = small(MLPClassifier, solver=solver, class_weight={0: 0.0, 1: 1.0, 2: 1.0})  # ...0
    with pytest.raises(
        ValueError,
        match=r"weights of the samples \(sample_weight times "
        r"class_weight\) are 0 for every sample",
    ):
        model.fit(X64, Y_CLASSES, sample_weight=weights)


def test_class_weight_that_zeroes_a_partial_fit_call_is_a_clear_error():
    only_class_two = Y_CLASSES == 2
    with pytest.raises(ValueError, match=r"\(class_weight\) are 0 for every sample"):
        small(MLPClassifier, class_weight={0: 1.0, 2: 0.0}).partial_fit(
            X64[only_class_two], Y_CLASSES[only_class_two], classes=[0, 1, 2]
        )


def test_multilabel_targets_take_one_class_weight_dict_per_label():
    Y = np.column_stack([Y_CLASSES == 1, Y_CLASSES == 2]).astype(int)
    weights = [{0: 1.0, 1: 2.0}, {0: 1.0, 1: 4.0}]
    model = small(MLPClassifier, class_weight=weights, shuffle=False).fit(X64, Y)
    by_rows = (1 + Y[:, 0]) * (1 + 3 * Y[:, 1])
    reference = small(MLPClassifier, shuffle=False).fit(X64, Y, sample_weight=by_rows)
    assert_same_fit(model, reference)
    with pytest.raises(ValueError, match="needs a list of 2 dicts"):
        small(MLPClassifier, class_weight={0: 1.0, 1: 2.0}).fit(X64, Y)
    with pytest.raises(ValueError, match=r"one dict per label of the multilabel target \(2\)"):
        small(MLPClassifier, class_weight=weights[:1]).fit(X64, Y)
    with pytest.raises(ValueError, match="needs one dict"):
        small(MLPClassifier, class_weight=weights).fit(X64, Y_CLASSES)
    with pytest.raises(InvalidParameterError, match=r"class_weight\[1\] is -4.0, negative"):
        small(MLPClassifier, class_weight=[{0: 1.0}, {1: -4.0}]).fit(X64, Y)


# --- §2: invscaling with a huge power_t -------------------------------------------------


@pytest.mark.parametrize("power_t", [1e6, 200, 1e300])
@pytest.mark.parametrize("solver", ["sgd", "rmsprop"])
def test_invscaling_with_a_huge_power_t_trains_with_the_underflowing_rate(solver, power_t):
    """scikit-learn raises OverflowError; the rate lr0 / (t + 1) ** power_t is 0
    in floating point, and that is the rate used."""
    model = small(MLPClassifier, solver=solver, learning_rate="invscaling", power_t=power_t)
    model.fit(X64, Y_CLASSES)
    assert model._optimizer.learning_rate == 0.0
    assert model.n_iter_ >= 1


def test_the_invscaling_rate_is_scikit_learns_where_it_is_finite():
    for rate, t, power_t in [(0.1, 96, 0.5), (0.01, 960, 0.25), (1.0, 7, 3), (0.5, 10**6, 40)]:
        assert _inverse_scaling(rate, t, power_t) == rate / (t + 1) ** power_t
    # where the power overflows a float: the subnormal, then zero
    assert _inverse_scaling(1.0, 9, 320) == pytest.approx(1e-320, rel=1e-3)
    assert _inverse_scaling(1.0, 9, 400) == 0.0


# --- §2: labels mixing strings and numbers ----------------------------------------------

MIXED = np.array([1, "cat"] * 48, dtype=object)


@pytest.mark.parametrize(
    "call",
    [
        "fit object array",
        "fit pandas",
        "partial_fit classes list",
        "partial_fit classes array",
        "y_val",
        "score",
    ],
)
def test_labels_mixing_strings_and_numbers_are_named(call):
    model = small(MLPClassifier, early_stopping=call == "y_val")
    message = r"mixes strings and numbers .* e\.g\. 'cat' and [01]: labels must be all strings"
    calls = {
        "fit object array": lambda: model.fit(X64, MIXED),
        "fit pandas": lambda: model.fit(X64, pd.Series(MIXED)),
        "partial_fit classes list": lambda: model.partial_fit(
            X64, Y_CLASSES % 2, classes=[0, 1, "cat"]
        ),
        "partial_fit classes array": lambda: model.partial_fit(
            X64, MIXED, classes=np.array([1, "cat"], dtype=object)
        ),
        "y_val": lambda: model.fit(X64, Y_CLASSES % 2, X_val=X64[:10], y_val=MIXED[:10]),
        "score": lambda: model.fit(X64, Y_CLASSES % 2).score(X64, MIXED),
    }
    with pytest.raises(ValueError, match=rf"^(y|y_val|classes) {message}"):
        calls[call]()


def test_labels_numpy_turns_into_strings_still_fit_as_in_scikit_learn():
    labels = [1, "cat"] * 48  # a list: NumPy reads every label as a string
    model = small(MLPClassifier).fit(X64, labels)
    assert_array_equal(model.classes_, ["1", "cat"])
    assert 0 <= model.score(X64, labels) <= 1


# --- §2: set_params after fit ------------------------------------------------------------

CHANGES = {
    "activation": {"activation": "logistic"},
    "shorter activation list": {"activation": ["relu"]},
    "longer activation list": {"activation": ["relu", "tanh", "relu"]},
    "unknown activation": {"activation": "swish"},
    "hidden_layer_sizes": {"hidden_layer_sizes": (3, 3)},
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_set_params_after_fit_leaves_the_fitted_network_predicting(name, change):
    """scikit-learn predicts with the new activation on the old weights (a network
    never trained) or crashes; sknn predicts with the network it fitted."""
    Estimator = ESTIMATORS[name]
    model = small(Estimator, hidden_layer_sizes=(7, 5), activation="tanh")
    model.fit(X64, targets(Estimator))
    before = model.predict(X64), network_summary(model)
    model.set_params(**CHANGES[change])
    after = model.predict(X64), network_summary(model)
    assert_array_equal(after[0], before[0])
    assert after[1] == before[1]
    if change == "activation":
        assert model.to_sklearn().activation == "tanh"
        refit = model.fit(X64, targets(Estimator))
        assert refit._fitted_activation == "logistic"


def test_scikit_learn_predicts_with_the_changed_activation():
    """The behaviour sknn departs from (docs/differences.md)."""
    model = SKLearnMLPClassifier((7,), activation="tanh", max_iter=4, random_state=0)
    model.fit(X64, Y_CLASSES)
    before = model.predict_proba(X64)
    assert not np.array_equal(model.set_params(activation="logistic").predict_proba(X64), before)


# --- §2: hidden_layer_sizes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "sizes, culprit",
    [
        ((5.7,), "5.7"),
        ([True], "True"),
        (5.0, "5.0"),
        ((4, np.float64(3.0)), "3.0"),
        (("5",), "'5'"),
        ((np.bool_(True),), "True"),
    ],
)
def test_hidden_layer_sizes_that_are_not_integers_are_refused(sizes, culprit):
    model = small(MLPClassifier, hidden_layer_sizes=sizes)
    with pytest.raises(
        InvalidParameterError, match="'hidden_layer_sizes' parameter of MLPClassifier must be"
    ) as error:
        model.fit(X64, Y_CLASSES)
    assert culprit in str(error.value)
    assert not hasattr(model, "coefs_")


def test_numpy_integer_hidden_layer_sizes_are_accepted():
    model = small(MLPRegressor, hidden_layer_sizes=np.array([4, 3])).fit(X64, Y_REAL)
    assert [c.shape for c in model.coefs_] == [(5, 4), (4, 3), (3, 1)]


# --- §2: scorers ---------------------------------------------------------------------------


@pytest.mark.parametrize("returned", ["0.5", None, np.ones(3), 1j, [0.5]])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_a_scorer_returning_no_number_is_named(name, returned):
    def scorer(estimator, X, y):
        return returned

    model = small(ESTIMATORS[name], early_stopping=True, scoring=scorer)
    with pytest.raises(
        TypeError,
        match=r"scoring=.*scorer returned .* for the validation "
        r"set; a scorer must return a single number",
    ):
        model.fit(X64, targets(ESTIMATORS[name]))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_a_scorer_that_writes_into_its_estimator_changes_nothing(name):
    Estimator = ESTIMATORS[name]

    def vandal(estimator, X, y):
        for array in estimator.coefs_ + estimator.intercepts_:
            array[...] = 0.0
        if hasattr(estimator, "classes_"):
            estimator.classes_[...] = estimator.classes_[::-1].copy()
        return 1.0

    params = dict(early_stopping=True, max_iter=6, n_iter_no_change=10)
    vandalised = small(Estimator, scoring=vandal, **params).fit(X64, targets(Estimator))
    honest = small(Estimator, scoring=lambda e, X, y: 1.0, **params).fit(X64, targets(Estimator))
    assert_same_fit(vandalised, honest)
    if Estimator is MLPClassifier:
        assert_array_equal(vandalised.classes_, [0, 1, 2])


# --- a failed fit or partial_fit changes nothing ----------------------------------------


def _fit_call(method, X, y, **kwargs):
    return lambda model: getattr(model, method)(X, y, **kwargs)


def _zero_weights_for(validation):
    weights = np.ones(96)
    weights[validation] = 0.0
    return weights


FAULTS = {
    "negative class_weight": (
        MLPClassifier,
        {"class_weight": {0: -1.0}},
        _fit_call("fit", X64, Y_CLASSES),
        InvalidParameterError,
        "negative",
    ),
    "NaN class_weight": (
        MLPClassifier,
        {"class_weight": {0: np.nan}},
        _fit_call("partial_fit", X64, Y_CLASSES),
        InvalidParameterError,
        "not finite",
    ),
    "mistyped class_weight key": (
        MLPClassifier,
        {"class_weight": {"0": 2.0}},
        _fit_call("fit", X64, Y_CLASSES),
        ValueError,
        "not classes of y",
    ),
    "mixed labels": (
        MLPClassifier,
        {},
        _fit_call("partial_fit", X64, MIXED),
        ValueError,
        "mixes strings and numbers",
    ),
    "mixed y_val": (
        MLPClassifier,
        {"early_stopping": True},
        _fit_call("fit", X64, Y_CLASSES, X_val=X64[:4], y_val=MIXED[:4]),
        ValueError,
        "y_val mixes",
    ),
    "float hidden_layer_sizes": (
        MLPRegressor,
        {"hidden_layer_sizes": (7.5,)},
        _fit_call("fit", X64, Y_REAL),
        InvalidParameterError,
        "is not an int",
    ),
    "one-row X_val": (
        MLPRegressor,
        {"early_stopping": True},
        _fit_call("fit", X64, Y_REAL, X_val=X64[:1], y_val=Y_REAL[:1]),
        ValueError,
        "is nan in epoch 1",
    ),
    "scorer returning a string": (
        MLPClassifier,
        {"early_stopping": True, "scoring": lambda e, X, y: "good"},
        _fit_call("fit", X64, Y_CLASSES),
        TypeError,
        "a scorer must return a single number",
    ),
    "NaN in an unaligned X": (
        MLPRegressor,
        {},
        _fit_call("partial_fit", _unaligned(np.where(X64 > 2, np.nan, X64)), Y_REAL),
        ValueError,
        "Input X contains NaN",
    ),
    "NaN in a structured-array X": (
        MLPClassifier,
        {},
        _fit_call("fit", _structured_field(np.where(X64 > 2, np.nan, X64)), Y_CLASSES),
        ValueError,
        "Input X contains NaN",
    ),
    "all-zero sample_weight for partial_fit": (
        MLPRegressor,
        {},
        _fit_call("partial_fit", X64, Y_REAL, sample_weight=np.zeros(96)),
        ValueError,
        "sample_weight sums to zero",
    ),
    "zero scalar sample_weight": (
        MLPClassifier,
        {},
        _fit_call("fit", X64, Y_CLASSES, sample_weight=0.0),
        ValueError,
        "sample_weight sums to zero",
    ),
    "all-zero sample_weight_val": (
        MLPRegressor,
        {"early_stopping": True},
        _fit_call(
            "fit", X64, Y_REAL, X_val=X64[:8], y_val=Y_REAL[:8], sample_weight_val=np.zeros(8)
        ),
        ValueError,
        "sample_weight_val sums to zero",
    ),
}


def _everything(model):
    """A deep copy of every attribute (weights, curves, counters, optimizer state)."""
    return copy.deepcopy(vars(model))


def _assert_same(got, expected, where="model"):
    if isinstance(expected, np.ndarray):
        assert_array_equal(got, expected, err_msg=where)
    elif isinstance(expected, dict):
        assert got.keys() == expected.keys(), where
        for key in expected:
            _assert_same(got[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, (list, tuple)):
        assert type(got) is type(expected) and len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            _assert_same(a, b, f"{where}[{i}]")
    elif isinstance(expected, float) and np.isnan(expected):
        assert np.isnan(got), where
    elif isinstance(expected, (str, bytes, int, float, type(None), np.generic)) or callable(
        expected
    ):
        assert got == expected, where
    else:  # an object holding state, such as the optimizer
        assert type(got) is type(expected), where
        _assert_same(vars(got), vars(expected), where)


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("warm_start", [False, True])
def test_a_failed_fit_or_partial_fit_leaves_a_fitted_model_exactly_as_it_was(fault, warm_start):
    Estimator, params, call, error, pattern = FAULTS[fault]
    y = targets(Estimator)
    good = {key: value for key, value in params.items() if key == "early_stopping"}
    model = small(Estimator, warm_start=warm_start, **good).fit(X64, y)
    model.partial_fit(X64, y)  # an optimizer state and curves to keep
    predictions = model.predict(X64)
    model.set_params(**params)
    before = _everything(model)
    with pytest.raises(error, match=pattern):
        call(model)
    _assert_same(_everything(model), before)
    assert_array_equal(model.predict(X64), predictions)
