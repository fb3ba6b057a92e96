"""sknn: scikit-learn-compatible multi-layer perceptrons on NumPy or CuPy."""

from sknn._classifier import MLPClassifier
from sknn._display import TrainingCurveDisplay
from sknn._regressor import MLPRegressor

__version__ = "0.1.0"
__all__ = ["MLPClassifier", "MLPRegressor", "TrainingCurveDisplay", "__version__"]
