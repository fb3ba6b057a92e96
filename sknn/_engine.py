"""Which engine runs a network: compiled for dense NumPy data, portable elsewhere."""

# Rows per chunk when predicting (and scoring a validation set): large enough
# for efficient matrix products, small enough for the buffers to stay in cache.
PREDICTION_ROWS = 2048

from sknn._backend import is_numpy
from sknn._cpu.network import CompiledNetwork
from sknn._network import Network


def make_network(xp, layout, hidden_activation, output_activation, dtype, device, max_rows,
                 dropout=0.0, random=None, sparse=False, predicting=False):
    """A network over up to ``max_rows`` rows of data in namespace ``xp``.

    Dense NumPy data gets the compiled engine (``sknn._cpu``), and so does
    SciPy-sparse data when the network only predicts (``predicting``);
    sparse training data and every other namespace get the portable
    ``Network``. Both compute the same passes, with the same dropout masks.
    """
    compiled = is_numpy(xp) and (predicting or not sparse)
    engine = CompiledNetwork if compiled else Network
    return engine(
        xp, layout, hidden_activation, output_activation, dtype, device, max_rows,
        dropout=dropout, random=random,
    )
