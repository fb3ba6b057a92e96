"""Stochastic optimizers over one flat parameter buffer.

Each optimizer is constructed with its hyper-parameters, then
``step(params, raw_grads, alpha, weight_sum)`` changes the flat buffer in
place. ``raw_grads`` is the gradient summed over the batch without the L2
term; the step uses scikit-learn's penalised mean gradient
``(raw + alpha W) / weight_sum`` (``W``: the weights, the first ``n_coefs``
entries), formed on the fly. ``update(params, grads)`` takes a gradient that
is already that mean. ``iteration_ends(time_step)`` runs after every epoch
(learning-rate schedules) and ``on_plateau(message, verbose)`` decides, when
the monitored quantity stops improving, whether to stop (True) or to carry on
with a smaller learning rate (``learning_rate='adaptive'``).

On NumPy arrays a step is one compiled pass over the buffer
(``sknn._engine._cpu``); elsewhere it is a few whole-buffer array-API operations.
Both reproduce scikit-learn's arithmetic operation for operation.
"""

import math

import array_api_compat
import numpy as np

from sknn._arrays._backend import device_of, move_to
from sknn._arrays._device import is_gpu_array
from sknn._arrays._host import host_state
from sknn._engine import _cpu
from sknn._engine._inplace import call_into, squared_norm

# NumPy arrays of these dtypes take the compiled steps.


class _Schedule:
    """The learning-rate schedules, and the step shared by every optimizer.

    constant: ``lr = lr0``. invscaling: ``lr = lr0 / (t + 1) ** power_t`` after
    each epoch, ``t`` the number of samples seen. adaptive: ``lr0 /= 5`` on a
    plateau, stopping once ``lr0 <= 1e-6``.
    """

    def __init__(self, params, learning_rate_init, schedule="constant", power_t=0.5, n_coefs=None):
        self.base_rate = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.power_t = power_t
        self.n_coefs = params.shape[0] if n_coefs is None else int(n_coefs)
        self._buffers = None

    def iteration_ends(self, time_step):
        """Apply the 'invscaling' decay at the end of an epoch."""
        if self.schedule == "invscaling":
            self.learning_rate = _inverse_scaling(self.base_rate, time_step, self.power_t)

    def on_plateau(self, message, verbose):
        """True to stop; with 'adaptive', divide the rate by 5 and go on."""
        if self.schedule != "adaptive":
            _report(verbose, message + " Stopping.")
            return True
        if self.base_rate <= 1e-6:
            _report(verbose, message + " Learning rate too small. Stopping.")
            return True
        self.base_rate /= 5.0
        self.learning_rate /= 5.0
        rate = format_rate(self.schedule_rate())  # as the log's "lr:" shows it
        _report(verbose, f"{message} Setting learning rate to {rate}")
        return False

    def schedule_rate(self):
        """The rate the schedule sets (what the training log reports)."""
        return self.learning_rate

    def continues(self, params):
        """True when this optimizer's state has the shape and dtype of ``params``."""
        state = self._state()[0]
        return state.shape == params.shape and _dtype_name(state) == _dtype_name(params)

    def step(self, params, raw_grads, alpha=0.0, weight_sum=1.0):
        """One step on ``params`` in place, from the raw summed gradient.

        ``raw_grads`` may be overwritten. Returns the squared L2 norm of the
        weights before the step when ``alpha`` is non-zero (the batch loss's
        penalty needs it), else 0.
        """
        self._advance()
        if type(params) is np.ndarray and params.dtype in _cpu.FLOATS:
            return _cpu.step(
                self._compiled_kind,
                params,
                raw_grads,
                self._state(),
                self.n_coefs,
                self._settings(),
                alpha,
                weight_sum,
            )
        xp = array_api_compat.array_namespace(params)
        weights = params[: self.n_coefs]
        norm = squared_norm(xp, weights) if alpha else 0.0
        if alpha:
            penalty, _ = self._scratch(xp, params)
            penalty = penalty[: self.n_coefs]
            call_into(xp, "multiply", weights, alpha, out=penalty)
            raw_weights = raw_grads[: self.n_coefs]
            raw_weights += penalty
        if not _is_one(weight_sum):
            raw_grads /= weight_sum
        self._update(xp, params, raw_grads)
        return norm

    def update(self, params, grads):
        """One step on ``params`` in place, from the penalised mean gradient."""
        self.step(params, grads)

    def _advance(self):
        """Per-step bookkeeping before the update (Adam's step count)."""

    def _scratch(self, xp, params):
        """Two work buffers shaped like ``params``, made once (never pickled)."""
        if self._buffers is None or self._buffers[0].shape != params.shape:
            self._buffers = (xp.empty_like(params), xp.empty_like(params))
        return self._buffers

    def __getstate__(self):
        """The state with its arrays on the host (a GPU model pickles as NumPy)."""
        return host_state({**self.__dict__, "_buffers": None})

    def placed_like(self, params):
        """This optimizer with its state arrays moved to the namespace, device
        and dtype of ``params`` (after loading, or a fit on another device)."""
        xp, device = array_api_compat.array_namespace(params), device_of(params)
        for name, value in vars(self).items():
            if array_api_compat.is_array_api_obj(value):
                setattr(self, name, move_to(value, xp, device, params.dtype))
        self._buffers = None
        return self


def _inverse_scaling(rate, time_step, power_t):
    """``rate / (time_step + 1) ** power_t``, as scikit-learn computes it; where
    the power overflows a float (a huge ``power_t``), the quotient is formed as
    ``rate * exp(-power_t * log(time_step + 1))``, which underflows to the
    subnormal or zero rate the exact quotient rounds to."""
    try:
        return rate / (time_step + 1) ** power_t
    except OverflowError:
        return rate * math.exp(-power_t * math.log(time_step + 1))


def _average_squares(xp, average, grads, decay, scratch):
    """``average <- decay average + (1 - decay) g^2``, in place."""
    average *= decay
    call_into(xp, "multiply", grads, grads, out=scratch)
    scratch *= 1 - decay
    average += scratch


def _step_by_rms(xp, params, direction, average, rate, epsilon, scratch, change):
    """``params <- params - rate direction / (sqrt(average) + epsilon)``, in place."""
    call_into(xp, "sqrt", average, out=scratch)
    scratch += epsilon
    call_into(xp, "multiply", direction, -rate, out=change)
    change /= scratch
    params += change


def _step_by_rms_in_float64(xp, params, direction, average, rate, epsilon, scratch):
    """``_step_by_rms`` for float32 ``params`` as scikit-learn's Adam computes it:
    ``-rate direction`` and its quotient by the float32 ``sqrt(average) +
    epsilon`` in float64 (its rate is a NumPy float64), added to ``params`` in
    float64 and rounded to float32 once."""
    call_into(xp, "sqrt", average, out=scratch)
    scratch += epsilon
    change = xp.astype(direction, xp.float64) * -rate
    change /= xp.astype(scratch, xp.float64)
    params[...] = xp.astype(xp.astype(params, xp.float64) + change, params.dtype)


def _dtype_name(array):
    """'float32' or 'float64', whichever namespace the array is from."""
    return str(array.dtype).rsplit(".", 1)[-1]


def _is_one(value):
    return isinstance(value, (int, float)) and value == 1


def _report(verbose, message):
    if verbose:
        print(message)


class SGD(_Schedule):
    """Stochastic gradient descent with momentum, optionally Nesterov's.

    ``v <- momentum * v - lr * g``; then ``w <- w + v``, or with Nesterov
    ``w <- w + momentum * v - lr * g``.

    Parameters
    ----------
    xp : namespace
    params : array
        The flat parameter buffer (its shape, dtype and device are copied).
    learning_rate_init, schedule, power_t : see ``_Schedule``.
    momentum : float in [0, 1]
    nesterov : bool
    n_coefs : int, default=None
        Length of the prefix of the buffer holding weights (what L2 penalises);
        None: all of it.
    """

    def __init__(
        self,
        xp,
        params,
        learning_rate_init,
        schedule,
        momentum,
        nesterov,
        power_t,
        n_coefs=None,
    ):
        super().__init__(params, learning_rate_init, schedule, power_t, n_coefs)
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = xp.zeros_like(params)

    def _state(self):
        return (self.velocity,)

    _compiled_kind = _cpu.SGD

    def _settings(self):
        return _cpu.StepSettings(self.learning_rate, momentum=self.momentum, nesterov=self.nesterov)

    def _update(self, xp, params, grads):
        step, change = self._scratch(xp, params)
        call_into(xp, "multiply", grads, self.learning_rate, out=step)  # lr * g
        self.velocity *= self.momentum
        self.velocity -= step
        if self.nesterov:
            call_into(xp, "multiply", self.velocity, self.momentum, out=change)
            change -= step
            params += change
        else:
            params += self.velocity


class Adam(_Schedule):
    """Adam (Kingma & Ba, 2014).

    ``m <- b1 m + (1 - b1) g``; ``v <- b2 v + (1 - b2) g^2``;
    ``lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)``; ``w <- w - lr_t m / (sqrt(v) + eps)``.

    In float32 the moments are float32 and the change of the weights is
    formed and added in float64, then rounded once, as scikit-learn's NumPy
    arithmetic does it (its ``lr_t`` is a NumPy float64); on a GPU (CuPy)
    the change stays in float32, whose matrix products never give
    scikit-learn's bits anyway.

    Parameters
    ----------
    xp : namespace
    params : array
        The flat parameter buffer (its shape, dtype and device are copied).
    learning_rate_init, schedule : see ``_Schedule``.
    beta_1, beta_2 : float in [0, 1)
    epsilon : float > 0
    n_coefs : int, default=None
        See ``SGD``.
    """

    def __init__(
        self, xp, params, learning_rate_init, schedule, beta_1, beta_2, epsilon, n_coefs=None
    ):
        super().__init__(params, learning_rate_init, schedule, n_coefs=n_coefs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.first_moment = xp.zeros_like(params)
        self.second_moment = xp.zeros_like(params)

    def iteration_ends(self, time_step):
        """Adam's rate comes from its own step count, not a schedule."""

    def _state(self):
        return self.first_moment, self.second_moment

    def schedule_rate(self):
        """The base rate (the bias-corrected one changes every step)."""
        return self.base_rate

    def _advance(self):
        self.t += 1
        self.learning_rate = (
            self.base_rate * math.sqrt(1 - self.beta_2**self.t) / (1 - self.beta_1**self.t)
        )

    def _weight_decay(self):
        """What the weights are multiplied by before each step (AdamW); 1: none."""
        return 1.0

    _compiled_kind = _cpu.ADAM

    def _settings(self):
        return _cpu.StepSettings(
            self.learning_rate,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon,
            decay=self._weight_decay(),
        )

    def _update(self, xp, params, grads):
        decay = self._weight_decay()
        if decay != 1.0:
            weights = params[: self.n_coefs]
            weights *= decay
        scratch, change = self._scratch(xp, params)
        self.first_moment *= self.beta_1
        call_into(xp, "multiply", grads, 1 - self.beta_1, out=scratch)
        self.first_moment += scratch  # m <- b1 m + (1 - b1) g
        _average_squares(xp, self.second_moment, grads, self.beta_2, scratch)
        if _dtype_name(params) == "float32" and not is_gpu_array(params):
            _step_by_rms_in_float64(
                xp,
                params,
                self.first_moment,
                self.second_moment,
                self.learning_rate,
                self.epsilon,
                scratch,
            )
        else:
            _step_by_rms(
                xp,
                params,
                self.first_moment,
                self.second_moment,
                self.learning_rate,
                self.epsilon,
                scratch,
                change,
            )


class RMSProp(_Schedule):
    """RMSProp (Hinton, 2012): steps scaled by a running RMS of the gradient.

    ``v <- rho v + (1 - rho) g^2``; ``w <- w - lr g / (sqrt(v) + eps)``.

    Parameters
    ----------
    xp : namespace
    params : array
        The flat parameter buffer (its shape, dtype and device are copied).
    learning_rate_init, schedule, power_t : see ``_Schedule``.
    rho : float in [0, 1)
        Decay of the running average of squared gradients.
    epsilon : float > 0
    n_coefs : int, default=None
        See ``SGD``.
    """

    def __init__(
        self, xp, params, learning_rate_init, schedule, power_t, rho, epsilon, n_coefs=None
    ):
        super().__init__(params, learning_rate_init, schedule, power_t, n_coefs)
        self.rho, self.epsilon = rho, epsilon
        self.mean_square = xp.zeros_like(params)

    def _state(self):
        return (self.mean_square,)

    _compiled_kind = _cpu.RMSPROP

    def _settings(self):
        return _cpu.StepSettings(self.learning_rate, rho=self.rho, epsilon=self.epsilon)

    def _update(self, xp, params, grads):
        scratch, change = self._scratch(xp, params)
        _average_squares(xp, self.mean_square, grads, self.rho, scratch)
        _step_by_rms(
            xp, params, grads, self.mean_square, self.learning_rate, self.epsilon, scratch, change
        )


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Before each Adam step the weight matrices (not the biases) shrink:
    ``W <- W - lr * weight_decay * W``, with ``lr`` the base learning rate
    (``learning_rate_init``, divided on plateaus under 'adaptive'). The decay
    is not part of the gradient: the estimator passes ``alpha`` here instead
    of adding an L2 term to the loss.

    Parameters
    ----------
    xp, params, learning_rate_init, schedule, beta_1, beta_2, epsilon : see ``Adam``.
    weight_decay : float >= 0
    n_decayed : int
        Length of the prefix of the flat buffer that decays (the weights).
    """

    def __init__(
        self,
        xp,
        params,
        learning_rate_init,
        schedule,
        beta_1,
        beta_2,
        epsilon,
        weight_decay,
        n_decayed,
    ):
        super().__init__(
            xp, params, learning_rate_init, schedule, beta_1, beta_2, epsilon, n_decayed
        )
        self.weight_decay = weight_decay

    def _weight_decay(self):
        return 1.0 - self.base_rate * self.weight_decay


_KINDS = {kind.__name__: kind for kind in (SGD, Adam, RMSProp, AdamW)}


def optimizer_record(optimizer):
    """The optimizer as plain data (a dict of numbers, strings and NumPy arrays),
    for saving: a file then names no sknn class but the estimator's."""
    return {"kind": type(optimizer).__name__, "state": optimizer.__getstate__()}


def optimizer_from_record(record):
    """The optimizer ``optimizer_record`` saved."""
    optimizer = _KINDS[record["kind"]].__new__(_KINDS[record["kind"]])
    optimizer.__dict__.update(record["state"])
    return optimizer


def format_rate(rate):
    """A learning rate, as every message of the log shows it.

    >>> format_rate(2e-4), format_rate(6.4e-07), format_rate(0.001)
    ('0.0002', '6.4e-07', '0.001')
    """
    return f"{float(rate):.3g}"
