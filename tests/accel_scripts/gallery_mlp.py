"""A scikit-learn gallery-style script, unmodified: it imports scikit-learn's MLPs.

tests/test_accel.py runs it with plain ``python`` and under
``python -m sknn.accel`` and compares what it prints.
"""

import sys

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_digits
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

print("arguments:", sys.argv[1:])

X, y = load_diabetes(return_X_y=True)
regressor = TransformedTargetRegressor(
    make_pipeline(
        StandardScaler(),
        MLPRegressor(
            hidden_layer_sizes=(20,), solver="lbfgs", alpha=1.0, max_iter=100, random_state=0
        ),
    ),
    transformer=StandardScaler(),
)
scores = cross_val_score(regressor, X, y, cv=5)
print("L-BFGS regressor, R^2 of each fold:", " ".join(f"{s:.6f}" for s in scores))
print(f"mean R^2: {scores.mean():.6f}")

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
classifier = make_pipeline(
    StandardScaler(), MLPClassifier(hidden_layer_sizes=(32,), max_iter=40, random_state=0)
)
classifier.fit(X_train, y_train)
print(f"classifier test accuracy: {classifier.score(X_test, y_test):.6f}")
print("first probabilities:", np.round(classifier.predict_proba(X_test[:1]), 6).tolist())
