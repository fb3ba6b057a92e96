"""One flat buffer for all weights and biases, with per-layer views.

The order is scikit-learn's ``_pack`` order: every layer's weight matrix,
then every layer's bias. The weights form a prefix, so the L2 penalty is a
dot product over ``flat[:n_coefs]``, an optimizer update is a few whole-buffer
operations, and L-BFGS needs no packing.
"""

from itertools import pairwise

import numpy as np

from sknn._arrays._backend import move_to


class ParameterLayout:
    """Where each layer's weights and biases live inside the flat buffer.

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input and output included, e.g. ``[784, 128, 10]``.
    """

    def __init__(self, layer_units):
        self.layer_units = tuple(int(u) for u in layer_units)
        self.coef_shapes = list(pairwise(self.layer_units))
        coef_sizes = [fan_in * fan_out for fan_in, fan_out in self.coef_shapes]
        sizes = coef_sizes + list(self.layer_units[1:])
        ends = np.cumsum(sizes).tolist()
        starts = [0, *ends[:-1]]
        n_layers = len(self.coef_shapes)
        self._coef_spans = list(zip(starts[:n_layers], ends[:n_layers], strict=True))
        self._intercept_spans = list(zip(starts[n_layers:], ends[n_layers:], strict=True))
        self.n_coefs = sum(coef_sizes)
        self.size = ends[-1]

    @property
    def n_weight_layers(self):
        """Number of weight matrices (layers minus one)."""
        return len(self.coef_shapes)

    def coef(self, xp, flat, i):
        """View of layer ``i``'s weight matrix, shape (fan_in, fan_out)."""
        start, end = self._coef_spans[i]
        return xp.reshape(flat[start:end], self.coef_shapes[i])

    def intercept(self, xp, flat, i):
        """View of layer ``i``'s bias vector, shape (fan_out,)."""
        start, end = self._intercept_spans[i]
        return flat[start:end]

    def unpack(self, xp, flat):
        """Lists of per-layer views ``(coefs, intercepts)`` into ``flat``."""
        layers = range(self.n_weight_layers)
        coefs = [self.coef(xp, flat, i) for i in layers]
        intercepts = [self.intercept(xp, flat, i) for i in layers]
        return coefs, intercepts

    def pack(self, xp, coefs, intercepts, dtype, device):
        """A new flat buffer holding copies of ``coefs`` and ``intercepts``.

        The layers may come from any namespace; they are moved to ``xp``.
        """
        flat = xp.empty(self.size, dtype=dtype, device=device)
        for i, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
            start, end = self._coef_spans[i]
            coef = move_to(coef, xp, device, dtype)
            flat[start:end] = xp.reshape(coef, (-1,))
            start, end = self._intercept_spans[i]
            flat[start:end] = move_to(intercept, xp, device, dtype)
        return flat
