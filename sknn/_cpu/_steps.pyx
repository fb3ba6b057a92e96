# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled optimizer step on NumPy arrays (see ``kernels.h``).

A step takes the raw gradient (summed over the batch, no L2 term) and forms
the penalised mean gradient ``(raw + alpha w) / weight_sum`` on the fly, in
the one pass that updates the parameters and the optimizer's state: the
weights (the first ``n_coefs`` entries) with ``alpha``, then the biases
without. It returns the squared L2 norm of the weights before the step when
``alpha`` is non-zero (what the batch's loss adds), else 0.
"""

from cython cimport floating

from sknn._cpu.kernels cimport (
    adam_block_double, adam_block_float, optimizer_step_double, optimizer_step_float,
    rmsprop_block_double, rmsprop_block_float, sgd_block_double, sgd_block_float,
    sknn_step_settings, step_block_double, step_block_float,
)

cpdef enum StepKind:  # ``step``'s first argument
    SGD = 0
    ADAM = 1
    RMSPROP = 2


cdef sknn_step_settings as_settings(settings) except *:
    """``StepSettings`` (a named tuple, see ``sknn._cpu``) as the C struct."""
    cdef sknn_step_settings s
    (s.learning_rate, s.momentum, s.nesterov, s.beta_1, s.beta_2, s.rho, s.epsilon,
     s.decay) = settings
    return s


def step(int kind, floating[::1] params, const floating[::1] raw, states, Py_ssize_t n_coefs,
         settings, double alpha, double weight_sum):
    """One optimizer step on the flat buffer ``params``.

    ``kind``: ``SGD``, ``ADAM`` or ``RMSPROP``; ``states``: the optimizer's
    buffers (SGD's velocity; Adam's first and second moments; RMSProp's mean
    square), each shaped like ``params``; ``settings``: a ``StepSettings``.
    """
    cdef floating[::1] first = states[0]
    cdef floating[::1] second = states[1] if kind == ADAM else states[0]
    cdef Py_ssize_t n = params.shape[0]
    if raw.shape[0] != n or first.shape[0] != n or second.shape[0] != n:
        raise ValueError("optimizer step: buffers of different sizes")
    if not 0 < n_coefs <= n:
        raise ValueError("optimizer step: n_coefs out of range")
    cdef sknn_step_settings s = as_settings(settings)
    cdef floating *second_moment = &second[0] if kind == ADAM else NULL
    cdef double norm
    with nogil:
        if floating is float:
            norm = optimizer_step_float(float_block(kind), &params[0], &raw[0], &first[0],
                                        second_moment, n, n_coefs, &s, alpha, weight_sum)
        else:
            norm = optimizer_step_double(double_block(kind), &params[0], &raw[0], &first[0],
                                         second_moment, n, n_coefs, &s, alpha, weight_sum)
    return norm if alpha else 0.0


cdef step_block_float float_block(int kind) noexcept nogil:
    if kind == ADAM:
        return adam_block_float
    return rmsprop_block_float if kind == RMSPROP else sgd_block_float


cdef step_block_double double_block(int kind) noexcept nogil:
    if kind == ADAM:
        return adam_block_double
    return rmsprop_block_double if kind == RMSPROP else sgd_block_double
