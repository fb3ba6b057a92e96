"""Which engine runs a network: compiled for dense NumPy data, portable elsewhere."""

import numpy as np

from sknn._arrays._backend import is_numpy
from sknn._engine._cpu import in_row_layout
from sknn._engine._cpu.network import CompiledNetwork
from sknn._engine._network import Network

# Rows per chunk when predicting (and scoring a validation set): large enough
# for efficient matrix products, small enough for the buffers to stay in cache.
PREDICTION_ROWS = 2048


def in_compute_layout(X):
    """Dense NumPy X in a layout the compiled engine computes on as it is (see
    ``sknn._engine._cpu.in_row_layout``: at most one copy); anything else unchanged.

    Every layout of the same values then gives the same bits.
    """
    return in_row_layout(X) if type(X) is np.ndarray else X


def make_network(
    xp,
    layout,
    hidden_activation,
    output_activation,
    dtype,
    device,
    max_rows,
    dropout=0.0,
    random=None,
    sparse=False,
    predicting=False,
):
    """A network over up to ``max_rows`` rows of data in namespace ``xp``.

    Dense NumPy data gets the compiled engine (``sknn._engine._cpu``), and so does
    SciPy-sparse data when the network only predicts (``predicting``);
    sparse training data and every other namespace get the portable
    ``Network``. Both compute the same passes, with the same dropout masks.
    """
    compiled = is_numpy(xp) and (predicting or not sparse)
    engine = CompiledNetwork if compiled else Network
    return engine(
        xp,
        layout,
        hidden_activation,
        output_activation,
        dtype,
        device,
        max_rows,
        dropout=dropout,
        random=random,
    )
