# cython: language_level=3, boundscheck=False, wraparound=False
"""Sparse CSR input for the compiled forward pass (prediction).

A network's first product on CSR rows is ``rows @ W`` computed as SciPy
computes it (``csr_matvecs``: every output row from 0, one ``a * W[j]`` per
stored entry, in storage order), so the outputs have scikit-learn's bits;
the layers after it are dense and run as for dense input. ``CSRRows`` is a
range of a CSR matrix's rows, read in place: no slice of the matrix is
copied.
"""

cimport numpy as cnp
from libc.stdint cimport int32_t, int64_t

from sknn._engine._cpu.kernels cimport (
    csr_product_int32_double, csr_product_int32_float, csr_product_int64_double,
    csr_product_int64_float,
)

import numpy as np

cnp.import_array()

_INDEX_DTYPES = (np.dtype(np.int32), np.dtype(np.int64))
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


cdef class CSRRows:
    """Rows ``start:stop`` of a CSR matrix, checked once.

    Parameters
    ----------
    matrix : scipy.sparse CSR matrix or array, float32 or float64
    start, stop : int
    """

    cdef readonly cnp.ndarray data, indices, indptr
    cdef readonly Py_ssize_t start, stop, n_features
    cdef readonly object dtype

    def __init__(self, matrix, Py_ssize_t start, Py_ssize_t stop):
        data, indices, indptr = matrix.data, matrix.indices, matrix.indptr
        n_rows, self.n_features = matrix.shape
        if not 0 <= start <= stop <= n_rows:
            raise ValueError(f"rows {start}:{stop} of a matrix of {n_rows} rows")
        if (data.dtype not in _FLOATS or indices.dtype not in _INDEX_DTYPES
                or indptr.dtype != indices.dtype or data.ndim != 1 or indices.ndim != 1
                or indptr.shape != (n_rows + 1,)):
            raise ValueError("X is not a valid CSR matrix: its data, indices and indptr "
                             "arrays do not agree")
        self.data = np.ascontiguousarray(data)
        self.indices = np.ascontiguousarray(indices)
        self.indptr = np.ascontiguousarray(indptr)
        self.start, self.stop, self.dtype = start, stop, self.data.dtype
        _check_row_pointers(self.indptr, start, stop,
                            min(self.data.shape[0], self.indices.shape[0]))

    @property
    def shape(self):
        return (self.stop - self.start, self.n_features)

    def product_into(self, cnp.ndarray W, cnp.ndarray out):
        """``out <- self @ W`` in SciPy's order; W (n_features, m) and out
        (rows, m) C-contiguous in this matrix's dtype."""
        cdef Py_ssize_t n = self.stop - self.start, m = W.shape[1]
        if (W.dtype != self.dtype or out.dtype != self.dtype or W.shape[0] != self.n_features
                or out.shape[0] != n or out.shape[1] != m or not W.flags.c_contiguous
                or not out.flags.c_contiguous):
            raise ValueError("product_into: W and out do not fit these rows")
        cdef Py_ssize_t bad
        cdef bint wide = self.indices.dtype == np.int64
        cdef char *data = <char *>cnp.PyArray_DATA(self.data)
        cdef char *indices = <char *>cnp.PyArray_DATA(self.indices)
        cdef char *indptr = <char *>cnp.PyArray_DATA(self.indptr)
        cdef char *weights = <char *>cnp.PyArray_DATA(W)
        cdef char *result = <char *>cnp.PyArray_DATA(out)
        cdef bint double = self.dtype == np.float64
        with nogil:
            if double and wide:
                bad = csr_product_int64_double(<double *>data, <int64_t *>indices,
                                               <int64_t *>indptr + self.start, n,
                                               <double *>weights, self.n_features, m,
                                               <double *>result)
            elif double:
                bad = csr_product_int32_double(<double *>data, <int32_t *>indices,
                                               <int32_t *>indptr + self.start, n,
                                               <double *>weights, self.n_features, m,
                                               <double *>result)
            elif wide:
                bad = csr_product_int64_float(<float *>data, <int64_t *>indices,
                                              <int64_t *>indptr + self.start, n,
                                              <float *>weights, self.n_features, m,
                                              <float *>result)
            else:
                bad = csr_product_int32_float(<float *>data, <int32_t *>indices,
                                              <int32_t *>indptr + self.start, n,
                                              <float *>weights, self.n_features, m,
                                              <float *>result)
        if bad >= 0:
            raise ValueError(f"X is not a valid CSR matrix: its stored entry {bad} has column "
                             f"index {self.indices[bad]}, outside [0, {self.n_features})")


def _check_row_pointers(cnp.ndarray indptr, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t nnz):
    """indptr[start..stop] must rise from 0 or more to nnz or less."""
    if indptr.dtype == np.int64:
        bad = _first_bad_pointer[int64_t](indptr, start, stop, nnz)
    else:
        bad = _first_bad_pointer[int32_t](indptr, start, stop, nnz)
    if bad >= 0:
        raise ValueError(f"X is not a valid CSR matrix: indptr[{bad}] = {indptr[bad]} is out "
                         f"of order or outside [0, {nnz}]")


ctypedef fused index_t:
    int32_t
    int64_t


cdef Py_ssize_t _first_bad_pointer(const index_t[::1] indptr, Py_ssize_t start, Py_ssize_t stop,
                                   Py_ssize_t nnz) noexcept:
    cdef Py_ssize_t i
    if indptr[start] < 0 or indptr[start] > nnz:
        return start
    for i in range(start + 1, stop + 1):
        if indptr[i] < indptr[i - 1] or indptr[i] > nnz:
            return i
    return -1
