"""The sknn estimators fed float32 data, for scikit-learn's estimator checks.

``check_estimator`` generates float64 data; these subclasses cast every
float64 ``X`` to float32 on the way in, so every check exercises the float32
training and prediction path of the real estimators.
"""

import array_api_compat
import numpy as np
import scipy.sparse as sp

from sknn import MLPClassifier, MLPRegressor


def as_float32(X):
    """float64 arrays (NumPy, sparse, any array-API library) cast to float32."""
    if sp.issparse(X) or isinstance(X, np.ndarray):
        return X.astype(np.float32) if X.dtype == np.float64 else X
    if array_api_compat.is_array_api_obj(X):
        xp = array_api_compat.array_namespace(X)
        return xp.astype(X, xp.float32) if X.dtype == xp.float64 else X
    return X


class _Float32Data:
    def fit(self, X, y, sample_weight=None):
        return super().fit(as_float32(X), y, sample_weight=sample_weight)

    def predict(self, X):
        return super().predict(as_float32(X))


class Float32DataClassifier(_Float32Data, MLPClassifier):
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        return super().partial_fit(as_float32(X), y, sample_weight, classes)

    def predict_proba(self, X):
        return super().predict_proba(as_float32(X))

    def predict_log_proba(self, X):
        return super().predict_log_proba(as_float32(X))


class Float32DataRegressor(_Float32Data, MLPRegressor):
    def partial_fit(self, X, y, sample_weight=None):
        return super().partial_fit(as_float32(X), y, sample_weight)
