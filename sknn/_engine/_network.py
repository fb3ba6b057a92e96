"""The passes of a dense network: the portable array-API engine and what both engines share.

Two engines compute the same passes: ``Network`` here, written against the
array API standard (any namespace, sparse input), and the compiled
``sknn._engine._cpu.network.CompiledNetwork`` for dense NumPy arrays. Both offer

- ``forward(coefs, intercepts, X)``: the output activations;
- ``gradient(params, grads, X, Y, sample_weight)``: the raw gradient (summed
  over rows, no L2 term) into ``grads``, returning ``(summed loss, sum of
  weights)``; the optimizers turn that into the penalised mean;
- ``loss_and_gradient(...)``: scikit-learn's penalised mean loss and its
  gradient (L-BFGS).
"""

from sknn._arrays._backend import is_sparse, move_to
from sknn._engine._activations import ACTIVATIONS, DERIVATIVES, NEEDS_PREACTIVATION
from sknn._engine._inplace import call_into, matmul_into, squared_norm
from sknn._engine._losses import summed_loss


def per_layer(setting, n_hidden):
    """A per-hidden-layer setting: one value repeated, or the list as given."""
    if isinstance(setting, (list, tuple)):
        return list(setting)
    return [setting] * n_hidden


class FlatParameters:
    """A flat buffer and its per-layer views (see ``ParameterLayout``)."""

    def __init__(self, xp, layout, flat):
        self.xp = xp
        self.flat = flat
        self.n_coefs = layout.n_coefs
        self.coefs, self.intercepts = layout.unpack(xp, flat)

    def copy_flat(self):
        """A copy of the flat buffer, detached from later updates."""
        return self.xp.asarray(self.flat, copy=True)

    @property
    def weights(self):
        """The weight-matrix prefix of the flat buffer (what L2 penalises)."""
        return self.flat[: self.n_coefs]


def dropout_mask(random, rate, shape, xp, device, dtype):
    """Inverted dropout: 0 with probability ``rate``, else 1 / (1 - rate).

    Drawn on the host with ``random`` (a NumPy Generator), so every engine
    and device draws the same masks.
    """
    draws = random.random(shape)
    return move_to((draws >= rate) / (1.0 - rate), xp, device, dtype)


def _rows(X, start, stop):
    """Rows ``start:stop`` of a dense array or a sparse matrix."""
    return X[start:stop] if is_sparse(X) else X[start:stop, ...]


class NetworkBase:
    """What both engines share: the settings, prediction in chunks, the penalised loss."""

    def __init__(
        self,
        xp,
        hidden_activation,
        output_activation,
        n_hidden,
        dtype,
        device,
        max_rows,
        dropout,
        random,
    ):
        self.xp, self.device, self.dtype = xp, device, dtype
        self.max_rows = max_rows
        self.activations = [*per_layer(hidden_activation, n_hidden), output_activation]
        self.output_activation = output_activation
        self.dropout = [*per_layer(dropout, n_hidden), 0.0]
        self._random = random

    def forward(self, coefs, intercepts, X, new_array=False):
        """Output-layer activations for ``X`` (no dropout).

        Up to ``max_rows`` rows: a view into a reused buffer (unless
        ``new_array``). More: a new array, filled ``max_rows`` rows at a time,
        so the work buffers stay the same size whatever the size of ``X``.
        """
        weights = self._prepare(coefs, intercepts)
        n_rows = X.shape[0]
        if n_rows <= self.max_rows:
            out = self._forward_rows(weights, X)
            return self.xp.asarray(out, copy=True) if new_array else out
        n_outputs = intercepts[-1].shape[0]
        out = self.xp.empty((n_rows, n_outputs), dtype=self.dtype, device=self.device)
        for start in range(0, n_rows, self.max_rows):
            stop = min(start + self.max_rows, n_rows)
            out[start:stop, ...] = self._forward_rows(weights, self._rows(X, start, stop))
        return out

    def _rows(self, X, start, stop):
        """Rows ``start:stop`` of X, as ``_forward_rows`` takes them."""
        return _rows(X, start, stop)

    def loss_function(self, xp, Y, y_pred, sample_weight=None):
        """Weighted mean loss of ``y_pred`` against ``Y`` (no L2 term)."""
        total = summed_loss(xp, self.output_activation, Y, y_pred, sample_weight)
        weight_sum = Y.shape[0] if sample_weight is None else xp.sum(sample_weight)
        return total / weight_sum

    def loss_and_gradient(self, params, grads, X, Y, sample_weight, alpha):
        """Penalised mean loss on (X, Y) as a 0-d array; its gradient into ``grads``.

        loss = mean_w(loss_i) + alpha * ||W||^2 / (2 * sum(w)), and the gradient
        of exactly that, as scikit-learn defines them.
        """
        xp = self.xp
        total, weight_sum = self.gradient(params, grads, X, Y, sample_weight)
        loss = total / weight_sum
        if alpha:
            loss = loss + 0.5 * alpha * squared_norm(xp, params.weights) / weight_sum
            penalty = xp.empty_like(params.weights)
            call_into(xp, "multiply", params.weights, alpha, out=penalty)
            weight_grads = grads.weights
            weight_grads += penalty
        grads.flat /= weight_sum
        return loss


class Network(NetworkBase):
    """A multi-layer perceptron's passes over up to ``max_rows`` rows at a time.

    Activation and delta buffers are allocated once, at ``max_rows`` rows, and
    reused for every batch (a smaller last batch uses the leading rows).

    Parameters
    ----------
    xp : namespace
    layout : ParameterLayout
    hidden_activation : str or list of str
        Name in ``sknn._engine._activations.ACTIVATIONS``, or one per hidden layer.
    output_activation : str
    dtype, device
        Of the buffers.
    max_rows : int
        Largest batch that will be passed.
    dropout : float or list of float, default=0.0
        Rate of each hidden layer's inverted dropout in training passes.
    random : numpy.random.Generator, default=None
        Draws the dropout masks (on the host); needed when dropout is used.
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
        units = layout.layer_units[1:]
        super().__init__(
            xp,
            hidden_activation,
            output_activation,
            len(units) - 1,
            dtype,
            device,
            max_rows,
            dropout,
            random,
        )
        self._dropped_out = False  # whether the last forward pass used dropout

        def buffers(keep=lambda i: True):
            return [
                xp.empty((max_rows, u), dtype=dtype, device=device) if keep(i) else None
                for i, u in enumerate(units)
            ]

        self._activations, self._deltas = buffers(), buffers()
        self._preactivations = buffers(lambda i: self.activations[i] in NEEDS_PREACTIVATION)
        self._masks = buffers(lambda i: self.dropout[i] > 0)
        self._kept = buffers(lambda i: self.dropout[i] > 0)  # activations after dropout

    def _prepare(self, coefs, intercepts):
        return coefs, intercepts

    def _forward_rows(self, weights, X):
        return self._forward_pass(*weights, X)

    def _forward_pass(self, coefs, intercepts, X, training=False):
        """Output-layer activations for ``X``: a view into a reused buffer.

        With ``training``, hidden layers with a dropout rate zero a random
        fraction of their units and scale the rest by 1 / (1 - rate).
        """
        xp, n_rows = self.xp, X.shape[0]
        self._dropped_out = training and any(self.dropout)
        A = X
        for i, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
            Z = self._activations[i][:n_rows, ...]  # (n_rows, fan_out)
            matmul_into(xp, A, coef, Z)
            Z += intercept
            if self._preactivations[i] is not None:
                self._preactivations[i][:n_rows, ...] = Z  # kept for the derivative
            ACTIVATIONS[self.activations[i]](xp, Z)
            A = self._drop_out(i, Z) if self._dropped_out and self.dropout[i] else Z
        return A

    def _drop_out(self, i, A):
        """``A * mask`` into a buffer of its own; ``A`` stays for the derivative."""
        mask = self._masks[i][: A.shape[0], ...]
        mask[...] = dropout_mask(
            self._random, self.dropout[i], A.shape, self.xp, self.device, self.dtype
        )
        kept = self._kept[i][: A.shape[0], ...]
        kept[...] = A * mask
        return kept

    def _layer_input(self, i, X, n_rows):
        """What layer ``i`` received in the last forward pass."""
        if i == 0:
            return X
        if self._dropped_out and self.dropout[i - 1]:
            return self._kept[i - 1][:n_rows, ...]
        return self._activations[i - 1][:n_rows, ...]

    def gradient(self, params, grads, X, Y, sample_weight):
        """Raw gradients into ``grads``; ``(summed loss, sum of weights)`` as 0-d arrays.

        A training pass (dropout applies). ``grads`` receives the sum over rows
        of each row's (weighted) loss gradient, without the L2 term.
        """
        xp = self.xp
        y_pred = self._forward_pass(params.coefs, params.intercepts, X, training=True)
        total = summed_loss(xp, self.output_activation, Y, y_pred, sample_weight)
        self._backward(params, grads, X, Y, sample_weight)
        weight_sum = X.shape[0] if sample_weight is None else xp.sum(sample_weight)
        return total, weight_sum

    def _backward(self, params, grads, X, Y, sample_weight):
        """Un-normalised gradients of the summed loss into ``grads``' views.

        Call right after ``forward`` on the same ``X``. The output delta is
        ``y_pred - y``: the canonical output-activation/loss pairs of
        ``sknn._engine._losses`` make that the derivative with respect to the output
        layer's pre-activation.
        """
        xp, n_rows, last = self.xp, X.shape[0], len(params.coefs) - 1
        delta = self._deltas[last][:n_rows, ...]
        delta[...] = self._activations[last][:n_rows, ...]
        delta -= Y
        if sample_weight is not None:
            delta *= sample_weight[:, None]
        for i in range(last, -1, -1):
            matmul_into(xp, self._layer_input(i, X, n_rows).T, delta, grads.coefs[i])
            grads.intercepts[i][...] = xp.sum(delta, axis=0)
            if i > 0:
                delta_prev = self._deltas[i - 1][:n_rows, ...]
                matmul_into(xp, delta, params.coefs[i].T, delta_prev)
                if self._dropped_out and self.dropout[i - 1]:
                    delta_prev *= self._masks[i - 1][:n_rows, ...]
                A_prev = self._activations[i - 1][:n_rows, ...]
                Z_prev = self._preactivations[i - 1]
                Z_prev = None if Z_prev is None else Z_prev[:n_rows, ...]
                DERIVATIVES[self.activations[i - 1]](xp, A_prev, delta_prev, Z_prev)
                delta = delta_prev
