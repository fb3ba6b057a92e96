"""Class labels to network targets and back, as scikit-learn's LabelBinarizer does.

Three kinds of classification target: ``binary`` (one logistic output, the
positive class is ``classes[1]``; a single class gives an all-zero column),
``multiclass`` (one softmax output per class) and ``multilabel-indicator``
(one logistic output per label). Encoding runs on the host; the decoders run
in any namespace.
"""

import numpy as np
from sklearn.utils.multiclass import type_of_target, unique_labels

from sknn._arrays._backend import to_numpy
from sknn._engine import _cpu

BINARY, MULTICLASS, MULTILABEL = "binary", "multiclass", "multilabel-indicator"


def target_kind(y):
    """The kind of ``y``: binary, multiclass or multilabel-indicator."""
    kind = type_of_target(y)
    if kind not in (BINARY, MULTICLASS, MULTILABEL):
        raise ValueError(
            "MLPClassifier supports binary, multiclass and multilabel-indicator "
            f"targets; got a {kind!r} target. Multioutput target data is not "
            "supported with label binarization."
        )
    return kind


def check_label_types(labels, name):
    """Raise a ValueError naming ``name`` when the object array ``labels`` mixes
    strings with numbers (or other non-strings): they have no order, so they
    cannot be classes.

    Arrays of numbers or of strings cannot mix; anything that is not a NumPy
    (or pandas) object array passes unchecked.
    """
    dtype = getattr(labels, "dtype", None)
    if not (isinstance(dtype, np.dtype) and dtype.kind == "O"):
        return
    values = np.asarray(labels).ravel()
    text = next((v for v in values if isinstance(v, (str, bytes))), None)
    other = next((v for v in values if not isinstance(v, (str, bytes))), None)
    if text is not None and other is not None:
        raise ValueError(
            f"{name} mixes strings and numbers (or other non-strings) as class labels, "
            f"e.g. {text!r} and {other!r}: labels must be all strings or all numbers. "
            "Convert them to one type first (e.g. all to str)."
        )


def classes_of(y, kind):
    """Sorted class labels (label indices for an indicator matrix)."""
    if kind == MULTILABEL:
        return np.arange(y.shape[1])
    return unique_labels(y)


def n_outputs_for(kind, classes):
    """Width of the output layer."""
    return 1 if kind == BINARY else len(classes)


def encode(y, kind, classes):
    """Host 0/1 targets of shape (n_samples, n_outputs), as uint8.

    One byte per target: the batches are turned into the compute dtype as
    they are gathered, so a fit never holds a float copy of all the targets.
    """
    if kind == MULTILABEL:
        return np.asarray(y, dtype=np.uint8)
    if kind == BINARY:
        positive = classes[1] if len(classes) > 1 else None
        return (np.asarray(y) == positive).astype(np.uint8)[:, None]
    indices = np.searchsorted(classes, y)
    one_hot = np.zeros((len(y), len(classes)), dtype=np.uint8)
    one_hot[np.arange(len(y)), indices] = 1
    return one_hot


def check_known_labels(y, kind, classes, require_all, name="y"):
    """Raise when ``y`` has labels outside ``classes`` (or, with
    ``require_all``, when its label set differs, as warm starts demand);
    ``name`` is what the messages call ``y`` (``y_val``: ``classes`` are then
    those of ``y``)."""
    fitted = "`y`" if name == "y_val" else "`self.classes_`"
    if kind == MULTILABEL:
        if y.shape[1] != len(classes):
            raise ValueError(f"{name} has {y.shape[1]} labels; {fitted} has {len(classes)}.")
        return
    labels = unique_labels(y)
    if require_all and set(labels) != set(classes):
        raise ValueError(
            "warm_start can only be used where `y` has the same classes as in "
            f"the previous call to fit. Previously got {classes}, `y` has {labels}"
        )
    unknown = np.setdiff1d(labels, classes)
    if len(unknown):
        raise ValueError(
            f"`{name}` has classes not in {fitted}. {fitted} has {classes}. "
            f"'{name}' has {labels}: {unknown} unknown."
        )


def numpy_labels(y_prob, kind, classes):
    """``indices_to_labels(decode_indices(...))`` for NumPy outputs, in few calls
    (predicting a row at a time, the general route costs as much as the network)."""
    if kind == MULTICLASS:
        indices = _row_argmax(y_prob)
    else:
        indices = (y_prob[:, 0] if kind == BINARY else y_prob) > 0.5
        indices = indices.astype(np.int64)
    if kind == MULTILABEL:
        return indices
    if len(classes) == 1:
        indices[...] = 0
    return classes.take(indices)


def _row_argmax(y_prob):
    """``y_prob.argmax(axis=1)``, compiled for the engine's float outputs."""
    if y_prob.dtype in _cpu.FLOATS and y_prob.flags.c_contiguous:
        return _cpu.specialised(_cpu.row_argmax, y_prob.dtype)(y_prob)
    return y_prob.argmax(axis=1)


def decode_indices(xp, y_prob, kind):
    """Per-sample class indices (binary, multiclass) or the 0/1 indicator matrix."""
    if kind == MULTICLASS:
        return xp.argmax(y_prob, axis=1)
    if kind == BINARY:
        return xp.astype(y_prob[:, 0] > 0.5, xp.int64)
    return xp.astype(y_prob > 0.5, xp.int64)


def indices_to_labels(xp, indices, kind, classes, device):
    """Class labels for decoded indices, in ``xp`` when the labels allow it."""
    if kind == MULTILABEL:
        return indices
    if len(classes) == 1:
        indices = xp.zeros_like(indices)
    if classes.dtype.kind in "biuf":
        return xp.take(xp.asarray(classes, device=device), indices, axis=0)
    return classes[to_numpy(indices)]
