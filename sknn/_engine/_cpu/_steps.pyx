# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled optimizer step on NumPy arrays (see ``kernels.h``).

A step takes the raw gradient (summed over the batch, no L2 term) and forms
the penalised mean gradient ``(raw + alpha w) / weight_sum`` on the fly, in
the one pass that updates the parameters and the optimizer's state: the
weights (the first ``n_coefs`` entries) with ``alpha``, then the biases
without. It returns the squared L2 norm of the weights before the step when
``alpha`` is non-zero (what the batch's loss adds), else 0.
"""

cimport numpy as cnp

from sknn._engine._cpu.kernels cimport (
    adam_block_double, adam_block_float, optimizer_step_double, optimizer_step_float,
    rmsprop_block_double, rmsprop_block_float, sgd_block_double, sgd_block_float,
    sknn_step_settings, step_block_double, step_block_float,
)

import numpy as np

cnp.import_array()

cpdef enum StepKind:  # ``step``'s first argument
    SGD = 0
    ADAM = 1
    RMSPROP = 2


cdef sknn_step_settings as_settings(settings) except *:
    """``StepSettings`` (a named tuple, see ``sknn._engine._cpu``) as the C struct."""
    cdef sknn_step_settings s
    (s.learning_rate, s.momentum, s.nesterov, s.beta_1, s.beta_2, s.rho, s.epsilon,
     s.decay) = settings
    return s


cdef char *buffer_of(array, int typenum, Py_ssize_t size, bint written=True) except NULL:
    """The data of a C-contiguous 1-d array of ``size`` elements of ``typenum``
    (writeable when ``written``)."""
    if not isinstance(array, cnp.ndarray):
        raise ValueError("optimizer step: buffers must be NumPy arrays")
    cdef cnp.ndarray a = <cnp.ndarray>array
    if (cnp.PyArray_TYPE(a) != typenum or cnp.PyArray_NDIM(a) != 1
            or cnp.PyArray_DIM(a, 0) != size or not cnp.PyArray_IS_C_CONTIGUOUS(a)):
        raise ValueError("optimizer step: buffers of different sizes, dtypes or layouts")
    if written and not cnp.PyArray_ISWRITEABLE(a):
        raise ValueError("optimizer step: read-only buffer")
    return <char *>cnp.PyArray_DATA(a)


def step(int kind, params, raw, states, Py_ssize_t n_coefs, settings, double alpha,
         double weight_sum):
    """One optimizer step on the flat buffer ``params`` (float32 or float64).

    ``kind``: ``SGD``, ``ADAM`` or ``RMSPROP``; ``raw``: the raw gradient;
    ``states``: the optimizer's buffers (SGD's velocity; Adam's first and
    second moments; RMSProp's mean square), each shaped like ``params``;
    ``settings``: a ``StepSettings``. Every buffer is a C-contiguous 1-d array
    of ``params``' dtype and size.
    """
    if not isinstance(params, cnp.ndarray) or params.dtype not in (np.float32, np.float64):
        raise ValueError("optimizer step: params must be a float32 or float64 array")
    cdef int typenum = cnp.PyArray_TYPE(<cnp.ndarray>params)
    cdef Py_ssize_t n = cnp.PyArray_SIZE(<cnp.ndarray>params)
    cdef char *p = buffer_of(params, typenum, n)
    cdef char *g = buffer_of(raw, typenum, n, False)
    cdef char *first = buffer_of(states[0], typenum, n)
    cdef char *second = buffer_of(states[1], typenum, n) if kind == ADAM else NULL
    if not 0 < n_coefs <= n:
        raise ValueError("optimizer step: n_coefs out of range")
    cdef sknn_step_settings s = as_settings(settings)
    cdef double norm
    with nogil:
        if typenum == cnp.NPY_FLOAT:
            norm = optimizer_step_float(float_block(kind), <float *>p, <float *>g,
                                        <float *>first, <float *>second, n, n_coefs, &s,
                                        alpha, weight_sum)
        else:
            norm = optimizer_step_double(double_block(kind), <double *>p, <double *>g,
                                         <double *>first, <double *>second, n, n_coefs, &s,
                                         alpha, weight_sum)
    return norm if alpha else 0.0


cdef step_block_float float_block(int kind) noexcept nogil:
    if kind == ADAM:
        return adam_block_float
    return rmsprop_block_float if kind == RMSPROP else sgd_block_float


cdef step_block_double double_block(int kind) noexcept nogil:
    if kind == ADAM:
        return adam_block_double
    return rmsprop_block_double if kind == RMSPROP else sgd_block_double
