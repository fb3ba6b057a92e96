"""A validation set that reached the last step of a Pipeline untransformed.

``Pipeline.fit(X, y, mlpclassifier__X_val=X_val)`` passes ``X`` through the
earlier steps but hands ``X_val`` over as given, so early stopping would
score data unlike anything the network trains on. scikit-learn's answer is
metadata routing with ``Pipeline(..., transform_input=["X_val"])``.

The signal: the estimator is the last step of a Pipeline whose ``fit`` is
on the call stack, ``transform_input`` does not name ``X_val``, and the
pipeline's fitted earlier steps map ``X_val`` onto data that looks like the
``X`` the estimator received, while ``X_val`` itself does not. A user who
transformed ``X_val`` beforehand passes data that already looks like ``X``:
no warning. When the earlier steps change the number of features, the
untransformed ``X_val`` cannot be used at all: a ValueError says why.
"""

import inspect
import warnings

import numpy as np
from sklearn.pipeline import Pipeline

_MAX_FRAMES = 12
#: Median over features of |mean shift| / std + |log std ratio|: beyond FAR
#: the data is on another scale; within NEAR it is the same distribution.
FAR, NEAR = 1.0, 0.5

_ADVICE = (
    "Let the pipeline transform it with metadata routing: "
    "sklearn.set_config(enable_metadata_routing=True), build the pipeline with "
    "transform_input=['X_val'], request the validation data with "
    "{name}(...).set_fit_request(X_val=True, y_val=True), and call "
    "pipeline.fit(X, y, X_val=X_val, y_val=y_val). See docs/validation.md."
)


def check_validation_input(estimator, X, X_val):
    """Warn (or raise, for a feature-count mismatch) when ``X_val`` skipped the
    earlier steps of the Pipeline whose last step ``estimator`` is."""
    pipeline = _calling_pipeline(estimator)
    if pipeline is None or "X_val" in (getattr(pipeline, "transform_input", None) or ()):
        return
    earlier = pipeline[:-1]
    if all(step in (None, "passthrough") for _, step in earlier.steps):
        return
    X, X_val = _dense(X), _dense(X_val)
    if X is None or X_val is None or X.ndim != 2 or X_val.ndim != 2:
        return
    try:
        transformed = _dense(earlier.transform(X_val))
    except Exception:  # not data the earlier steps take: no signal
        return
    if transformed is None or transformed.shape[1] != X.shape[1]:
        return
    name = type(estimator).__name__
    steps = ", ".join(
        type(step).__name__ for _, step in earlier.steps if step not in (None, "passthrough")
    )
    if X_val.shape[1] != X.shape[1]:
        raise ValueError(
            f"X_val has {X_val.shape[1]} features and {name} trains on {X.shape[1]}: "
            f"it reached the last step of the Pipeline without going through the "
            f"earlier steps ({steps}), which transform X. " + _ADVICE.format(name=name)
        )
    if _mismatch(X_val, X) > FAR and _mismatch(transformed, X) < NEAR:
        warnings.warn(
            f"X_val reached {name}, the last step of a Pipeline, untransformed: the "
            f"earlier steps ({steps}) transformed X but not X_val, so early stopping "
            f"scores data unlike what the network trains on. " + _ADVICE.format(name=name),
            UserWarning,
            stacklevel=6,  # this, fit, its _fit_context, Pipeline.fit, its wrapper, the caller
        )


def _calling_pipeline(estimator):
    """The Pipeline whose ``fit`` is calling ``estimator.fit``, or None."""
    frame = inspect.currentframe()
    try:
        for _ in range(_MAX_FRAMES):
            frame = frame.f_back
            if frame is None:
                return None
            caller = frame.f_locals.get("self")
            if (
                frame.f_code.co_name == "fit"
                and isinstance(caller, Pipeline)
                and caller.steps
                and caller.steps[-1][1] is estimator
            ):
                return caller
        return None
    finally:
        del frame


def _dense(X):
    """``X`` as a float ndarray, or None for what this check does not read."""
    if not hasattr(X, "shape") or type(X).__module__.startswith(("scipy", "cupy")):
        return None
    try:
        return np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _mismatch(A, reference):
    """How unlike ``reference`` the columns of ``A`` are, in ``reference``'s units.

    The median over the features that vary in ``reference`` of the shift of
    the mean in standard deviations plus the absolute log-ratio of the
    standard deviations; 0 for samples of one distribution (up to noise).
    """
    scale = reference.std(axis=0)
    varying = scale > 1e-12 * (1.0 + np.abs(reference).max(axis=0))
    if not varying.any():
        return 0.0
    scale = scale[varying]
    shift = np.abs(A.mean(axis=0)[varying] - reference.mean(axis=0)[varying]) / scale
    ratio = np.abs(np.log(np.maximum(A.std(axis=0)[varying], 1e-12 * scale) / scale))
    return float(np.median(shift + ratio))
