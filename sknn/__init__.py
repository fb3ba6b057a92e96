"""sknn: scikit-learn-compatible multi-layer perceptrons on NumPy or CuPy."""

import sys

from sknn._estimators import _classifier, _regressor
from sknn._estimators._classifier import MLPClassifier
from sknn._estimators._regressor import MLPRegressor
from sknn._extras._display import TrainingCurveDisplay

# Model files saved before the modules moved into subpackages name the
# estimators by their old paths: pickle and joblib import "sknn._classifier"
# and read its "MLPClassifier"; skops matches "sknn._classifier.MLPClassifier"
# against the trusted names, then imports it the same way. Registering the
# modules under those names keeps such files loading, without leaving a
# module file in the tree for each old path. New files name "sknn.MLPClassifier"
# (the classes' __module__ is "sknn"), which no future move changes.
sys.modules["sknn._classifier"] = _classifier
sys.modules["sknn._regressor"] = _regressor

__version__ = "0.1.0"
__all__ = ["MLPClassifier", "MLPRegressor", "TrainingCurveDisplay", "__version__"]
