"""SGD, Adam, RMSProp and AdamW on one flat buffer: their closed-form updates and schedules.

Each update is checked against the equation it implements (written out by
hand here in plain NumPy float64), against scikit-learn's optimizers on the
same per-layer arrays, and on array_api_strict against NumPy.
"""

import array_api_compat.numpy as npx
import array_api_strict
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from sknn._arrays._backend import to_numpy
from sknn._engine._layout import ParameterLayout
from sknn._engine._optimizers import SGD, Adam, AdamW, RMSProp

LR = 0.05
MOMENTUM = 0.9
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-8


def weights_and_gradients(n_steps, size=11, seed=0):
    """Initial weights and one gradient per step, float64 (gradients span scales)."""
    rng = np.random.default_rng(seed)
    w0 = rng.normal(size=size)
    grads = [rng.normal(size=size) * np.logspace(-3, 1, size) for _ in range(n_steps)]
    return w0, grads


def sgd(xp, params, schedule="constant", momentum=0.0, nesterov=False, lr=LR, power_t=0.5):
    return SGD(xp, params, lr, schedule, momentum, nesterov, power_t)


def adam(xp, params, schedule="constant", lr=LR):
    return Adam(xp, params, lr, schedule, BETA_1, BETA_2, EPSILON)


RHO = 0.9
WEIGHT_DECAY = 0.1
N_DECAYED = 7  # the first 7 entries play the weights, the rest the biases


def rmsprop(xp, params, schedule="constant", lr=LR):
    return RMSProp(xp, params, lr, schedule, 0.5, RHO, EPSILON)


def adamw(xp, params, schedule="constant", lr=LR):
    return AdamW(xp, params, lr, schedule, BETA_1, BETA_2, EPSILON, WEIGHT_DECAY, N_DECAYED)


def run(optimizer, params, grads):
    """Apply one update per gradient, in place; return the parameters."""
    for g in grads:
        optimizer.update(params, g)
    return params


# --- SGD: closed forms ------------------------------------------------------


def test_sgd_without_momentum_steps_against_the_gradient():
    w0, (g,) = weights_and_gradients(1)

    w1 = run(sgd(npx, w0), w0.copy(), [g])

    assert_array_equal(w1, w0 - LR * g)


def test_sgd_classic_momentum_two_steps_match_closed_form():
    # v1 = -lr g1, w1 = w0 + v1; v2 = mu v1 - lr g2, w2 = w1 + v2
    w0, (g1, g2) = weights_and_gradients(2)
    mu = MOMENTUM

    w2 = run(sgd(npx, w0, momentum=mu), w0.copy(), [g1, g2])

    assert_allclose(w2, w0 - LR * (1 + mu) * g1 - LR * g2, rtol=1e-14)


def test_sgd_nesterov_momentum_two_steps_match_closed_form():
    # v_t = mu v_{t-1} - lr g_t, w_t = w_{t-1} + mu v_t - lr g_t
    w0, (g1, g2) = weights_and_gradients(2)
    mu = MOMENTUM

    w2 = run(sgd(npx, w0, momentum=mu, nesterov=True), w0.copy(), [g1, g2])

    expected = w0 - LR * (1 + mu + mu**2) * g1 - LR * (1 + mu) * g2
    assert_allclose(w2, expected, rtol=1e-14)


def test_sgd_velocity_after_two_steps_matches_closed_form():
    w0, (g1, g2) = weights_and_gradients(2)
    optimizer = sgd(npx, w0, momentum=MOMENTUM, nesterov=True)

    run(optimizer, w0.copy(), [g1, g2])

    assert_allclose(optimizer.velocity, -LR * (MOMENTUM * g1 + g2), rtol=1e-14)


# --- Adam: closed forms -----------------------------------------------------


def adam_reference(w0, grads, lr=LR):
    """Kingma & Ba's Adam, in the efficient form of their section 2, by hand.

    m_t = b1 m + (1 - b1) g;  v_t = b2 v + (1 - b2) g^2;
    lr_t = lr sqrt(1 - b2^t) / (1 - b1^t);  w_t = w - lr_t m_t / (sqrt(v_t) + eps)
    """
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for t, g in enumerate(grads, start=1):
        m = BETA_1 * m + (1.0 - BETA_1) * g
        v = BETA_2 * v + (1.0 - BETA_2) * g * g
        lr_t = lr * np.sqrt(1.0 - BETA_2**t) / (1.0 - BETA_1**t)
        w = w - lr_t * m / (np.sqrt(v) + EPSILON)
    return w


def test_adam_first_step_matches_closed_form():
    # After one step the bias-corrected moments are g and g^2, so the step is
    # lr g / (|g| + eps / sqrt(1 - b2)): nearly lr sign(g).
    w0, (g,) = weights_and_gradients(1)

    w1 = run(adam(npx, w0), w0.copy(), [g])

    expected = w0 - LR * g / (np.abs(g) + EPSILON / np.sqrt(1.0 - BETA_2))
    assert_allclose(w1, expected, rtol=1e-14)


@pytest.mark.parametrize("n_steps", [1, 3])
def test_adam_steps_match_bias_corrected_recurrence(n_steps):
    w0, grads = weights_and_gradients(n_steps)

    w = run(adam(npx, w0), w0.copy(), grads)

    assert_allclose(w, adam_reference(w0, grads), rtol=1e-14)


def test_adam_learning_rate_is_bias_corrected_rate_of_last_step():
    w0, grads = weights_and_gradients(3)
    optimizer = adam(npx, w0)

    run(optimizer, w0.copy(), grads)

    assert optimizer.learning_rate == pytest.approx(
        LR * np.sqrt(1 - BETA_2**3) / (1 - BETA_1**3), rel=1e-15
    )


# --- Learning-rate schedules ------------------------------------------------


@pytest.mark.parametrize("time_step", [0, 1, 99, 12345])
def test_invscaling_rate_after_iteration_ends_is_lr0_over_t_plus_1_to_power_t(
    time_step,
):
    w0, _ = weights_and_gradients(0)
    optimizer = sgd(npx, w0, schedule="invscaling", power_t=0.25)

    optimizer.iteration_ends(time_step)

    assert optimizer.learning_rate == LR / (time_step + 1) ** 0.25


def test_invscaling_rate_is_used_by_the_next_update():
    w0, (g,) = weights_and_gradients(1)
    optimizer = sgd(npx, w0, schedule="invscaling", power_t=0.5)
    optimizer.iteration_ends(3)

    w1 = run(optimizer, w0.copy(), [g])

    assert_allclose(w1, w0 - LR / 2.0 * g, rtol=1e-15)


@pytest.mark.parametrize("schedule", ["constant", "adaptive"])
def test_non_invscaling_rate_is_unchanged_by_iteration_ends(schedule):
    w0, _ = weights_and_gradients(0)
    optimizer = sgd(npx, w0, schedule=schedule)

    optimizer.iteration_ends(100)

    assert optimizer.learning_rate == LR


@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_adam_rate_is_unchanged_by_iteration_ends(schedule):
    w0, _ = weights_and_gradients(0)
    optimizer = adam(npx, w0, schedule=schedule)

    optimizer.iteration_ends(100)

    assert optimizer.learning_rate == LR


@pytest.mark.parametrize("make_optimizer", [sgd, adam], ids=["sgd", "adam"])
@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
def test_non_adaptive_plateau_stops(make_optimizer, schedule):
    w0, _ = weights_and_gradients(0)
    optimizer = make_optimizer(npx, w0, schedule=schedule)

    assert optimizer.on_plateau("No improvement.", verbose=False) is True
    assert optimizer.learning_rate == LR


def test_adaptive_plateau_divides_rate_by_5_and_carries_on():
    w0, _ = weights_and_gradients(0)
    optimizer = sgd(npx, w0, schedule="adaptive")

    assert optimizer.on_plateau("No improvement.", verbose=False) is False
    assert optimizer.learning_rate == LR / 5.0
    assert optimizer.on_plateau("No improvement.", verbose=False) is False
    assert optimizer.learning_rate == LR / 5.0 / 5.0


def test_adaptive_plateau_stops_once_rate_is_at_most_1e_6():
    w0, _ = weights_and_gradients(0)
    optimizer = sgd(npx, w0, schedule="adaptive", lr=1e-3)
    rates = []

    while not optimizer.on_plateau("No improvement.", verbose=False):
        rates.append(optimizer.learning_rate)

    # 1e-3 -> 2e-4 -> 4e-5 -> 8e-6 -> 1.6e-6 -> 3.2e-7 (<= 1e-6: stop)
    assert_allclose(rates, [2e-4, 4e-5, 8e-6, 1.6e-6, 3.2e-7], rtol=1e-14)
    assert optimizer.on_plateau("No improvement.", verbose=False) is True
    assert optimizer.learning_rate == rates[-1]


def test_adaptive_plateau_stops_at_once_when_rate_starts_tiny():
    w0, _ = weights_and_gradients(0)
    optimizer = sgd(npx, w0, schedule="adaptive", lr=1e-6)

    assert optimizer.on_plateau("No improvement.", verbose=False) is True
    assert optimizer.learning_rate == 1e-6


def test_plateau_messages_are_printed_when_verbose(capsys):
    w0, _ = weights_and_gradients(0)
    optimizer = sgd(npx, w0, schedule="adaptive", lr=4e-6)

    optimizer.on_plateau("No improvement.", verbose=True)
    optimizer.on_plateau("No improvement.", verbose=True)
    optimizer.on_plateau("Quiet.", verbose=False)

    assert capsys.readouterr().out.splitlines() == [
        "No improvement. Setting learning rate to 8e-07",  # as the log's "lr:" shows it
        "No improvement. Learning rate too small. Stopping.",
    ]


def test_adam_adaptive_plateau_divides_its_base_rate_by_5():
    # scikit-learn's Adam ignores learning_rate='adaptive' and stops at the
    # first plateau; sknn's divides the rate its bias correction scales.
    w0, (g1, g2, g3) = weights_and_gradients(3)
    optimizer = adam(npx, w0, schedule="adaptive")
    w = run(optimizer, w0.copy(), [g1, g2])

    assert optimizer.on_plateau("No improvement.", verbose=False) is False
    w = run(optimizer, w, [g3])

    assert optimizer.learning_rate == pytest.approx(
        LR / 5.0 * np.sqrt(1 - BETA_2**3) / (1 - BETA_1**3), rel=1e-15
    )
    w2 = adam_reference(w0, [g1, g2])
    w3 = adam_reference(w0, [g1, g2, g3])
    w3_at_lr0 = w3 - w2  # the third step at the undivided rate
    assert_allclose(w - w2, w3_at_lr0 / 5.0, rtol=1e-12)


def test_adam_adaptive_plateau_judges_base_rate_not_bias_corrected_rate():
    # Early on the bias-corrected rate is well below the base rate; stopping
    # is decided on the base rate, the one the plateau divides.
    w0, grads = weights_and_gradients(3)
    optimizer = adam(npx, w0, schedule="adaptive", lr=2e-6)
    run(optimizer, w0.copy(), grads)
    assert optimizer.learning_rate < 1e-6

    assert optimizer.on_plateau("No improvement.", verbose=False) is False
    assert optimizer.on_plateau("No improvement.", verbose=False) is True


# --- Against scikit-learn ---------------------------------------------------

LAYER_UNITS = (4, 5, 3, 2)


def sklearn_problem(n_steps, seed=0):
    """Per-layer parameters and gradients in scikit-learn's list (_pack) order."""
    rng = np.random.default_rng(seed)
    layout = ParameterLayout(LAYER_UNITS)
    shapes = layout.coef_shapes + [(units,) for units in LAYER_UNITS[1:]]
    params = [rng.normal(size=shape) for shape in shapes]
    grads = [
        [rng.normal(size=shape) * 10.0 ** rng.uniform(-3, 1) for shape in shapes]
        for _ in range(n_steps)
    ]
    return layout, params, grads


def as_flat(layout, arrays):
    n = layout.n_weight_layers
    return layout.pack(npx, arrays[:n], arrays[n:], np.float64, None)


SGD_SETTINGS = [
    pytest.param(momentum, nesterov, schedule, id=f"mu{momentum}-{kind}-{schedule}")
    for momentum in (0.0, 0.9)
    for nesterov, kind in ((False, "classic"), (True, "nesterov"))
    for schedule in ("constant", "invscaling", "adaptive")
]


@pytest.mark.parametrize(("momentum", "nesterov", "schedule"), SGD_SETTINGS)
def test_sgd_steps_equal_sklearn_sgd_optimizer(momentum, nesterov, schedule):
    layout, params, grads = sklearn_problem(n_steps=4)
    flat = as_flat(layout, params)
    ours = SGD(npx, flat, 0.1, schedule, momentum, nesterov, 0.3)
    theirs = SGDOptimizer(
        params,
        0.1,
        lr_schedule=schedule,
        momentum=momentum,
        nesterov=nesterov,
        power_t=0.3,
    )

    for step, g in enumerate(grads):
        ours.update(flat, as_flat(layout, g))
        theirs.update_params(params, g)
        # between epochs: a schedule step, and a plateau (adaptive divides)
        ours.iteration_ends(10 * (step + 1))
        theirs.iteration_ends(10 * (step + 1))
        if schedule == "adaptive":
            ours.on_plateau("", verbose=False)
            theirs.trigger_stopping("", verbose=False)

    assert ours.learning_rate == theirs.learning_rate
    assert_array_equal(flat, as_flat(layout, params))


def test_adam_steps_equal_sklearn_adam_optimizer():
    layout, params, grads = sklearn_problem(n_steps=4)
    flat = as_flat(layout, params)
    ours = Adam(npx, flat, 0.01, "constant", BETA_1, BETA_2, EPSILON)
    theirs = AdamOptimizer(params, 0.01, BETA_1, BETA_2, EPSILON)

    for g in grads:
        ours.update(flat, as_flat(layout, g))
        theirs.update_params(params, g)

    assert ours.learning_rate == theirs.learning_rate
    assert_array_equal(flat, as_flat(layout, params))


def float32_sklearn_problem(n_steps):
    """``sklearn_problem`` in float32 (the arrays of a float32 fit)."""
    layout, params, grads = sklearn_problem(n_steps)
    return (
        layout,
        [p.astype(np.float32) for p in params],
        [[g.astype(np.float32) for g in step] for step in grads],
    )


@pytest.mark.parametrize("xp", [npx, array_api_strict], ids=["compiled", "portable"])
def test_float32_adam_steps_have_the_bits_of_sklearn_adam_optimizer(xp):
    # scikit-learn's lr_t is a NumPy float64, so its float32 update is formed
    # and added in float64, then rounded: float32 arithmetic differs in the
    # last bit of about 2% of the weights after a few steps.
    layout, params, grads = float32_sklearn_problem(n_steps=8)
    flat = xp.asarray(as_flat(layout, params).astype(np.float32))
    ours = Adam(xp, flat, 0.01, "constant", BETA_1, BETA_2, EPSILON)
    theirs = AdamOptimizer(params, 0.01, BETA_1, BETA_2, EPSILON)

    for g in grads:
        ours.update(flat, xp.asarray(as_flat(layout, g).astype(np.float32)))
        theirs.update_params(params, g)

    assert all(p.dtype == np.float32 for p in params)
    assert_array_equal(to_numpy(flat), as_flat(layout, params).astype(np.float32))


@pytest.mark.parametrize("xp", [npx, array_api_strict], ids=["compiled", "portable"])
@pytest.mark.parametrize(("momentum", "nesterov", "schedule"), SGD_SETTINGS)
def test_float32_sgd_steps_have_the_bits_of_sklearn_sgd_optimizer(xp, momentum, nesterov, schedule):
    layout, params, grads = float32_sklearn_problem(n_steps=4)
    flat = xp.asarray(as_flat(layout, params).astype(np.float32))
    ours = SGD(xp, flat, 0.1, schedule, momentum, nesterov, 0.3)
    theirs = SGDOptimizer(
        params, 0.1, lr_schedule=schedule, momentum=momentum, nesterov=nesterov, power_t=0.3
    )

    for step, g in enumerate(grads):
        ours.update(flat, xp.asarray(as_flat(layout, g).astype(np.float32)))
        theirs.update_params(params, g)
        ours.iteration_ends(10 * (step + 1))
        theirs.iteration_ends(10 * (step + 1))
        if schedule == "adaptive":
            ours.on_plateau("", verbose=False)
            theirs.trigger_stopping("", verbose=False)

    assert_array_equal(to_numpy(flat), as_flat(layout, params).astype(np.float32))


@pytest.mark.parametrize("make_optimizer", [rmsprop, adamw], ids=["rmsprop", "adamw"])
def test_float32_rmsprop_and_adamw_steps_are_the_same_in_both_engines(make_optimizer):
    # No scikit-learn counterpart: AdamW forms Adam's float64 change, RMSProp
    # stays in float32 (its rate is a Python float), in both engines alike.
    w0, grads = weights_and_gradients(6)
    w0, grads = w0.astype(np.float32), [g.astype(np.float32) for g in grads]

    strict = run_on(array_api_strict, make_optimizer, w0, grads)
    numpy = run_on(npx, make_optimizer, w0, grads)

    assert strict.dtype == numpy.dtype == np.float32
    assert_array_equal(strict, numpy)


# --- Portable path ----------------------------------------------------------


def run_on(xp, make_optimizer, w0, grads, **options):
    params = xp.asarray(w0.copy())
    optimizer = make_optimizer(xp, params, **options)
    for g in grads:
        optimizer.update(params, xp.asarray(g))
    return to_numpy(params)


@pytest.mark.parametrize(
    ("make_optimizer", "options"),
    [
        (sgd, {}),
        (sgd, {"momentum": MOMENTUM}),
        (sgd, {"momentum": MOMENTUM, "nesterov": True}),
        (adam, {}),
        (rmsprop, {}),
        (adamw, {}),
    ],
    ids=["sgd", "sgd-momentum", "sgd-nesterov", "adam", "rmsprop", "adamw"],
)
def test_array_api_strict_updates_equal_numpy_updates(make_optimizer, options):
    w0, grads = weights_and_gradients(3)

    strict = run_on(array_api_strict, make_optimizer, w0, grads, **options)
    numpy = run_on(npx, make_optimizer, w0, grads, **options)

    assert_array_equal(strict, numpy)


# --- RMSProp and AdamW: closed forms ------------------------------------------


def rmsprop_reference(w0, grads, lr=LR):
    """v_t = rho v + (1 - rho) g^2;  w_t = w - lr g / (sqrt(v_t) + eps)."""
    w, v = w0.copy(), np.zeros_like(w0)
    for g in grads:
        v = RHO * v + (1.0 - RHO) * g * g
        w = w - lr * g / (np.sqrt(v) + EPSILON)
    return w


@pytest.mark.parametrize("n_steps", [1, 3])
def test_rmsprop_steps_match_closed_form(n_steps):
    w0, grads = weights_and_gradients(n_steps)

    w = run(rmsprop(npx, w0), w0.copy(), grads)

    assert_allclose(w, rmsprop_reference(w0, grads), rtol=1e-14)


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_rho_times_sign():
    w0, (g,) = weights_and_gradients(1)

    w1 = run(rmsprop(npx, w0), w0.copy(), [g])

    expected = w0 - LR * g / (np.sqrt(1.0 - RHO) * np.abs(g) + EPSILON)
    assert_allclose(w1, expected, rtol=1e-12)


def adamw_reference(w0, grads, lr=LR):
    """Decay the weights by lr * weight_decay, then take Adam's step."""
    w, m, v = w0.copy(), np.zeros_like(w0), np.zeros_like(w0)
    for t, g in enumerate(grads, start=1):
        w[:N_DECAYED] = w[:N_DECAYED] * (1.0 - lr * WEIGHT_DECAY)
        m = BETA_1 * m + (1.0 - BETA_1) * g
        v = BETA_2 * v + (1.0 - BETA_2) * g * g
        lr_t = lr * np.sqrt(1.0 - BETA_2**t) / (1.0 - BETA_1**t)
        w = w - lr_t * m / (np.sqrt(v) + EPSILON)
    return w


@pytest.mark.parametrize("n_steps", [1, 3])
def test_adamw_steps_match_decoupled_decay_closed_form(n_steps):
    w0, grads = weights_and_gradients(n_steps)

    w = run(adamw(npx, w0), w0.copy(), grads)

    assert_allclose(w, adamw_reference(w0, grads), rtol=1e-14)


def test_adamw_with_zero_gradient_only_decays_the_weights():
    w0 = np.arange(1.0, 12.0)
    optimizer = AdamW(npx, w0, LR, "constant", BETA_1, BETA_2, EPSILON, WEIGHT_DECAY, N_DECAYED)

    w = run(optimizer, w0.copy(), [np.zeros_like(w0)])

    assert_allclose(w[:N_DECAYED], w0[:N_DECAYED] * (1 - LR * WEIGHT_DECAY), rtol=1e-15)
    assert_array_equal(w[N_DECAYED:], w0[N_DECAYED:])  # biases do not decay


@pytest.mark.parametrize("make_optimizer", [rmsprop, adamw], ids=["rmsprop", "adamw"])
def test_adaptive_plateau_divides_every_solver_rate_by_5(make_optimizer):
    w0, _ = weights_and_gradients(1)
    optimizer = make_optimizer(npx, w0, schedule="adaptive")

    assert optimizer.on_plateau("plateau.", verbose=False) is False
    assert optimizer.base_rate == pytest.approx(LR / 5)
