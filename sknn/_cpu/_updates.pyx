# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled optimizer steps and row gathers on NumPy arrays (see ``kernels.h``).

Each step takes the raw gradient (summed over the batch, no L2 term) and
forms the penalised mean gradient ``(raw + alpha w) / weight_sum`` on the fly,
in the one pass that updates the parameters and the optimizer's state: the
weights (the first ``n_coefs`` entries) with ``alpha``, then the biases
without. Each returns the squared L2 norm of the weights before the step
when ``alpha`` is non-zero (what the batch's loss adds), else 0.
"""

from cython cimport floating

from sknn._cpu.kernels cimport (
    adam_block_double, adam_block_float, rmsprop_block_double, rmsprop_block_float,
    sgd_block_double, sgd_block_float, sknn_is_power_of_two, take_rows_double,
    take_rows_float,
)


def take_rows(const floating[:, :] X, const Py_ssize_t[::1] rows, floating[:, ::1] out):
    """``out[:len(rows)] = X[rows]``."""
    cdef Py_ssize_t n = rows.shape[0]
    if n == 0:
        return
    if out.shape[0] < n or out.shape[1] != X.shape[1]:
        raise ValueError("take_rows: out is too small")
    cdef Py_ssize_t size = sizeof(floating)
    cdef Py_ssize_t row_stride = X.strides[0] // size, col_stride = X.strides[1] // size
    with nogil:
        if floating is float:
            take_rows_float(&X[0, 0], row_stride, col_stride, X.shape[1], &rows[0], n, &out[0, 0])
        else:
            take_rows_double(&X[0, 0], row_stride, col_stride, X.shape[1], &rows[0], n, &out[0, 0])


def _check(params, raw, state, Py_ssize_t n_coefs):
    if raw.shape[0] != params.shape[0] or state.shape[0] != params.shape[0]:
        raise ValueError("optimizer step: buffers of different sizes")
    if not 0 < n_coefs <= params.shape[0]:
        raise ValueError("optimizer step: n_coefs out of range")


def sgd_step(floating[::1] params, const floating[::1] raw, floating[::1] velocity,
             Py_ssize_t n_coefs, double lr, double momentum, bint nesterov,
             double alpha, double weight_sum):
    """SGD with (Nesterov) momentum; see ``sknn._optimizers.SGD``."""
    _check(params, raw, velocity, n_coefs)
    cdef Py_ssize_t n = params.shape[0], k = n_coefs
    cdef int exact = sknn_is_power_of_two(weight_sum)
    cdef double norm
    with nogil:
        if floating is float:
            norm = sgd_block_float(&params[0], &raw[0], &velocity[0], k,
                                   lr, momentum, nesterov, alpha, weight_sum, exact)
            sgd_block_float(&params[k], &raw[k], &velocity[k], n - k,
                            lr, momentum, nesterov, 0.0, weight_sum, exact)
        else:
            norm = sgd_block_double(&params[0], &raw[0], &velocity[0], k,
                                    lr, momentum, nesterov, alpha, weight_sum, exact)
            sgd_block_double(&params[k], &raw[k], &velocity[k], n - k,
                             lr, momentum, nesterov, 0.0, weight_sum, exact)
    return norm if alpha else 0.0


def adam_step(floating[::1] params, const floating[::1] raw, floating[::1] first_moment,
              floating[::1] second_moment, Py_ssize_t n_coefs, double lr_t, double beta_1,
              double beta_2, double epsilon, double decay, double alpha, double weight_sum):
    """Adam, and AdamW's decoupled decay when ``decay != 1``; see ``sknn._optimizers.Adam``."""
    _check(params, raw, first_moment, n_coefs)
    _check(params, raw, second_moment, n_coefs)
    cdef Py_ssize_t n = params.shape[0], k = n_coefs
    cdef int exact = sknn_is_power_of_two(weight_sum)
    cdef double norm
    with nogil:
        if floating is float:
            norm = adam_block_float(&params[0], &raw[0], &first_moment[0], &second_moment[0], k,
                                    lr_t, beta_1, beta_2, epsilon, alpha, weight_sum, exact,
                                    decay)
            adam_block_float(&params[k], &raw[k], &first_moment[k], &second_moment[k], n - k,
                             lr_t, beta_1, beta_2, epsilon, 0.0, weight_sum, exact, 1.0)
        else:
            norm = adam_block_double(&params[0], &raw[0], &first_moment[0], &second_moment[0],
                                     k, lr_t, beta_1, beta_2, epsilon, alpha, weight_sum, exact,
                                     decay)
            adam_block_double(&params[k], &raw[k], &first_moment[k], &second_moment[k], n - k,
                              lr_t, beta_1, beta_2, epsilon, 0.0, weight_sum, exact, 1.0)
    return norm if alpha else 0.0


def rmsprop_step(floating[::1] params, const floating[::1] raw, floating[::1] mean_square,
                 Py_ssize_t n_coefs, double lr, double rho, double epsilon, double alpha,
                 double weight_sum):
    """RMSProp; see ``sknn._optimizers.RMSProp``."""
    _check(params, raw, mean_square, n_coefs)
    cdef Py_ssize_t n = params.shape[0], k = n_coefs
    cdef int exact = sknn_is_power_of_two(weight_sum)
    cdef double norm
    with nogil:
        if floating is float:
            norm = rmsprop_block_float(&params[0], &raw[0], &mean_square[0], k,
                                       lr, rho, epsilon, alpha, weight_sum, exact)
            rmsprop_block_float(&params[k], &raw[k], &mean_square[k], n - k,
                                lr, rho, epsilon, 0.0, weight_sum, exact)
        else:
            norm = rmsprop_block_double(&params[0], &raw[0], &mean_square[0], k,
                                        lr, rho, epsilon, alpha, weight_sum, exact)
            rmsprop_block_double(&params[k], &raw[k], &mean_square[k], n - k,
                                 lr, rho, epsilon, 0.0, weight_sum, exact)
    return norm if alpha else 0.0
