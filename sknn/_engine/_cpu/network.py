"""The compiled engine behind the interface of ``sknn._engine._network.Network``."""

import numpy as np

from sknn._arrays._backend import is_sparse
from sknn._engine._cpu import ACTIVATION_CODES
from sknn._engine._cpu._dense import DenseNetwork
from sknn._engine._cpu._sparse import CSRRows
from sknn._engine._network import NetworkBase, dropout_mask


class CompiledNetwork(NetworkBase):
    """``sknn._engine._network.Network``'s passes, compiled, for dense NumPy arrays.

    Parameters are those of ``Network``; ``xp`` must be NumPy, the data
    dense, or SciPy-sparse for ``forward`` (prediction): its rows are read in
    place, their product computed as SciPy computes it. Dropout masks are
    drawn here, in the same order as ``Network`` draws them, so both engines
    train the same model.
    """

    def __init__(
        self,
        xp,
        layout,
        hidden_activation,
        output_activation,
        dtype,
        device,
        max_rows,
        dropout=0.0,
        random=None,
    ):
        n_hidden = len(layout.layer_units) - 2
        super().__init__(
            xp,
            hidden_activation,
            output_activation,
            n_hidden,
            dtype,
            device,
            max_rows,
            dropout,
            random,
        )
        self._dense = DenseNetwork(
            layout.layer_units,
            [ACTIVATION_CODES[name] for name in self.activations],
            dtype,
            max_rows,
            [rate > 0 for rate in self.dropout[:-1]],
        )

    def _prepare(self, coefs, intercepts):
        return self._dense.layer_views(coefs, intercepts)

    def forward(self, coefs, intercepts, X, new_array=False):
        if is_sparse(X) and X.format != "csr":
            X = X.tocsr()  # sorted columns: the order SciPy's CSC product adds them in
        return super().forward(coefs, intercepts, X, new_array)

    def _rows(self, X, start, stop):
        return CSRRows(X, start, stop) if is_sparse(X) else X[start:stop]

    def _forward_rows(self, views, X):
        if is_sparse(X):
            X = CSRRows(X, 0, X.shape[0])
        return self._dense.forward(views, X)

    def gradient(self, params, grads, X, Y, sample_weight):
        """Raw gradients into ``grads``; ``(summed loss, sum of weights)`` as floats."""
        masks = self._masks(X.shape[0]) if self._random is not None else None
        Y = np.require(Y, requirements=["C", "A"])
        if sample_weight is not None:
            sample_weight = np.require(sample_weight, requirements=["C", "A"])
        total = self._dense.gradient(params.flat, grads.flat, X, Y, sample_weight, masks)
        weight_sum = X.shape[0] if sample_weight is None else float(np.sum(sample_weight))
        return total, weight_sum

    def _masks(self, n_rows):
        units = self._dense.layer_units[1:-1]
        return [
            dropout_mask(self._random, rate, (n_rows, u), self.xp, "cpu", self.dtype)
            if rate
            else None
            # dropout holds the output layer's rate (0) too; units, the hidden layers only
            for rate, u in zip(self.dropout, units, strict=False)
        ]
