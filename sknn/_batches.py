"""Mini-batches in scikit-learn's order, gathered into buffers reused all fit long."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import gen_batches, shuffle

from sknn._backend import device_of, native


def take_rows(xp, array, rows, out=None):
    """``array[rows]`` along the first axis, into ``out`` where NumPy/CuPy allow."""
    if array is None:
        return None
    if sp.issparse(array):
        return array[rows]
    rows = _index_array(xp, array, rows)
    module = native(xp)
    if module is not None and out is not None:
        return module.take(array, rows, axis=0, out=out[: rows.shape[0], ...])
    return xp.take(array, rows, axis=0)


class BatchSource:
    """The training rows of (X, Y, sample_weight), batch by batch, epoch by epoch.

    The order reproduces scikit-learn's: a running permutation of the training
    rows, reshuffled with ``random_state`` at the start of every epoch. The
    permutation is drawn once per epoch on the host; each batch's rows are then
    gathered into a buffer allocated once, so no batch allocates and the data
    is never copied whole.

    Parameters
    ----------
    xp : namespace
    X, Y, sample_weight : arrays
        All rows (X may be scipy-sparse CSR); sample_weight may be None.
    train_rows : ndarray of int or None
        Rows of X that are training rows (None: all).
    batch_size : int
    shuffle : bool
    random_state : numpy.random.RandomState
    """

    def __init__(self, xp, X, Y, sample_weight, train_rows, batch_size, shuffle, random_state):
        self.xp = xp
        self.arrays = (X, Y, sample_weight)
        self.train_rows = train_rows
        self.n_samples = X.shape[0] if train_rows is None else train_rows.shape[0]
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self._order = np.arange(self.n_samples)
        self._buffers = [_row_buffer(xp, a, batch_size) for a in self.arrays]

    @property
    def n_batches(self):
        """Batches per epoch."""
        return -(-self.n_samples // self.batch_size)

    def _epoch_rows(self):
        if self.shuffle:
            self._order = shuffle(self._order, random_state=self.random_state)
        rows = self._order if self.train_rows is None else self.train_rows[self._order]
        if not self.shuffle and self.train_rows is None:
            return None
        return rows

    def epoch(self):
        """Yield ``(X_batch, Y_batch, sample_weight_batch)`` for one epoch."""
        rows = self._epoch_rows()
        device_rows = None if rows is None else _index_array(self.xp, self.arrays[0], rows)
        for batch in gen_batches(self.n_samples, self.batch_size):
            if device_rows is None:
                yield tuple(None if a is None else a[batch, ...] for a in self.arrays)
            else:
                batch_rows = device_rows[batch]
                yield tuple(
                    take_rows(self.xp, a, batch_rows, out=buffer)
                    for a, buffer in zip(self.arrays, self._buffers)
                )


def _row_buffer(xp, array, n_rows):
    if array is None or sp.issparse(array) or native(xp) is None:
        return None
    return xp.empty((n_rows,) + tuple(array.shape[1:]), dtype=array.dtype, device=array.device)


def _index_array(xp, X, rows):
    """Row indices where X lives: host indices stay on the host for NumPy."""
    if sp.issparse(X) or native(xp) is np:
        return rows
    return xp.asarray(rows, device=device_of(X))
