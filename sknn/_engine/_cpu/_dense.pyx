# cython: language_level=3
"""Forward and backward passes of a dense network, compiled, on NumPy arrays.

The matrix products go to NumPy's BLAS (``np.matmul`` into the work buffers;
BLAS runs them on its threads);
everything between them (bias + activation, the output delta and loss, the
derivatives, the bias gradients) runs in the fused loops of ``kernels.h``,
on buffers allocated once, at ``max_rows`` rows. The transcendental
functions of the activations are NumPy's vectorised ufuncs (the ones
scikit-learn calls), run on those buffers between two compiled passes.
"""

cimport numpy as cnp

from sknn._engine._cpu.kernels cimport (
    SKNN_ELU, SKNN_EXP, SKNN_GELU, SKNN_LOGISTIC, SKNN_SOFTMAX, SKNN_SOFTPLUS, SKNN_TANH,
    activation_finish_double, activation_finish_float, activation_prepare_double,
    activation_prepare_float, column_sums_double, column_sums_float, delta_and_loss_double,
    delta_and_loss_float, derivative_double, derivative_float, derivative_prepare_double,
    derivative_prepare_float, multiply_into_double, multiply_into_float,
)

import numpy as np

from sknn._engine._cpu._sparse import CSRRows

cnp.import_array()

# The matrix products: NumPy's matmul into the work buffers (one BLAS call;
# np.dot would also clear the output before BLAS overwrites it).
cdef object matmul = np.matmul

# The NumPy ufuncs each activation runs, in order, between activation_prepare
# and activation_finish (kernels_real.h); tanh, softmax and exp run them on Z
# itself, the others on a work buffer T. Indexed by activation code.
_N_KINDS = 10
cdef tuple FORWARD_UFUNCS = tuple(
    {
        SKNN_LOGISTIC: (np.exp,),
        SKNN_TANH: (np.tanh,),
        SKNN_ELU: (np.expm1,),
        SKNN_GELU: (np.tanh,),
        SKNN_SOFTPLUS: (np.exp, np.log1p),
        SKNN_SOFTMAX: (np.exp,),
        SKNN_EXP: (np.exp,),
    }.get(kind, ())
    for kind in range(_N_KINDS)
)
# ... and between derivative_prepare and derivative, on the activations.
cdef tuple DERIVATIVE_UFUNCS = tuple(
    (np.expm1,) if kind == SKNN_SOFTPLUS else () for kind in range(_N_KINDS)
)
# Row counts whose buffer views a network keeps at most (a fit uses two).
_CACHED_ROW_COUNTS = 8


cdef inline char *data_of(cnp.ndarray array) noexcept:
    return <char *>cnp.PyArray_DATA(array)


cdef inline char *data_or_null(array) noexcept:
    return NULL if array is None else data_of(array)


# Each helper runs the float or double kernel, as ``double`` says.

cdef void activation_prepare(bint double, char *Z, char *b, Py_ssize_t n, Py_ssize_t m, int kind,
                             char *T, char *pre) noexcept nogil:
    if double:
        activation_prepare_double(<double *>Z, <double *>b, n, m, kind, <double *>T,
                                  <double *>pre)
    else:
        activation_prepare_float(<float *>Z, <float *>b, n, m, kind, <float *>T, <float *>pre)


cdef void activation_finish(bint double, char *Z, char *T, Py_ssize_t n, Py_ssize_t m,
                            int kind) noexcept nogil:
    if double:
        activation_finish_double(<double *>Z, <double *>T, n, m, kind)
    else:
        activation_finish_float(<float *>Z, <float *>T, n, m, kind)


cdef void multiply_into(bint double, char *out, char *a, char *b, Py_ssize_t size) noexcept nogil:
    if double:
        multiply_into_double(<double *>out, <double *>a, <double *>b, size)
    else:
        multiply_into_float(<float *>out, <float *>a, <float *>b, size)


cdef void derivative_prepare(bint double, char *D, char *A, char *mask, Py_ssize_t size,
                             int kind) noexcept nogil:
    if double:
        derivative_prepare_double(<double *>D, <double *>A, <double *>mask, size, kind)
    else:
        derivative_prepare_float(<float *>D, <float *>A, <float *>mask, size, kind)


cdef void derivative(bint double, char *D, char *A, char *pre, char *T, Py_ssize_t size,
                     int kind) noexcept nogil:
    if double:
        derivative_double(<double *>D, <double *>A, <double *>pre, <double *>T, size, kind)
    else:
        derivative_float(<float *>D, <float *>A, <float *>pre, <float *>T, size, kind)


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


cdef void apply_activation(bint double, int kind, cnp.ndarray Z, cnp.ndarray b, cnp.ndarray T,
                           pre) except *:
    """Z <- f(Z + b): compiled passes around NumPy's ufuncs; T: their work buffer
    (Z's shape; GELU keeps its tanh there); pre: GELU's pre-activation, or None."""
    cdef Py_ssize_t n = cnp.PyArray_DIM(Z, 0), m = cnp.PyArray_DIM(Z, 1)
    activation_prepare(double, data_of(Z), data_of(b), n, m, kind, data_of(T), data_or_null(pre))
    ufuncs = <tuple>FORWARD_UFUNCS[kind]
    if not ufuncs:
        return
    target = Z if kind == SKNN_TANH or kind == SKNN_SOFTMAX or kind == SKNN_EXP else T
    for ufunc in ufuncs:
        ufunc(target, target)
    activation_finish(double, data_of(Z), data_of(T), n, m, kind)


def activate(int kind, Z, b, work=None):
    """``Z <- f(Z + b)`` in place, as a layer of activation code ``kind`` computes it.

    ``Z``: a C-contiguous float32 or float64 matrix; ``b``: its biases (one per
    column); ``work``: a buffer shaped like ``Z`` for the ufuncs (made when
    None). For tests and profiling; the networks call the same code.
    """
    _check_matrix(Z, kind)
    _check_array(b, Z.dtype, (Z.shape[1],), "b")
    work = np.empty_like(Z) if work is None else work
    _check_array(work, Z.dtype, Z.shape, "work")
    apply_activation(Z.dtype == np.float64, kind, Z, b, work, None)


def output_delta(int kind, P, Y, D):
    """``D <- P - Y`` for the output activation ``kind``'s canonical loss; the
    summed loss of P against Y. For tests and profiling, like ``activate``."""
    _check_matrix(P, kind)
    _check_array(Y, P.dtype, P.shape, "Y")
    _check_array(D, P.dtype, P.shape, "D")
    return delta_and_loss(P.dtype == np.float64, data_of(P), data_of(Y), NULL, data_of(D),
                          P.shape[0], P.shape[1], kind)


def differentiate(int kind, D, A):
    """``D <- D * f'(z)`` from the activations ``A = f(z)`` (not GELU, which
    needs its pre-activation; softplus overwrites A). For tests and profiling."""
    _check_matrix(D, kind)
    _check_array(A, D.dtype, D.shape, "A")
    if kind == SKNN_GELU:
        raise ValueError("differentiate: GELU needs its pre-activation")
    cdef bint double = D.dtype == np.float64
    derivative_prepare(double, data_of(D), data_of(A), NULL, D.size, kind)
    for ufunc in <tuple>DERIVATIVE_UFUNCS[kind]:
        ufunc(A, A)
    derivative(double, data_of(D), data_of(A), NULL, NULL, D.size, kind)


def bias_gradient(D, out):
    """``out <- D.sum(axis=0)``, rows added in order. For tests and profiling."""
    _check_matrix(D, 0)
    _check_array(out, D.dtype, (D.shape[1],), "out")
    column_sums(D.dtype == np.float64, data_of(D), D.shape[0], D.shape[1], data_of(out))


def _check_matrix(Z, int kind):
    if not (isinstance(Z, np.ndarray) and Z.ndim == 2 and Z.dtype in (np.float32, np.float64)
            and Z.flags.c_contiguous) or not 0 <= kind < _N_KINDS:
        raise ValueError("a C-contiguous float32 or float64 matrix and an activation code "
                         "are needed")


cdef bint is_c_array(object array, object dtype, Py_ssize_t rows, Py_ssize_t cols) noexcept:
    """An aligned, C-contiguous ndarray of ``dtype`` shaped (rows, cols), or (rows,) when
    cols < 0."""
    if type(array) is not cnp.ndarray and not isinstance(array, cnp.ndarray):
        return False
    cdef cnp.ndarray a = <cnp.ndarray>array
    cdef int ndim = cnp.PyArray_NDIM(a)
    if ndim == 0 or (<object>cnp.PyArray_DESCR(a) is not dtype and a.dtype != dtype):
        return False
    if not (cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_ISALIGNED(a)) \
            or cnp.PyArray_DIM(a, 0) != rows:
        return False
    return ndim == 1 if cols < 0 else (ndim == 2 and cnp.PyArray_DIM(a, 1) == cols)


def _check_array(array, dtype, shape, name):
    rows, cols = (shape[0], shape[1]) if len(shape) == 2 else (shape[0], -1)
    if not is_c_array(array, dtype, rows, cols):
        raise ValueError(f"{name} must be an aligned, C-contiguous {dtype} array of shape {shape}")


cdef object _as_kernel_array(object array, object dtype):
    """``array`` itself when the kernels read it as it is, else an aligned,
    C-contiguous copy in ``dtype`` (the check is cheaper than ``np.require``,
    which costs as much as predicting one row)."""
    cdef cnp.ndarray a
    if isinstance(array, cnp.ndarray):
        a = <cnp.ndarray>array
        if (cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_ISALIGNED(a)
                and (<object>cnp.PyArray_DESCR(a) is dtype or a.dtype == dtype)):
            return array
    return np.require(array, dtype, ["C", "A"])


cdef class RowViews:
    """Per layer, the work buffers' views over the first ``n`` rows.

    Z: activations; D: deltas; pre: GELU's pre-activations; T: the work
    buffer of the activation's ufuncs (GELU's kept tanh, else D, which the
    forward pass does not use); kept: activations after dropout.
    """

    cdef list Z, D, pre, T, kept

    def __init__(self, network, Py_ssize_t n):
        def rows(buffers):
            return [None if b is None else b[:n] for b in buffers]

        self.Z = rows(network.activations)
        self.D = rows(network.deltas)
        self.pre = rows(network.preactivations)
        tanh_values = rows(network.tanh_values)
        self.T = [D if t is None else t for t, D in zip(tanh_values, self.D)]
        self.kept = rows(network.kept)


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
    cdef readonly list activations, deltas, preactivations, tanh_values, kept
    cdef object _bound  # (flat, grads, per-layer views of both)
    cdef dict _rows  # n -> RowViews

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
        gelu = [k == SKNN_GELU for k in self.kinds]
        self.activations = self._buffers([True] * n_layers)
        self.deltas = self._buffers([True] * n_layers)
        self.preactivations = self._buffers(gelu)
        self.tanh_values = self._buffers(gelu)
        self.kept = self._buffers(drops)
        self._bound = None
        self._rows = {}

    cdef list _buffers(self, wanted):
        """One (max_rows, units) buffer per layer where ``wanted``, else None."""
        return [
            np.empty((self.max_rows, units), dtype=self.dtype) if want else None
            for units, want in zip(self.layer_units[1:], wanted)
        ]

    cdef RowViews _views_of_rows(self, Py_ssize_t n):
        views = self._rows.get(n)
        if views is None:
            if len(self._rows) >= _CACHED_ROW_COUNTS:
                self._rows.clear()
            views = self._rows[n] = RowViews(self, n)
        return <RowViews>views

    def layer_views(self, coefs, intercepts):
        """Per-layer ``(W, b)`` for ``forward``: the arrays themselves when they
        are aligned and C-contiguous in this network's dtype, else converted copies."""
        views = []
        for i, (coef, intercept) in enumerate(zip(coefs, intercepts)):
            fan_in, fan_out = self.layer_units[i], self.layer_units[i + 1]
            coef = _as_kernel_array(coef, self.dtype)
            intercept = _as_kernel_array(intercept, self.dtype)
            if coef.shape != (fan_in, fan_out) or intercept.shape != (fan_out,):
                raise ValueError(f"layer {i} must be ({fan_in}, {fan_out}) weights and "
                                 f"({fan_out},) biases")
            views.append((coef, intercept, None, None))
        return views

    def forward(self, views, X):
        """Output-layer activations for at most ``max_rows`` rows of ``X``.

        ``X``: a NumPy array, or ``CSRRows`` (sparse rows). A view into a
        reused buffer; ``views`` from ``layer_views``.
        """
        self._check_X(X)
        return self._forward(views, X, None, self._views_of_rows(X.shape[0]))

    def gradient(self, flat, grads, X, Y, sample_weight, masks):
        """Raw gradients into ``grads``; the summed (weighted) loss over the rows.

        ``grads`` receives the sum over rows of each row's (weighted) loss
        gradient, without the L2 term: the optimizers form the penalised mean.
        ``masks`` holds, per hidden layer, the dropout mask of these rows (or None).
        The hidden activations of softplus layers are overwritten on the way back.
        """
        self._check_X(X)
        cdef Py_ssize_t n = X.shape[0]
        if not is_c_array(flat, self.dtype, self.size, -1):
            _check_array(flat, self.dtype, (self.size,), "flat")
        if not is_c_array(grads, self.dtype, self.size, -1):
            _check_array(grads, self.dtype, (self.size,), "grads")
        if not is_c_array(Y, self.dtype, n, self.layer_units[len(self.layer_units) - 1]):
            _check_array(Y, self.dtype, (n, self.layer_units[len(self.layer_units) - 1]), "Y")
        if sample_weight is not None:
            _check_array(sample_weight, self.dtype, (n,), "sample_weight")
        for i, mask in enumerate(masks or ()):
            if mask is not None:
                _check_array(mask, self.dtype, (n, self.layer_units[i + 1]), "mask")
        views = self._views(flat, grads)
        rows = self._views_of_rows(n)
        self._forward(views, X, masks, rows)
        return self._backward(views, X, Y, sample_weight, masks, rows)

    def _check_X(self, X):
        if type(X) is CSRRows:
            if X.dtype != self.dtype or X.n_features != self.layer_units[0]:
                raise ValueError(f"X must be {self.dtype} with {self.layer_units[0]} columns")
        elif not isinstance(X, np.ndarray) or X.dtype != self.dtype or X.ndim != 2 \
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

    cdef object _forward(self, list views, X, masks, RowViews rows):
        A = X
        for i in range(len(self.kinds)):
            Z = rows.Z[i]
            if type(A) is CSRRows:
                A.product_into(views[i][0], Z)  # SciPy's sparse product
            else:
                matmul(A, views[i][0], Z)  # (n, fan_out)
            apply_activation(self.double, self.kinds[i], Z, views[i][1], rows.T[i], rows.pre[i])
            A = Z
            mask = None if masks is None or i >= len(masks) else masks[i]
            if mask is not None:  # inverted dropout: the next layer sees A * mask
                A = rows.kept[i]
                multiply_into(self.double, data_of(A), data_of(Z), data_of(mask), Z.size)
        return A

    cdef double _backward(self, list views, X, cnp.ndarray Y, sample_weight, masks,
                          RowViews rows) except? -1:
        cdef Py_ssize_t n = X.shape[0]
        cdef int i, last = len(self.kinds) - 1
        D = rows.D[last]
        cdef double loss = delta_and_loss(
            self.double, data_of(rows.Z[last]), data_of(Y),
            data_or_null(sample_weight), data_of(D), n, D.shape[1], self.kinds[last])
        for i in range(last, -1, -1):
            coef, _, coef_grad, intercept_grad = views[i]
            A = X if i == 0 else self._layer_input(i, masks, rows)
            matmul(A.T, D, coef_grad)  # (fan_in, fan_out)
            column_sums(self.double, data_of(D), n, D.shape[1], data_of(intercept_grad))
            if i > 0:
                D_previous = rows.D[i - 1]
                matmul(D, coef.T, D_previous)  # (n, fan_in)
                self._differentiate(i - 1, D_previous, None if masks is None else masks[i - 1],
                                    rows)
                D = D_previous
        return loss

    cdef void _differentiate(self, int i, cnp.ndarray D, mask, RowViews rows) except *:
        """D <- D * mask * f'(z) for hidden layer ``i``."""
        cdef int kind = self.kinds[i]
        cdef Py_ssize_t size = cnp.PyArray_SIZE(D)
        A = rows.Z[i]
        derivative_prepare(self.double, data_of(D), data_of(A), data_or_null(mask), size, kind)
        for ufunc in <tuple>DERIVATIVE_UFUNCS[kind]:
            ufunc(A, A)
        derivative(self.double, data_of(D), data_of(A), data_or_null(rows.pre[i]),
                   data_of(rows.T[i]), size, kind)

    cdef object _layer_input(self, int i, masks, RowViews rows):
        """What layer ``i`` received in the last forward pass."""
        if masks is not None and masks[i - 1] is not None:
            return rows.kept[i - 1]
        return rows.Z[i - 1]
