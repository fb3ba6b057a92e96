"""Mini-batches in scikit-learn's order, gathered into buffers reused all fit long."""

import numpy as np
from sklearn.utils import gen_batches, shuffle

from sknn._arrays._backend import device_of, is_sparse, native, to_numpy
from sknn._engine import _cpu


def take_rows(xp, array, rows):
    """``array[rows]`` along the first axis (a new array; None stays None)."""
    if array is None:
        return None
    if is_sparse(array):
        return array[rows]
    return xp.take(array, _index_array(xp, array, rows), axis=0)


class BatchSource:
    """The training rows of (X, Y, sample_weight), batch by batch, epoch by epoch.

    The order reproduces scikit-learn's: a running permutation of the training
    rows, reshuffled with ``random_state`` at the start of every epoch. The
    permutation is drawn once per epoch on the host; each batch's rows are then
    gathered into a buffer allocated once, so no batch allocates and the data
    is never copied whole. A batch whose sample weights are all 0 is not
    gathered: the epoch yields None in its place (scikit-learn divides by its
    zero weight sum and fails).

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
        self._weighted = None if sample_weight is None else to_numpy(sample_weight) > 0
        if (
            self._weighted is not None
            and not self._weighted[slice(None) if train_rows is None else train_rows].any()
        ):
            raise ValueError(
                "Every training sample has weight 0 (sample_weight, times class_weight "
                "if given), so there is nothing to train on; with early stopping, the "
                "samples with positive weights all went to the validation set."
            )
        dtype = X.dtype  # the compute dtype: targets stored compactly are cast to it
        self._gathers = [_gatherer(xp, a, batch_size, dtype) for a in self.arrays]
        self._casts = [_caster(xp, a, batch_size, dtype) for a in self.arrays]

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
        """Yield ``(X_batch, Y_batch, sample_weight_batch)`` for one epoch, or None
        for a batch whose sample weights are all 0 (it has nothing to train on)."""
        rows = self._epoch_rows()
        device_rows = None if rows is None else _index_array(self.xp, self.arrays[0], rows)
        for batch in gen_batches(self.n_samples, self.batch_size):
            if self._weightless(rows, batch):
                yield None
            elif device_rows is None:
                yield tuple(
                    None if a is None else cast(a[batch, ...])
                    for a, cast in zip(self.arrays, self._casts, strict=True)
                )
            else:
                batch_rows = device_rows[batch]
                yield tuple(gather(batch_rows) for gather in self._gathers)

    def _weightless(self, rows, batch):
        """Whether every row of ``batch`` (a slice of this epoch's rows) has weight 0."""
        if self._weighted is None:
            return False
        return not self._weighted[batch if rows is None else rows[batch]].any()


def _gatherer(xp, array, n_rows, dtype):
    """``gather(rows) -> array[rows]`` in ``dtype``, into buffers reused every batch."""
    if array is None:
        return lambda rows: None
    if is_sparse(array):
        return lambda rows: array[rows]
    buffer_shape = (n_rows, *array.shape[1:])
    if _cpu.handles(array) and array.shape[0] > 0:  # the compiled gather reads it in place
        buffer = np.empty(buffer_shape, dtype=array.dtype)
        source, target = (array[:, None], buffer[:, None]) if array.ndim == 1 else (array, buffer)
        take = _cpu.specialised(_cpu.take_rows, array.dtype)

        def gather(rows):
            take(source, rows, target)
            return buffer[: rows.shape[0]]

        return gather
    cast = _caster(xp, array, n_rows, dtype)
    module = native(xp)
    if module is None:
        return lambda rows: cast(xp.take(array, rows, axis=0))
    buffer = xp.empty(buffer_shape, dtype=array.dtype, device=array.device)
    return lambda rows: cast(module.take(array, rows, axis=0, out=buffer[: rows.shape[0], ...]))


def _caster(xp, array, n_rows, dtype):
    """``cast(batch)``: the batch in ``dtype`` (compact 0/1 targets are uint8)."""
    if array is None or is_sparse(array) or array.dtype == dtype:
        return lambda batch: batch
    module = native(xp)
    if module is None:
        return lambda batch: xp.astype(batch, dtype)
    buffer = xp.empty((n_rows, *array.shape[1:]), dtype=dtype, device=array.device)

    def cast(batch):
        out = buffer[: batch.shape[0], ...]
        module.copyto(out, batch)
        return out

    return cast


def _index_array(xp, X, rows):
    """Row indices where X lives: host indices (intp) stay on the host for NumPy."""
    if native(xp) is np or (is_sparse(X) and device_of(X) == "cpu"):
        return np.ascontiguousarray(rows, dtype=np.intp)
    return xp.asarray(rows, device=device_of(X))
