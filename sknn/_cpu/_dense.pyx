# cython: language_level=3
"""Forward and backward passes of a dense network, compiled, on NumPy arrays.

The matrix products go to NumPy's BLAS (``np.dot`` with ``out``, called
without the Python layer; BLAS runs them on its threads);
everything between them (bias + activation, the output delta and loss, the
derivatives, the bias gradients) runs in the fused loops of ``kernels.h``,
on buffers allocated once, at ``max_rows`` rows.
"""

cimport numpy as cnp

from sknn._cpu.kernels cimport (
    SKNN_GELU, bias_activate_double, bias_activate_float, column_sums_double,
    column_sums_float, delta_and_loss_double, delta_and_loss_float, derivative_double,
    derivative_float, multiply_into_double, multiply_into_float,
)

import numpy as np

cnp.import_array()

cdef extern from "numpy/arrayobject.h":
    # np.dot(a, b, out=out) without the Python call: the same BLAS call as matmul
    object PyArray_MatrixProduct2(object a, object b, cnp.ndarray out)


cdef inline char *data_of(cnp.ndarray array) noexcept:
    return <char *>cnp.PyArray_DATA(array)


cdef inline char *data_or_null(array) noexcept:
    return NULL if array is None else data_of(array)


# Each helper runs the float or double kernel, as ``double`` says.

cdef void bias_activate(bint double, char *Z, char *b, Py_ssize_t n, Py_ssize_t m, int kind,
                        char *pre) noexcept nogil:
    if double:
        bias_activate_double(<double *>Z, <double *>b, n, m, kind, <double *>pre)
    else:
        bias_activate_float(<float *>Z, <float *>b, n, m, kind, <float *>pre)


cdef void multiply_into(bint double, char *out, char *a, char *b, Py_ssize_t size) noexcept nogil:
    if double:
        multiply_into_double(<double *>out, <double *>a, <double *>b, size)
    else:
        multiply_into_float(<float *>out, <float *>a, <float *>b, size)


cdef void derivative(bint double, char *D, char *A, char *pre, char *mask, Py_ssize_t size,
                     int kind) noexcept nogil:
    if double:
        derivative_double(<double *>D, <double *>A, <double *>pre, <double *>mask, size, kind)
    else:
        derivative_float(<float *>D, <float *>A, <float *>pre, <float *>mask, size, kind)


cdef void column_sums(bint double, char *D, Py_ssize_t n, Py_ssize_t m, char *out) noexcept nogil:
    if double:
        column_sums_double(<double *>D, n, m, <double *>out)
    else:
        column_sums_float(<float *>D, n, m, <float *>out)


cdef double delta_and_loss(bint double, char *P, char *Y, char *w, char *D, Py_ssize_t n,
                           Py_ssize_t m, int output) noexcept nogil:
    if double:
        return delta_and_loss_double(<double *>P, <double *>Y, <double *>w, <double *>D, n, m,
                                     output)
    return delta_and_loss_float(<float *>P, <float *>Y, <float *>w, <float *>D, n, m, output)


def _check_array(array, dtype, shape, name):
    if (not isinstance(array, np.ndarray) or array.dtype != dtype or array.shape != shape
            or not array.flags.c_contiguous or not array.flags.aligned):
        raise ValueError(f"{name} must be an aligned, C-contiguous {dtype} array of shape {shape}")


cdef class DenseNetwork:
    """A multi-layer perceptron's passes over up to ``max_rows`` rows at a time.

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input and output included.
    kinds : sequence of int
        Activation code (``kernels.h``) of every layer after the input.
    dtype : numpy.float32 or numpy.float64
    max_rows : int
    dropout_layers : sequence of bool
        Per hidden layer: whether training passes apply a dropout mask.
    """

    cdef readonly object dtype
    cdef bint double
    cdef readonly Py_ssize_t max_rows
    cdef readonly tuple layer_units
    cdef tuple kinds, coef_starts, intercept_starts
    cdef Py_ssize_t size
    cdef list activations, deltas, preactivations, kept
    cdef object _bound  # (flat, grads, per-layer views of both)

    def __init__(self, layer_units, kinds, dtype, Py_ssize_t max_rows, dropout_layers):
        self.layer_units = tuple(int(u) for u in layer_units)
        self.kinds = tuple(int(k) for k in kinds)
        self.dtype = np.dtype(dtype)
        self.double = self.dtype == np.float64
        self.max_rows = max(max_rows, 1)
        n_layers = len(self.layer_units) - 1
        shapes = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        coef_ends = np.cumsum([a * b for a, b in shapes]).tolist()
        self.coef_starts = tuple([0] + coef_ends[:-1])
        intercept_ends = (coef_ends[-1] + np.cumsum(self.layer_units[1:])).tolist()
        self.intercept_starts = tuple([coef_ends[-1]] + intercept_ends[:-1])
        self.size = intercept_ends[-1]
        drops = list(dropout_layers) + [False]
        self.activations = self._buffers([True] * n_layers)
        self.deltas = self._buffers([True] * n_layers)
        self.preactivations = self._buffers([k == SKNN_GELU for k in self.kinds])
        self.kept = self._buffers(drops)
        self._bound = None

    cdef list _buffers(self, wanted):
        """One (max_rows, units) buffer per layer where ``wanted``, else None."""
        return [
            np.empty((self.max_rows, units), dtype=self.dtype) if want else None
            for units, want in zip(self.layer_units[1:], wanted)
        ]

    def layer_views(self, coefs, intercepts):
        """Per-layer ``(W, b)`` for ``forward``: the arrays themselves when they
        are aligned and C-contiguous in this network's dtype, else converted copies."""
        views = []
        for i, (coef, intercept) in enumerate(zip(coefs, intercepts)):
            fan_in, fan_out = self.layer_units[i], self.layer_units[i + 1]
            coef = np.require(coef, self.dtype, ["C", "A"])
            intercept = np.require(intercept, self.dtype, ["C", "A"])
            if coef.shape != (fan_in, fan_out) or intercept.shape != (fan_out,):
                raise ValueError(f"layer {i} must be ({fan_in}, {fan_out}) weights and "
                                 f"({fan_out},) biases")
            views.append((coef, intercept, None, None))
        return views

    def forward(self, views, X):
        """Output-layer activations for at most ``max_rows`` rows of ``X``.

        A view into a reused buffer; ``views`` from ``layer_views``.
        """
        self._check_X(X)
        return self._forward(views, X, None)

    def gradient(self, flat, grads, X, Y, sample_weight, masks):
        """Raw gradients into ``grads``; the summed (weighted) loss over the rows.

        ``grads`` receives the sum over rows of each row's (weighted) loss
        gradient, without the L2 term: the optimizers form the penalised mean.
        ``masks`` holds, per hidden layer, the dropout mask of these rows (or None).
        """
        self._check_inputs(flat, X, masks)
        n = X.shape[0]
        _check_array(grads, self.dtype, (self.size,), "grads")
        _check_array(Y, self.dtype, (n, self.layer_units[len(self.layer_units) - 1]), "Y")
        if sample_weight is not None:
            _check_array(sample_weight, self.dtype, (n,), "sample_weight")
        views = self._views(flat, grads)
        self._forward(views, X, masks)
        return self._backward(views, X, Y, sample_weight, masks)

    def _check_inputs(self, flat, X, masks):
        """Guard the raw pointers: the shapes, dtypes and layouts the C code assumes."""
        _check_array(flat, self.dtype, (self.size,), "flat")
        self._check_X(X)
        for i, mask in enumerate(masks or ()):
            if mask is not None:
                _check_array(mask, self.dtype, (X.shape[0], self.layer_units[i + 1]), "mask")

    def _check_X(self, X):
        if not isinstance(X, np.ndarray) or X.dtype != self.dtype or X.ndim != 2 \
                or X.shape[1] != self.layer_units[0]:
            raise ValueError(f"X must be a {self.dtype} array with {self.layer_units[0]} columns")
        if X.shape[0] > self.max_rows:
            raise ValueError(f"{X.shape[0]} rows; this network holds {self.max_rows}")

    def _views(self, flat, grads):
        """Per-layer (W, b, grad W, grad b) views of ``flat`` and ``grads``, cached."""
        bound = self._bound
        if bound is not None and bound[0] is flat and bound[1] is grads:
            return bound[2]
        views = []
        for i in range(len(self.kinds)):
            fan_in, fan_out = self.layer_units[i], self.layer_units[i + 1]
            coef = slice(self.coef_starts[i], self.coef_starts[i] + fan_in * fan_out)
            intercept = slice(self.intercept_starts[i], self.intercept_starts[i] + fan_out)
            views.append((
                flat[coef].reshape(fan_in, fan_out), flat[intercept],
                None if grads is None else grads[coef].reshape(fan_in, fan_out),
                None if grads is None else grads[intercept],
            ))
        self._bound = (flat, grads, views)
        return views

    def _forward(self, list views, X, masks):
        cdef Py_ssize_t n = X.shape[0]
        A = X
        for i in range(len(self.kinds)):
            Z = self.activations[i][:n]
            PyArray_MatrixProduct2(A, views[i][0], Z)  # (n, fan_out)
            bias_activate(self.double, data_of(Z), data_of(views[i][1]), n, Z.shape[1],
                          self.kinds[i], data_or_null(self.preactivations[i]))
            A = Z
            mask = None if masks is None or i >= len(masks) else masks[i]
            if mask is not None:  # inverted dropout: the next layer sees A * mask
                A = self.kept[i][:n]
                multiply_into(self.double, data_of(A), data_of(Z), data_of(mask), Z.size)
        return A

    cdef double _backward(self, list views, X, cnp.ndarray Y, sample_weight, masks):
        cdef Py_ssize_t n = X.shape[0]
        cdef int i, last = len(self.kinds) - 1
        D = self.deltas[last][:n]
        cdef double loss = delta_and_loss(
            self.double, data_of(self.activations[last]), data_of(Y),
            data_or_null(sample_weight), data_of(D), n, D.shape[1], self.kinds[last])
        for i in range(last, -1, -1):
            coef, _, coef_grad, intercept_grad = views[i]
            A = X if i == 0 else self._layer_input(i, n, masks)
            PyArray_MatrixProduct2(A.T, D, coef_grad)  # (fan_in, fan_out)
            column_sums(self.double, data_of(D), n, D.shape[1], data_of(intercept_grad))
            if i > 0:
                D_previous = self.deltas[i - 1][:n]
                PyArray_MatrixProduct2(D, coef.T, D_previous)  # (n, fan_in)
                mask = None if masks is None else masks[i - 1]
                derivative(self.double, data_of(D_previous), data_of(self.activations[i - 1]),
                           data_or_null(self.preactivations[i - 1]), data_or_null(mask),
                           D_previous.size, self.kinds[i - 1])
                D = D_previous
        return loss

    def _layer_input(self, i, n, masks):
        """What layer ``i`` received in the last forward pass."""
        if masks is not None and masks[i - 1] is not None:
            return self.kept[i - 1][:n]
        return self.activations[i - 1][:n]
