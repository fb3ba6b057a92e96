"""The floor of a fit: its matrix products alone, as ``np.matmul(..., out=)``.

Every library that trains the same network computes, per batch of ``b``
rows and layer widths u0..uL, the forward products ``A_{l-1} @ W_l``
(b × u_{l-1} @ u_{l-1} × u_l), the weight gradients ``A_{l-1}.T @ D_l``
and the hidden deltas ``D_l @ W_l.T`` (none into the input). ``MatmulFloor``
runs exactly those products, with those shapes, on the training rows in
order (each batch's rows read from memory once, as a fit must) into
buffers allocated once: nothing else. Its ``predict`` is the forward
products alone (the outputs allocated, as any ``predict`` must), the floor
of prediction. Its seconds per epoch are what no
implementation of the same arithmetic on this BLAS can beat; the ratio of
sknn's time to it says how much time goes outside the products.
"""

import itertools

import numpy as np


class MatmulFloor:
    """The products of a fit, behind ``fit`` / ``score`` / ``n_iter_``.

    Parameters
    ----------
    hidden_layer_sizes, batch_size, max_iter
        As in scikit-learn (``max_iter``: epochs; ``batch_size='auto'``: 200).
    validation_fraction, early_stopping
        With early stopping only the training part of the rows is used.
    **ignored
        Every other parameter.
    """

    def __init__(
        self,
        hidden_layer_sizes,
        batch_size=200,
        max_iter=200,
        early_stopping=False,
        validation_fraction=0.1,
        **ignored,
    ):
        self.hidden_layer_sizes = tuple(hidden_layer_sizes)
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction

    def fit(self, X, y):
        X = np.ascontiguousarray(X)
        n_rows = X.shape[0]
        if self.early_stopping:
            n_rows -= round(self.validation_fraction * n_rows)
        batch = min(200, n_rows) if self.batch_size == "auto" else self.batch_size
        widths = (X.shape[1], *self.hidden_layer_sizes, len(np.unique(y)))
        products = _Products(widths, batch, X.dtype)
        self.weights_ = products.weights
        for _ in range(self.max_iter):
            for start in range(0, n_rows, batch):
                products.run(X[start : min(start + batch, n_rows)])
        self.n_iter_ = self.max_iter
        return self

    def predict(self, X):
        """The forward products of ``X`` (no bias, no activation): the floor of
        ``predict``."""
        A = X
        for W in self.weights_:
            A = A @ W
        return A

    def score(self, X, y):
        """No model: NaN."""
        return float("nan")


class _Products:
    """Weights and buffers of one network's batch products, allocated once."""

    def __init__(self, widths, batch, dtype):
        rng = np.random.default_rng(0)
        pairs = list(itertools.pairwise(widths))
        self.weights = [rng.standard_normal(shape).astype(dtype) * 0.05 for shape in pairs]
        self.activations = [np.empty((batch, fan_out), dtype) for _, fan_out in pairs]
        self.deltas = [np.empty((batch, fan_out), dtype) for _, fan_out in pairs]
        self.gradients = [np.empty(shape, dtype) for shape in pairs]

    def run(self, X):
        """The forward products, then the gradients and deltas, of one batch."""
        n, last = X.shape[0], len(self.weights) - 1
        A = X
        for W, Z in zip(self.weights, self.activations, strict=True):
            np.matmul(A, W, out=Z[:n])
            A = Z[:n]
        D = self.activations[last][:n]  # stands in for the output delta
        for i in range(last, -1, -1):
            layer_input = X if i == 0 else self.activations[i - 1][:n]
            np.matmul(layer_input.T, D, out=self.gradients[i])
            if i > 0:
                np.matmul(D, self.weights[i].T, out=self.deltas[i - 1][:n])
                D = self.deltas[i - 1][:n]
