# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled passes over data arrays: gathering rows, checking values are finite.

Both read their input through its strides, counted in items: the input must be
aligned with every stride a whole number of items (``sknn._engine._cpu.handles``); any
other array is refused with a ValueError, never read wrongly.
"""

import numpy as np

from cython cimport floating
from libc.stdint cimport int64_t

from sknn._engine._cpu.kernels cimport (
    all_finite_double, all_finite_float, row_argmax_double, row_argmax_float, take_rows_double,
    take_rows_float,
)


cdef int check_readable(const floating[:, :] X) except -1:
    """Raise unless X is aligned and its strides are whole numbers of items."""
    cdef Py_ssize_t size = sizeof(floating)
    if X.strides[0] % size or X.strides[1] % size or <size_t>&X[0, 0] % size:
        raise ValueError(
            "the compiled kernels read aligned arrays whose strides are whole numbers "
            "of items; copy this one first (sknn._engine._cpu.in_row_layout)"
        )
    return 0


def take_rows(const floating[:, :] X, const Py_ssize_t[::1] rows, floating[:, ::1] out):
    """``out[:len(rows)] = X[rows]``."""
    cdef Py_ssize_t n = rows.shape[0]
    if n == 0:
        return
    if out.shape[0] < n or out.shape[1] != X.shape[1]:
        raise ValueError("take_rows: out is too small")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError("take_rows: X has no rows or no columns")
    check_readable(X)
    cdef Py_ssize_t size = sizeof(floating)
    cdef Py_ssize_t row_stride = X.strides[0] // size, col_stride = X.strides[1] // size
    with nogil:
        if floating is float:
            take_rows_float(&X[0, 0], row_stride, col_stride, X.shape[1], &rows[0], n, &out[0, 0])
        else:
            take_rows_double(&X[0, 0], row_stride, col_stride, X.shape[1], &rows[0], n, &out[0, 0])


def row_argmax(const floating[:, ::1] P):
    """``P.argmax(axis=1)`` as int64 (NumPy's answer, ties and NaN included),
    in one compiled pass: NumPy's argmax of short rows costs a call per row."""
    cdef Py_ssize_t n = P.shape[0], m = P.shape[1]
    if m == 0:
        raise ValueError("row_argmax: P has no columns")
    out = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] indices = out
    if n == 0:
        return out
    with nogil:
        if floating is float:
            row_argmax_float(&P[0, 0], n, m, &indices[0])
        else:
            row_argmax_double(&P[0, 0], n, m, &indices[0])
    return out


def all_finite(const floating[:, :] X):
    """Whether every element of ``X`` is finite (no NaN, no infinity)."""
    cdef Py_ssize_t size = sizeof(floating)
    cdef Py_ssize_t rows = X.shape[0], cols = X.shape[1]
    cdef int finite
    if rows == 0 or cols == 0:
        return True
    check_readable(X)
    cdef Py_ssize_t row_stride = X.strides[0] // size, col_stride = X.strides[1] // size
    if col_stride != 1 and row_stride == 1:  # Fortran order: walk down the columns
        rows, cols, row_stride, col_stride = cols, rows, col_stride, row_stride
    with nogil:
        if floating is float:
            finite = all_finite_float(&X[0, 0], row_stride, col_stride, rows, cols)
        else:
            finite = all_finite_double(&X[0, 0], row_stride, col_stride, rows, cols)
    return bool(finite)
