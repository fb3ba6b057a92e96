"""An unmodified lazypredict run: lazypredict finds scikit-learn's MLPRegressor itself.

lazypredict builds its list of regressors from scikit-learn's modules
(``sklearn.utils.all_estimators``) when it is imported; under sknn.accel that
list holds sknn's MLPRegressor. tests/test_accel.py runs this script with
plain ``python`` and under ``python -m sknn.accel`` and compares the output.
"""

import sys

from lazypredict.Supervised import REGRESSORS, LazyRegressor
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
chosen = [
    estimator for name, estimator in REGRESSORS if name in ("MLPRegressor", "LinearRegression")
]
n_jobs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
models, _ = LazyRegressor(regressors=chosen, n_jobs=n_jobs).fit(X_train, X_test, y_train, y_test)
print(models[["Adjusted R-Squared", "R-Squared", "RMSE"]].round(6).to_string())
